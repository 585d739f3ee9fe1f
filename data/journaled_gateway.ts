import type {
  Gateway,
  GatewayBalance,
  GatewayEvent,
  GatewayOrder,
  GatewayOrderRequest,
  GatewayQuote,
  GatewayResult,
} from "./gateway.ts";
import { FillSource, type JournalDecision, JournalPhase, OrderJournal } from "./order_journal.ts";
import type { SymbolRules } from "./sim/exchange_info.ts";

/** Reject code of a request refused locally because its client id was already journaled. */
export const DUPLICATE_REQUEST_CODE = -2010;
/** Reject code of a placement refused while trading is paused (positions unknown). */
export const PAUSED_CODE = -1001;

/** Options of {@link JournaledGateway}. */
export interface JournaledGatewayOptions {
  /**
   * The decision behind a request (model version, states), when the caller knows it. @default
   * {the decision time read from a `sh-<symbol>-<ts base 36>-<n>` client id, model "unknown"}
   */
  decisionOf?: (request: GatewayOrderRequest) => JournalDecision | undefined;
  /** Wall clock, ms (the request's `sentAt`). @default {Date.now} */
  now?: () => number;
  /**
   * Whether a request the journal holds as dropped (it never reached the venue) may be sent
   * again, under the same client id, now that the trading path issues it again. @default {never}
   */
  resendDropped?: (request: GatewayOrderRequest, decisionTs: number) => boolean;
}

/**
 * A `Gateway` that journals everything passing through it (`OrderJournal`): each request is
 * written as `pending` **before** it is sent, then acked or rejected with the venue's answer;
 * every event (order update, fill) is written before listeners see it. A request whose client id
 * is already journaled is never sent again through here: the venue's current state of that order
 * is returned instead (`getOrder`), or a -2010 "Duplicate order sent." when the journal knows it
 * as rejected, or as dropped (reconciliation found it never reached the venue) unless
 * `resendDropped` says its decision is still fresh: then it is sent, under the same client id. While {@link pause}d (reconciliation failed: positions unknown),
 * placements are refused locally with `PAUSED_CODE`; cancels and queries still go through.
 */
export class JournaledGateway<G extends Gateway = Gateway> implements Gateway {
  readonly inner: G;
  readonly journal: OrderJournal;
  readonly #decisionOf: (request: GatewayOrderRequest) => JournalDecision | undefined;
  readonly #now: () => number;
  readonly #resendDropped: (request: GatewayOrderRequest, decisionTs: number) => boolean;
  readonly #listeners = new Set<(event: GatewayEvent) => void>();
  readonly #unsubscribe: () => void;
  #paused: string | null = null;
  #placementsRefused = 0;

  constructor(inner: G, journal: OrderJournal, options: JournaledGatewayOptions = {}) {
    this.inner = inner;
    this.journal = journal;
    this.#decisionOf = options.decisionOf ?? (() => undefined);
    this.#now = options.now ?? Date.now;
    this.#resendDropped = options.resendDropped ?? (() => false);
    this.#unsubscribe = inner.subscribe((e) => this.#onEvent(e));
  }

  get venue(): string {
    return this.inner.venue;
  }

  /** Why placements are refused right now, or null when trading. */
  get paused(): string | null {
    return this.#paused;
  }

  /** Placements refused because trading was paused. */
  get placementsRefused(): number {
    return this.#placementsRefused;
  }

  /** Refuses placements (`reason` is given in the reject message) until {@link resume}. */
  pause(reason: string): void {
    this.#paused = reason;
  }

  /** Lets placements through again. */
  resume(): void {
    this.#paused = null;
  }

  symbolRules(symbol: string): SymbolRules | undefined {
    return this.inner.symbolRules(symbol);
  }

  async placeOrder(request: GatewayOrderRequest): Promise<GatewayResult<GatewayOrder>> {
    if (this.#paused !== null) {
      this.#placementsRefused++;
      return {
        ok: false,
        reject: { code: PAUSED_CODE, msg: `STALE: trading paused: ${this.#paused}` },
      };
    }
    const decision = this.#decisionOf(request) ?? decisionFromClientId(request.clientOrderId);
    let fresh = this.journal.recordRequest(request, decision, { sentAt: this.#now() });
    if (!fresh) {
      const known = this.journal.order(request.clientOrderId);
      if (
        known?.phase === JournalPhase.DROPPED && this.#resendDropped(request, known.decision.ts)
      ) {
        fresh = this.journal.revive(request.clientOrderId, { sentAt: this.#now() });
      }
    }
    if (!fresh) {
      const known = this.journal.order(request.clientOrderId);
      if (known?.phase === JournalPhase.ACKED || known?.phase === JournalPhase.PENDING) {
        const r = await this.inner.getOrder(request.symbol, request.clientOrderId);
        if (r.ok) {
          this.journal.recordOrder(r.value, { executionType: "NEW", ts: r.value.updateTime });
        }
        if (r.ok || known.phase === JournalPhase.ACKED) return r;
        // pending and unknown to the venue: reconciliation decides, never a blind re-send
      }
      return { ok: false, reject: { code: DUPLICATE_REQUEST_CODE, msg: "Duplicate order sent." } };
    }
    const r = await this.inner.placeOrder(request);
    if (r.ok) {
      this.journal.recordOrder(r.value, { executionType: "NEW", ts: r.value.updateTime });
    } else {
      this.journal.recordReject(request.clientOrderId, r.reject, { ts: this.#now() });
    }
    return r;
  }

  async cancelOrder(symbol: string, clientOrderId: string): Promise<GatewayResult<GatewayOrder>> {
    const r = await this.inner.cancelOrder(symbol, clientOrderId);
    if (r.ok) {
      this.journal.recordOrder(r.value, { executionType: "CANCELED", ts: r.value.updateTime });
    }
    return r;
  }

  getOrder(symbol: string, clientOrderId: string): Promise<GatewayResult<GatewayOrder>> {
    return this.inner.getOrder(symbol, clientOrderId);
  }

  openOrders(symbol?: string): Promise<GatewayResult<GatewayOrder[]>> {
    return this.inner.openOrders(symbol);
  }

  balances(): Promise<GatewayResult<GatewayBalance[]>> {
    return this.inner.balances();
  }

  quote(symbol: string): Promise<GatewayResult<GatewayQuote>> {
    return this.inner.quote(symbol);
  }

  subscribe(listener: (event: GatewayEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stops journaling the inner gateway's events (the inner gateway stays open). */
  detach(): void {
    this.#unsubscribe();
  }

  #onEvent(e: GatewayEvent): void {
    if (e.kind === "fill") this.journal.recordFill(e.fill, { source: FillSource.STREAM });
    else this.journal.recordOrder(e.order, { executionType: e.executionType, ts: e.ts });
    for (const l of this.#listeners) l(e);
  }
}

/**
 * The decision time encoded in our client ids (`sh-<symbol>-<ts base 36>-<n>`); model version
 * `unknown` and states −1, as the id carries no more.
 */
export function decisionFromClientId(clientOrderId: string): JournalDecision {
  const m = /^sh-[A-Z0-9]+-([0-9a-z]+)-[0-9]+$/.exec(clientOrderId);
  const ts = m === null ? 0 : parseInt(m[1], 36);
  return { ts: Number.isFinite(ts) ? ts : 0, modelVersion: "unknown", state: -1, macroState: -1 };
}
