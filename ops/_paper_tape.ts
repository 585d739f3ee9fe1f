import type { Feed, FeedBatch } from "../actors/trading_loop.ts";
import { LoopCommand, TradingLoopControl } from "../actors/trading_loop_control.ts";
import type {
  Gateway,
  GatewayBalance,
  GatewayEvent,
  GatewayOrder,
  GatewayOrderRequest,
  GatewayQuote,
  GatewayResult,
} from "../data/gateway.ts";
import type { OrderJournal } from "../data/order_journal.ts";
import type { SymbolRules } from "../data/sim/exchange_info.ts";

/**
 * The tape of a paper or live run: every exchange between the trading path and the venue, in the
 * order it happened, in the run's journal (`OrderJournal.appendTape`):
 *
 * - `batch`: a market batch the feed gave the trading loop (bars and QA flags);
 * - `call` / `answer` / `throw`: a gateway call (method and arguments) and its outcome;
 * - `event`: a gateway event (order update, fill) delivered to the execution actor;
 * - `control`: an operator command (kill, resume) the trading loop applied at that point.
 *
 * Events are **gated**: an event the venue pushes while no call is running is held and delivered
 * at the start of the next call (events during a call are delivered at once). So every event has
 * a fixed place between calls, and the trading path — deterministic given its inputs (lockstep
 * loop, seeded models) — reaches exactly the same state again when the same batches, answers and
 * events are played back in the same order. That is how `--resume` rebuilds every actor (symbol
 * features and filters, the risk book, the execution actor's orders, the recorder's files): it
 * replays the tape, then carries on live from where the tape ends.
 */
export type TapeEntry =
  | { kind: "batch"; batch: TapedBatch }
  | { kind: "call"; method: TapedMethod; args: unknown[] }
  | { kind: "answer"; result: unknown }
  | { kind: "throw"; message: string }
  | { kind: "event"; event: GatewayEvent }
  | { kind: "control"; command: LoopCommand };

/** The gateway calls the tape records. */
export type TapedMethod =
  | "placeOrder"
  | "cancelOrder"
  | "getOrder"
  | "openOrders"
  | "balances"
  | "quote";

/** A `FeedBatch` as JSON. */
export interface TapedBatch {
  seq: number;
  bars: {
    symbol: string;
    openTime: number[];
    open: number[];
    high: number[];
    low: number[];
    close: number[];
    volume: number[];
    flags: number[];
  }[];
}

/** The tape of a journal, parsed (unknown kinds are refused). */
export function readTape(journal: OrderJournal): TapeEntry[] {
  return journal.tape().map((row) => {
    const p = row.payload as Record<string, unknown>;
    switch (row.kind) {
      case "batch":
        return { kind: "batch", batch: p as unknown as TapedBatch };
      case "call":
        return { kind: "call", method: p.method as TapedMethod, args: p.args as unknown[] };
      case "answer":
        return { kind: "answer", result: p.result };
      case "throw":
        return { kind: "throw", message: String(p.message) };
      case "event":
        return { kind: "event", event: p.event as GatewayEvent };
      case "control":
        return { kind: "control", command: LoopCommand.parse(p.command) };
      default:
        throw new TypeError(`Cannot read tape entry ${row.seq}: unknown kind ${row.kind}`);
    }
  });
}

/** What a resumed run plays back before going live, shared by the gateway and the feed. */
export class TapePlayer {
  readonly #entries: TapeEntry[];
  #pos = 0;
  #live: Promise<void> | null = null;
  readonly #goLive: () => Promise<void>;

  /**
   * @param entries the tape so far (empty for a fresh run).
   * @param goLive runs once, when the tape is exhausted (at the first call or batch of a fresh
   *   run): brings the live side up to date (a REST gap fill of what happened while the process
   *   was down) and lets the market run.
   */
  constructor(entries: readonly TapeEntry[], goLive: () => Promise<void>) {
    this.#entries = [...entries];
    this.#goLive = goLive;
  }

  /** True once the tape has been played to its end. */
  get live(): boolean {
    return this.#live !== null;
  }

  /** Entries played back so far. */
  get played(): number {
    return this.#pos;
  }

  /** Entries on the tape. */
  get length(): number {
    return this.#entries.length;
  }

  /** The next entry, or null at the end (then switches to live). */
  peek(): TapeEntry | null {
    return this.#pos < this.#entries.length ? this.#entries[this.#pos] : null;
  }

  /** The entry `k` places after the next one (0 = the next), or null past the end. */
  peekAhead(k: number): TapeEntry | null {
    const i = this.#pos + k;
    return i < this.#entries.length ? this.#entries[i] : null;
  }

  /** Consumes the next entry. */
  take(): TapeEntry {
    return this.#entries[this.#pos++];
  }

  /** Switches to live (once); resolves when the live side is up to date. */
  goLive(): Promise<void> {
    this.#pos = this.#entries.length;
    this.#live ??= this.#goLive();
    return this.#live;
  }
}

/**
 * A `Gateway` that records its calls, answers and events on the tape (live), or plays them back
 * from it (while a resumed run catches up), with gated events (see {@link TapeEntry}).
 * A call that differs from the taped one at the same place means the trading path did not
 * replay identically: the run stops (RangeError) rather than trade on a state that is not the
 * one the journal recorded.
 */
export class TapedGateway implements Gateway {
  readonly inner: Gateway;
  readonly #journal: OrderJournal;
  readonly #player: TapePlayer;
  readonly #listeners = new Set<(e: GatewayEvent) => void>();
  readonly #held: GatewayEvent[] = [];
  #inCall = false;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(inner: Gateway, journal: OrderJournal, player: TapePlayer) {
    this.inner = inner;
    this.#journal = journal;
    this.#player = player;
    inner.subscribe((e) => {
      // while replaying, venue events (all after the tape's end) wait for the first live call
      if (this.#inCall && this.#player.live) this.#deliver(e);
      else this.#held.push(e);
    });
  }

  get venue(): string {
    return this.inner.venue;
  }

  /** Events held for the next call. */
  get held(): number {
    return this.#held.length;
  }

  symbolRules(symbol: string): SymbolRules | undefined {
    return this.inner.symbolRules(symbol);
  }

  placeOrder(request: GatewayOrderRequest): Promise<GatewayResult<GatewayOrder>> {
    return this.#call("placeOrder", [request], () => this.inner.placeOrder(request));
  }

  cancelOrder(symbol: string, clientOrderId: string): Promise<GatewayResult<GatewayOrder>> {
    return this.#call(
      "cancelOrder",
      [symbol, clientOrderId],
      () => this.inner.cancelOrder(symbol, clientOrderId),
    );
  }

  getOrder(symbol: string, clientOrderId: string): Promise<GatewayResult<GatewayOrder>> {
    return this.#call(
      "getOrder",
      [symbol, clientOrderId],
      () => this.inner.getOrder(symbol, clientOrderId),
    );
  }

  openOrders(symbol?: string): Promise<GatewayResult<GatewayOrder[]>> {
    return this.#call("openOrders", [symbol ?? null], () => this.inner.openOrders(symbol));
  }

  balances(): Promise<GatewayResult<GatewayBalance[]>> {
    return this.#call("balances", [], () => this.inner.balances());
  }

  quote(symbol: string): Promise<GatewayResult<GatewayQuote>> {
    return this.#call("quote", [symbol], () => this.inner.quote(symbol));
  }

  subscribe(listener: (event: GatewayEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Delivers the held events now (as at the start of a call); used once the run has ended. */
  flush(): void {
    for (const e of this.#held.splice(0)) this.#deliver(e);
  }

  /** Calls run one at a time, in call order (the tape is one sequence). */
  #call<T>(method: TapedMethod, args: unknown[], live: () => Promise<T>): Promise<T> {
    const turn = this.#queue.then(() => this.#run(method, args, live));
    this.#queue = turn.catch(() => {});
    return turn;
  }

  async #run<T>(method: TapedMethod, args: unknown[], live: () => Promise<T>): Promise<T> {
    if (!this.#player.live) {
      const played = this.#replay<T>(method, args);
      if (played !== undefined) return played.value;
      await this.#player.goLive();
    }
    this.flush();
    this.#journal.appendTape("call", { method, args });
    this.#inCall = true;
    try {
      const result = await live();
      this.#journal.appendTape("answer", { result });
      return result;
    } catch (err) {
      this.#journal.appendTape("throw", { message: (err as Error).message ?? String(err) });
      throw err;
    } finally {
      this.#inCall = false;
    }
  }

  /** Emits the events at the head of the tape (delivered before whatever comes next). */
  replayEvents(): void {
    const p = this.#player;
    while (p.peek()?.kind === "event") this.#emit((p.take() as { event: GatewayEvent }).event);
  }

  /**
   * Plays back one call; undefined when the tape ends before its answer (the process died during
   * it: the events taped during it are delivered, then the call is made live). A call with no
   * answer followed by more tape is one a previous resume made again live: its events are
   * delivered and the call taped after it answers.
   */
  #replay<T>(method: TapedMethod, args: unknown[]): { value: T } | undefined {
    const p = this.#player;
    for (;;) {
      this.replayEvents();
      const call = p.peek();
      if (call === null || call.kind === "batch") return undefined;
      if (call.kind !== "call") {
        throw new RangeError(`Cannot replay the tape: expected a call, found ${call.kind}`);
      }
      if (call.method !== method || JSON.stringify(call.args) !== JSON.stringify(args)) {
        throw new RangeError(
          `Cannot replay the tape: the run asked ${method}(${JSON.stringify(args)}) where the ` +
            `tape has ${call.method}(${JSON.stringify(call.args)})`,
        );
      }
      let k = 1;
      while (p.peekAhead(k)?.kind === "event") k++;
      const outcome = p.peekAhead(k);
      p.take();
      // the events that arrived during the call reached the actors then: deliver them again
      this.replayEvents();
      if (outcome === null) return undefined;
      if (outcome.kind === "answer") {
        p.take();
        return { value: outcome.result as T };
      }
      if (outcome.kind === "throw") {
        p.take();
        throw new Error(outcome.message);
      }
      // dangling: loop to the call that was made again
    }
  }

  #deliver(e: GatewayEvent): void {
    this.#journal.appendTape("event", { event: e });
    this.#emit(e);
  }

  #emit(e: GatewayEvent): void {
    for (const l of this.#listeners) l(e);
  }
}

/**
 * A feed that plays back the taped batches first (while the player is replaying), then, once
 * the tape is exhausted, asks `live(after)` for the rest: `after` is the open time of the last
 * minute played back (null when none) and `seq` continues. Every live batch is appended to the
 * tape before the trading loop sees it.
 */
export function tapedFeed(
  journal: OrderJournal,
  player: TapePlayer,
  gateway: TapedGateway,
  live: (after: { lastOpenTime: number | null; nextSeq: number }) => Feed,
): Feed {
  return {
    async *[Symbol.asyncIterator]() {
      let lastOpenTime: number | null = null;
      let nextSeq = 0;
      while (!player.live) {
        // calls of the batch before were consumed by the gateway; events left before the next
        // batch were delivered before it
        gateway.replayEvents();
        const e = player.peek();
        if (e === null) break;
        if (e.kind !== "batch") {
          // the loop asked for the next batch while the tape still holds calls of the last one:
          // the run diverged
          throw new RangeError(
            `Cannot replay the tape: the run asked for a batch where it has a ${e.kind}`,
          );
        }
        player.take();
        const batch = fromTaped(e.batch);
        for (const b of batch.bars) {
          if (b.length > 0) {
            lastOpenTime = Math.max(lastOpenTime ?? -Infinity, b.openTime[b.length - 1]);
          }
        }
        nextSeq = batch.seq + 1;
        yield batch;
      }
      await player.goLive();
      for await (const batch of live({ lastOpenTime, nextSeq })) {
        journal.appendTape("batch", toTaped(batch));
        yield batch;
      }
    },
  };
}

/** A batch as JSON for the tape. */
export function toTaped(b: FeedBatch): TapedBatch {
  return {
    seq: b.seq,
    bars: b.bars.map((x) => ({
      symbol: x.symbol,
      openTime: [...x.openTime],
      open: [...x.open],
      high: [...x.high],
      low: [...x.low],
      close: [...x.close],
      volume: [...x.volume],
      flags: [...x.flags],
    })),
  };
}

/** A taped batch back as a `FeedBatch` (fresh buffers, one per symbol). */
export function fromTaped(t: TapedBatch): FeedBatch {
  return {
    seq: t.seq,
    bars: t.bars.map((x) => {
      const n = x.openTime.length;
      const buffer = new ArrayBuffer(6 * 8 * n);
      const col = (k: number, v: number[]) => {
        const a = new Float64Array(buffer, k * 8 * n, n);
        a.set(v);
        return a;
      };
      return {
        symbol: x.symbol,
        openTime: col(0, x.openTime),
        open: col(1, x.open),
        high: col(2, x.high),
        low: col(3, x.low),
        close: col(4, x.close),
        volume: col(5, x.volume),
        length: n,
        flags: Uint8Array.from(x.flags),
      };
    }),
  };
}

/**
 * The loop control of a paper or live run: every operator command the loop applies is put on the
 * tape at that point, and on `--resume` the taped commands are applied again at the same points
 * (operator commands given meanwhile wait until the tape has been played), so a resumed run is
 * killed, and resumed, exactly where it was.
 */
export class TapedControl extends TradingLoopControl {
  readonly #journal: OrderJournal;
  readonly #player: TapePlayer;

  constructor(journal: OrderJournal, player: TapePlayer) {
    super();
    this.#journal = journal;
    this.#player = player;
  }

  override take(): LoopCommand[] {
    if (!this.#player.live) {
      const taped: LoopCommand[] = [];
      for (let e = this.#player.peek(); e?.kind === "control"; e = this.#player.peek()) {
        this.#player.take();
        taped.push(e.command);
      }
      return taped;
    }
    const commands = super.take();
    for (const command of commands) this.#journal.appendTape("control", { command });
    return commands;
  }
}
