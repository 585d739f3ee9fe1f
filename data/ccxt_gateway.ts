import { ccxtBinanceConfig } from "./sim_server/ccxt_binance_config.ts";
import { classifyCcxtError, isClosedByUser } from "./_ccxt_errors.ts";
import { guardCcxtFutures, ShoalBinance } from "./_ccxt_client.ts";
import {
  balancesFromRaw,
  canceledFromRaw,
  executionTypeOf,
  orderFromRaw,
  orderFromReport,
  parse,
  placedFromRaw,
  quoteFromRaw,
  RawExecutionReport,
  type RawTrade,
  RawTrade as RawTradeSchema,
} from "./_ccxt_records.ts";
import type {
  Gateway,
  GatewayBalance,
  GatewayEvent,
  GatewayFill,
  GatewayOrder,
  GatewayOrderRequest,
  GatewayQuote,
  GatewayResult,
} from "./gateway.ts";
import { RequestWeightBudget } from "./request_weight_budget.ts";
import { type ExchangeInfo, parseExchangeInfo, type SymbolRules } from "./sim/exchange_info.ts";
import { fixed8ToNumber, formatFixed8, mulFixed8, parseFixed8, Rounding } from "./sim/fixed8.ts";
import { ExecutionType, OrderStatus, Side } from "./sim/sim_records.ts";

/** Where the ccxt gateway trades. */
export type CcxtTarget =
  /** Any Binance-compatible base URL (`http://127.0.0.1:PORT`, the simulated exchange server). */
  | { kind: "url"; baseUrl: string }
  /** Binance Spot testnet: ccxt's sandbox mode (reference §11). */
  | { kind: "testnet" }
  /** Binance Spot production. */
  | { kind: "live" };

/** One account trade as the venue reports it (`GET /api/v3/myTrades`, 8-decimal strings). */
export type GatewayTrade = RawTrade;

/** Counters of the gateway (cumulative; for the progress line, metrics and tests). */
export interface CcxtGatewayStats {
  /** User-data stream (re)connections after the first. */
  userReconnects: number;
  /** Book-ticker stream reconnections after the first. */
  bookReconnects: number;
  /** REST gap fills run (after a reconnect or a missed event). */
  gapFills: number;
  /** Fills delivered from REST because the stream had missed them. */
  gapFillFills: number;
  /** Fills seen again (stream and REST) and dropped. */
  duplicateFills: number;
  /** Placements whose answer was lost and that were found on the venue by their client id. */
  placementsRecovered: number;
  /** Placements sent again under the same client id because the venue never saw the first. */
  placementsResent: number;
  /** Calls that waited for the stream's events longer than `eventWaitMs`. */
  eventTimeouts: number;
  /** Stream events that could not be read (malformed) and were skipped. */
  badEvents: number;
}

/** Options of {@link CcxtGateway.connect}. */
export interface CcxtGatewayOptions {
  target: CcxtTarget;
  apiKey: string;
  secret: string;
  /** Symbols traded (Binance ids, `BTCUSDT`); streams and `openOrders()` cover these. */
  symbols: readonly string[];
  /** Names the venue in logs and `summary.json`. @default {"sim-server" | "binance-testnet" | "binance"} */
  venue?: string;
  /** The process's weight budget (share one among every gateway of a process). @default {a new one} */
  budget?: RequestWeightBudget;
  /** ccxt's REST timeout, ms. @default {10000} */
  timeoutMs?: number;
  /**
   * `recvWindow` sent with signed calls, ms. A placement whose answer was lost is looked up only
   * after `recvWindow` has passed since the failure: by then the venue refuses (-1021) a copy of
   * the request that is still travelling, so a "not found" means it will never exist.
   * @default {5000}
   */
  recvWindowMs?: number;
  /** Attempts of a call before it throws `VenueUnreachableError`. @default {6} */
  attempts?: number;
  /** First retry / reconnect delay, ms; doubles per attempt, with jitter. @default {250} */
  backoffMs?: number;
  /** Longest retry / reconnect delay, ms. @default {15000} */
  maxBackoffMs?: number;
  /** How long a call waits for the stream events it caused before a REST gap fill. @default {3000} */
  eventWaitMs?: number;
  /**
   * Per symbol, the last trade id already accounted for (from the journal on resume). Symbols not
   * listed start after the venue's latest trade of the account.
   */
  knownTradeIds?: Readonly<Record<string, number>>;
  /** One line per notable event (reconnects, recoveries). @default {no output} */
  log?: (line: string) => void;
  /** Wall clock, ms. @default {Date.now} */
  now?: () => number;
  /** @default {setTimeout} */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1). @default {Math.random} */
  random?: () => number;
}

/**
 * The venue could not be reached (or kept answering without a usable answer) after every retry:
 * the state of the request is unknown. Reconciliation catches it and pauses trading.
 */
export class VenueUnreachableError extends Error {
  override readonly name = "VenueUnreachableError";
}

const OPEN_STATUSES = new Set<string>([OrderStatus.NEW, OrderStatus.PARTIALLY_FILLED]);

/**
 * The `Gateway` over ccxt 4.5 `binance` (one `ccxt.pro.binance` instance per gateway, REST and
 * WebSocket): the simulated exchange server or any Binance-compatible base URL, the testnet
 * (sandbox mode) or production.
 *
 * - **Calls** use ccxt's signed Binance endpoints (`POST/GET/DELETE order`, `openOrders`,
 *   `account`, `myTrades`, `ticker/bookTicker`) with Binance's exact decimal strings in and out.
 *   A venue reject is returned with Binance's code and message; "try again" answers (429/418,
 *   -1003, -1021) and lost answers are retried with exponential backoff; after `attempts` the call
 *   throws {@link VenueUnreachableError}.
 * - **Idempotent placement**: `clientOrderId` goes out as `newClientOrderId`. When the answer to a
 *   placement is lost (timeout, reset, 5xx), the gateway never places blindly again: it waits out
 *   `recvWindow`, asks for the client id, and places again (same id) only on -2013.
 * - **Weight**: every REST call goes through the shared {@link RequestWeightBudget}.
 * - **Events** come from the user-data stream (WebSocket API `userDataStream.subscribe.signature`):
 *   each executionReport of a traded symbol gives a `fill` (x = TRADE, from its last-fill fields)
 *   and then an `order` event. The stream reconnects with backoff and resubscribes; after every
 *   reconnect a REST gap fill (`myTrades` from the last trade id seen, `openOrders`, and `order` for
 *   every order that was open) delivers what was missed. Fills are delivered once (deduplicated by
 *   symbol and trade id); an order event is delivered when its status or executed quantity
 *   changed; an order a gap fill sees for the first time is reported NEW before its first fill,
 *   as the stream would have. Calls wait (up to `eventWaitMs`) until the events they caused were delivered, so an
 *   answer and its events arrive together as with the in-process simulator.
 * - **Fill records** carry the touch the client last saw (`<s>@bookTicker` stream; for a fill
 *   found by a gap fill, the touch at that moment), `queueAhead` "0" (a real venue does not tell
 *   the queue) and `slippageBp` against that touch for a taker (BUY: price above the ask, SELL:
 *   price below the bid, in bp of the touch; 0 for a maker fill at its limit, as the simulator
 *   defines it).
 */
export class CcxtGateway implements Gateway {
  readonly venue: string;
  /** The shared weight budget. */
  readonly budget: RequestWeightBudget;
  /** The ccxt instance (one per gateway; the market feed uses the same one). */
  readonly exchange: ShoalBinance;
  readonly symbols: readonly string[];
  readonly #opts: Required<
    Pick<
      CcxtGatewayOptions,
      "recvWindowMs" | "attempts" | "backoffMs" | "maxBackoffMs" | "eventWaitMs"
    >
  >;
  readonly #log: (line: string) => void;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;
  readonly #listeners = new Set<(event: GatewayEvent) => void>();
  readonly #touch = new Map<string, GatewayQuote>();
  readonly #touchAtPlacement = new Map<string, GatewayQuote>();
  readonly #seenTrades = new Set<string>();
  readonly #lastTradeId = new Map<string, number>();
  readonly #orders = new Map<string, GatewayOrder>();
  readonly #cidByOrderId = new Map<string, string>();
  readonly #waiters = new Map<string, { target: GatewayOrder; resolve: () => void }[]>();
  readonly #klineListeners = new Set<(raw: unknown) => void>();
  #info: ExchangeInfo | null = null;
  #closed = false;
  readonly #releaseGuard = guardCcxtFutures();
  #userLoop: Promise<void> | null = null;
  #bookLoop: Promise<void> | null = null;
  #resyncing: Promise<void> | null = null;
  #resyncAgain = false;
  #userConnected = false;
  readonly #stats: CcxtGatewayStats = {
    userReconnects: 0,
    bookReconnects: 0,
    gapFills: 0,
    gapFillFills: 0,
    duplicateFills: 0,
    placementsRecovered: 0,
    placementsResent: 0,
    eventTimeouts: 0,
    badEvents: 0,
  };

  private constructor(options: CcxtGatewayOptions) {
    this.symbols = [...options.symbols].sort();
    this.budget = options.budget ??
      new RequestWeightBudget({ now: options.now, sleep: options.sleep });
    this.#opts = {
      recvWindowMs: options.recvWindowMs ?? 5000,
      attempts: options.attempts ?? 6,
      backoffMs: options.backoffMs ?? 250,
      maxBackoffMs: options.maxBackoffMs ?? 15_000,
      eventWaitMs: options.eventWaitMs ?? 3000,
    };
    this.#log = options.log ?? (() => {});
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.#random = options.random ?? Math.random;
    const target = options.target;
    this.venue = options.venue ??
      (target.kind === "url"
        ? "sim-server"
        : target.kind === "testnet"
        ? "binance-testnet"
        : "binance");
    const base: Record<string, unknown> = target.kind === "url"
      ? ccxtBinanceConfig(target.baseUrl, { apiKey: options.apiKey, secret: options.secret })
      : {
        apiKey: options.apiKey,
        secret: options.secret,
        options: { fetchMarkets: { types: ["spot"] }, fetchCurrencies: false, fetchMargins: false },
      };
    const config = {
      ...base,
      enableRateLimit: false, // the RequestWeightBudget is the limiter
      timeout: options.timeoutMs ?? 10_000,
      options: {
        ...(base.options as Record<string, unknown>),
        recvWindow: this.#opts.recvWindowMs,
        defaultType: "spot",
      },
    };
    this.exchange = new ShoalBinance(config, {
      budget: this.budget,
      onExecutionReport: (raw) => this.#onReport(raw),
      onBookTicker: (raw) => this.#onBookTicker(raw),
      onKline: (raw) => {
        for (const l of this.#klineListeners) l(raw);
      },
      onExchangeInfo: (body) => this.#onExchangeInfo(body),
    });
    if (target.kind === "testnet") this.exchange.setSandboxMode(true);
    for (const [s, id] of Object.entries(options.knownTradeIds ?? {})) this.#lastTradeId.set(s, id);
  }

  /**
   * Builds the gateway: loads the markets (exchangeInfo: filters and the REQUEST_WEIGHT limit),
   * checks that every symbol is listed and trading, takes each symbol's last trade id (unless
   * known), subscribes the user-data and book-ticker streams and waits for both.
   *
   * @throws RangeError when a symbol is not listed or not trading; VenueUnreachableError when the
   *   venue cannot be reached; what ccxt throws for bad keys (AuthenticationError).
   */
  static async connect(options: CcxtGatewayOptions): Promise<CcxtGateway> {
    const gw = new CcxtGateway(options);
    try {
      await gw.#start(options);
      return gw;
    } catch (err) {
      await gw.close();
      throw err;
    }
  }

  async #start(options: CcxtGatewayOptions): Promise<void> {
    const ex = this.exchange;
    if (options.target.kind === "url" && options.target.baseUrl.startsWith("http:")) {
      await ex.loadHttpProxyAgent(); // ccxt needs it before watch* on a plain ws:// URL
    }
    await this.#retrying("load markets", () => ex.loadMarkets());
    if (this.#info === null) {
      // exchangeInfo was answered from ccxt's cache: ask once more
      await this.#retrying("exchangeInfo", () => ex.publicGetExchangeInfo());
    }
    for (const s of this.symbols) {
      const rules = this.symbolRules(s);
      if (rules === undefined) {
        throw new RangeError(`Cannot trade ${s} on ${this.venue}: not listed`);
      }
      if (rules.status !== "TRADING") {
        throw new RangeError(`Cannot trade ${s} on ${this.venue}: status is ${rules.status}`);
      }
    }
    for (const s of this.symbols) {
      if (this.#lastTradeId.has(s)) continue;
      const latest = await this.#retrying(
        `myTrades ${s}`,
        () => ex.privateGetMyTrades({ symbol: s, limit: 1 }),
      );
      const list = parse(RawTradeSchema.array(), latest, "trades");
      this.#lastTradeId.set(s, list.length > 0 ? list[list.length - 1].id : -1);
    }
    const userReady = Promise.withResolvers<void>();
    const bookReady = Promise.withResolvers<void>();
    this.#userLoop = this.#runUserStream(userReady);
    this.#bookLoop = this.#runBookStream(bookReady);
    await Promise.all([userReady.promise, bookReady.promise]);
  }

  /** Counters so far. */
  stats(): CcxtGatewayStats {
    return { ...this.#stats };
  }

  /** Per symbol, the highest trade id accounted for (delivered or known at start). */
  lastTradeIds(): Record<string, number> {
    return Object.fromEntries([...this.#lastTradeId].sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  /** The venue's exchangeInfo as loaded at connect. */
  get exchangeInfo(): ExchangeInfo | null {
    return this.#info;
  }

  symbolRules(symbol: string): SymbolRules | undefined {
    return this.#info?.symbols.get(symbol);
  }

  async placeOrder(request: GatewayOrderRequest): Promise<GatewayResult<GatewayOrder>> {
    const params: Record<string, string> = {
      symbol: request.symbol,
      side: request.side,
      type: request.type,
      quantity: request.quantity,
      newClientOrderId: request.clientOrderId,
      newOrderRespType: "FULL",
    };
    if (request.type !== "MARKET") {
      if (request.price === null) {
        return reject(
          -1102,
          "Mandatory parameter 'price' was not sent, was empty/null, or malformed.",
        );
      }
      params.price = request.price;
      params.timeInForce = request.timeInForce;
    }
    const touch = this.#touch.get(request.symbol);
    if (touch !== undefined) this.#touchAtPlacement.set(request.clientOrderId, touch);
    for (let attempt = 1;; attempt++) {
      let raw: unknown;
      try {
        raw = await this.exchange.privatePostOrder(params);
      } catch (err) {
        const failedAt = this.#now();
        const f = classifyCcxtError(err);
        if (f.kind === "reject") return { ok: false, reject: f.reject };
        if (attempt >= this.#opts.attempts) {
          throw new VenueUnreachableError(
            `Cannot place ${request.clientOrderId} on ${this.venue} after ${attempt} attempts: ${f.reason}`,
          );
        }
        if (f.kind === "refused") {
          await this.#sleep(this.#backoff(attempt));
          continue;
        }
        // The answer was lost: the order may exist. Wait until a copy still in flight would be
        // refused for its timestamp, then ask by client id.
        this.#log(
          `placement of ${request.clientOrderId} unanswered (${f.reason}); looking it up after recvWindow`,
        );
        await this.#sleep(Math.max(0, failedAt + this.#opts.recvWindowMs + 250 - this.#now()));
        const known = await this.getOrder(request.symbol, request.clientOrderId);
        if (known.ok) {
          this.#stats.placementsRecovered++;
          await this.#awaitEvents(known.value);
          return known;
        }
        if (known.reject.code !== -2013) return known;
        this.#stats.placementsResent++;
        this.#log(
          `placement of ${request.clientOrderId} never reached the venue: sending it again`,
        );
        continue;
      }
      const placed = placedFromRaw(raw);
      await this.#awaitEvents(placed);
      return { ok: true, value: placed };
    }
  }

  async cancelOrder(symbol: string, clientOrderId: string): Promise<GatewayResult<GatewayOrder>> {
    let uncertain = false;
    for (let attempt = 1;; attempt++) {
      let raw: unknown;
      try {
        raw = await this.exchange.privateDeleteOrder({ symbol, origClientOrderId: clientOrderId });
      } catch (err) {
        const f = classifyCcxtError(err);
        if (f.kind === "reject") {
          if (uncertain && f.reject.code === -2011) {
            // an earlier attempt whose answer was lost may have cancelled it
            const known = await this.getOrder(symbol, clientOrderId);
            if (known.ok && known.value.status === OrderStatus.CANCELED) {
              await this.#awaitEvents(known.value);
              return known;
            }
          }
          return { ok: false, reject: f.reject };
        }
        if (attempt >= this.#opts.attempts) {
          throw new VenueUnreachableError(
            `Cannot cancel ${clientOrderId} on ${this.venue} after ${attempt} attempts: ${f.reason}`,
          );
        }
        if (f.kind === "unknown") uncertain = true;
        await this.#sleep(this.#backoff(attempt));
        continue;
      }
      const canceled = canceledFromRaw(raw);
      await this.#awaitEvents(canceled);
      return { ok: true, value: canceled };
    }
  }

  getOrder(symbol: string, clientOrderId: string): Promise<GatewayResult<GatewayOrder>> {
    return this.#read(
      `order ${clientOrderId}`,
      () => this.exchange.privateGetOrder({ symbol, origClientOrderId: clientOrderId }),
      orderFromRaw,
    );
  }

  /** The order with the venue's `orderId`, open or not (-2013 when none). */
  getOrderById(symbol: string, orderId: number): Promise<GatewayResult<GatewayOrder>> {
    return this.#read(
      `order #${orderId}`,
      () => this.exchange.privateGetOrder({ symbol, orderId }),
      orderFromRaw,
    );
  }

  /** Open orders of `symbol`, or of every traded symbol (one call each), in orderId order. */
  async openOrders(symbol?: string): Promise<GatewayResult<GatewayOrder[]>> {
    const out: GatewayOrder[] = [];
    for (const s of symbol !== undefined ? [symbol] : this.symbols) {
      const r = await this.#read(
        `open orders ${s}`,
        () => this.exchange.privateGetOpenOrders({ symbol: s }),
        (raw) => (Array.isArray(raw) ? raw.map(orderFromRaw) : [orderFromRaw(raw)]),
      );
      if (!r.ok) return r;
      out.push(...r.value);
    }
    out.sort((a, b) => a.orderId - b.orderId);
    return { ok: true, value: out };
  }

  balances(): Promise<GatewayResult<GatewayBalance[]>> {
    return this.#read(
      "account",
      () => this.exchange.privateGetAccount({ omitZeroBalances: "true" }),
      balancesFromRaw,
    );
  }

  /** The touch from the book-ticker stream; over REST when the stream has not given one yet. */
  async quote(symbol: string): Promise<GatewayResult<GatewayQuote>> {
    const seen = this.#touch.get(symbol);
    if (seen !== undefined) return { ok: true, value: { ...seen } };
    const r = await this.#read(
      `bookTicker ${symbol}`,
      () => this.exchange.publicGetTickerBookTicker({ symbol }),
      quoteFromRaw,
    );
    if (r.ok && !this.#touch.has(symbol)) this.#touch.set(symbol, r.value);
    return r;
  }

  /**
   * The account's trades of `symbol` with id ≥ `fromId` (every page), ascending by id.
   * Without `fromId`: the latest `limit` trades.
   */
  async trades(
    symbol: string,
    options: { fromId?: number; limit?: number } = {},
  ): Promise<GatewayResult<GatewayTrade[]>> {
    const page = 1000;
    if (options.fromId === undefined) {
      return await this.#read(
        `myTrades ${symbol}`,
        () => this.exchange.privateGetMyTrades({ symbol, limit: options.limit ?? 500 }),
        (raw) => parse(RawTradeSchema.array(), raw, "trades"),
      );
    }
    const out: GatewayTrade[] = [];
    let from = options.fromId;
    for (;;) {
      const r = await this.#read(
        `myTrades ${symbol}`,
        () => this.exchange.privateGetMyTrades({ symbol, fromId: from, limit: page }),
        (raw) => parse(RawTradeSchema.array(), raw, "trades"),
      );
      if (!r.ok) return r;
      out.push(...r.value);
      if (r.value.length < page) break;
      from = r.value[r.value.length - 1].id + 1;
    }
    return { ok: true, value: out };
  }

  subscribe(listener: (event: GatewayEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Seeds what the gateway knows of orders (their last delivered state), without emitting: a
   * resumed run hands over the states its actors already saw, so the next gap fill reports only
   * what changed since (an order that closed while the process was down).
   */
  track(orders: readonly GatewayOrder[]): void {
    for (const o of orders) {
      this.#orders.set(o.clientOrderId, o);
      this.#cidByOrderId.set(`${o.symbol}:${o.orderId}`, o.clientOrderId);
    }
  }

  /**
   * Waits until the fills up to the given trade ids (per symbol) were delivered, at most
   * `timeoutMs` (then a REST gap fill delivers what is missing). A caller that drives the venue's
   * market (the simulated exchange at speed "max") uses it as a barrier after each step, so fills
   * caused by a bar are delivered before the next bar is traded.
   */
  async waitForTrades(
    targets: Readonly<Record<string, number>>,
    options: { timeoutMs?: number } = {},
  ): Promise<void> {
    const done = () =>
      Object.entries(targets).every(([s, id]) => (this.#lastTradeId.get(s) ?? -1) >= id);
    const end = Date.now() + (options.timeoutMs ?? this.#opts.eventWaitMs);
    while (!done() && !this.#closed) {
      if (Date.now() >= end) {
        this.#stats.eventTimeouts++;
        await this.resync();
        return;
      }
      await new Promise((r) => setTimeout(r, 1));
    }
  }

  /** Receives every raw `<s>@kline_<i>` event (for the market feed on the same connection). */
  onKline(listener: (raw: unknown) => void): () => void {
    this.#klineListeners.add(listener);
    return () => this.#klineListeners.delete(listener);
  }

  /**
   * Delivers what the stream may have missed, over REST (trades since the last id seen, then the
   * state of every order that was open). Runs after each user-stream reconnect; callers may ask
   * for it too (a second call while one runs makes it run once more).
   */
  resync(): Promise<void> {
    if (this.#resyncing !== null) {
      this.#resyncAgain = true;
      return this.#resyncing;
    }
    this.#resyncing = (async () => {
      try {
        do {
          this.#resyncAgain = false;
          await this.#gapFill();
        } while (this.#resyncAgain && !this.#closed);
      } finally {
        this.#resyncing = null;
      }
    })();
    return this.#resyncing;
  }

  /** Stops the streams and closes ccxt's connections. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const list of this.#waiters.values()) for (const w of list) w.resolve();
    this.#waiters.clear();
    await this.exchange.close().catch(() => {});
    await Promise.allSettled([this.#userLoop, this.#bookLoop, this.#resyncing]);
    // late rejections of ccxt's own futures settle within a tick of close()
    await new Promise((r) => setTimeout(r, 0));
    this.#releaseGuard();
  }

  // ---------------------------------------------------------------- streams

  async #runUserStream(ready: PromiseWithResolvers<void>): Promise<void> {
    let failures = 0;
    let first = true;
    while (!this.#closed) {
      try {
        await this.exchange.ensureUserDataStreamWsSubscribeSignature("spot");
        this.#userConnected = true;
        if (!first) {
          this.#stats.userReconnects++;
          this.#log(`user-data stream resubscribed on ${this.venue}; filling the gap over REST`);
          await this.resync();
        }
        first = false;
        failures = 0;
        ready.resolve();
        for (;;) await this.exchange.watchOrders();
      } catch (err) {
        this.#userConnected = false;
        if (this.#closed || isClosedByUser(err)) break;
        failures++;
        if (first && failures >= this.#opts.attempts) {
          ready.reject(
            new VenueUnreachableError(`Cannot subscribe the user-data stream: ${describe(err)}`),
          );
          return;
        }
        const wait = this.#backoff(failures);
        this.#log(`user-data stream lost (${describe(err)}); reconnecting in ${wait} ms`);
        await this.#sleep(wait);
      }
    }
    ready.resolve();
  }

  async #runBookStream(ready: PromiseWithResolvers<void>): Promise<void> {
    const symbols = this.symbols.map((s) => this.#ccxtSymbol(s));
    let failures = 0;
    let first = true;
    while (!this.#closed) {
      try {
        // the REST touch first, so a quote exists before the stream's first change
        for (const s of this.symbols) {
          const r = await this.#read(
            `bookTicker ${s}`,
            () => this.exchange.publicGetTickerBookTicker({ symbol: s }),
            quoteFromRaw,
          );
          if (r.ok) this.#touch.set(s, r.value);
        }
        const watching = this.exchange.watchBidsAsks(symbols);
        if (!first) this.#stats.bookReconnects++;
        first = false;
        failures = 0;
        ready.resolve();
        await watching;
        for (;;) await this.exchange.watchBidsAsks(symbols);
      } catch (err) {
        if (this.#closed || isClosedByUser(err)) break;
        failures++;
        if (first && failures >= this.#opts.attempts) {
          ready.reject(
            new VenueUnreachableError(`Cannot subscribe the book-ticker stream: ${describe(err)}`),
          );
          return;
        }
        await this.#sleep(this.#backoff(failures));
      }
    }
    ready.resolve();
  }

  #onBookTicker(raw: unknown): void {
    try {
      const q = quoteFromRaw(raw);
      if (this.symbols.includes(q.symbol)) this.#touch.set(q.symbol, q);
    } catch {
      this.#stats.badEvents++;
    }
  }

  #onReport(raw: unknown): void {
    let r: RawExecutionReport;
    try {
      r = parse(RawExecutionReport, raw, "executionReport");
    } catch (err) {
      this.#stats.badEvents++;
      this.#log(`skipped an unreadable executionReport: ${describe(err)}`);
      return;
    }
    if (!this.symbols.includes(r.s)) return;
    const x = executionTypeOf(r);
    if (x === null || x === ExecutionType.REJECTED) return;
    const order = orderFromReport(r);
    if (x === ExecutionType.TRADE && r.t >= 0) {
      const quoteQty = r.Y ??
        formatFixed8(mulFixed8(parseFixed8(r.L), parseFixed8(r.l), Rounding.HALF_UP));
      this.#deliverFill({
        tradeId: r.t,
        orderId: r.i,
        clientOrderId: order.clientOrderId,
        symbol: r.s,
        side: r.S,
        price: r.L,
        qty: r.l,
        quoteQty,
        commission: r.n ?? "0.00000000",
        commissionAsset: r.N ?? "",
        isMaker: r.m,
        time: r.T,
      }, r.T);
    }
    this.#deliverOrder(order, x, r.E);
  }

  /** Emits a fill unless its trade was delivered before. */
  #deliverFill(
    f: Omit<GatewayFill, "bestBid" | "bestAsk" | "queueAhead" | "slippageBp">,
    ts: number,
  ): boolean {
    const key = `${f.symbol}:${f.tradeId}`;
    if (this.#seenTrades.has(key)) {
      this.#stats.duplicateFills++;
      return false;
    }
    this.#seenTrades.add(key);
    if (f.tradeId > (this.#lastTradeId.get(f.symbol) ?? -1)) {
      this.#lastTradeId.set(f.symbol, f.tradeId);
    }
    const touch = this.#touch.get(f.symbol) ?? this.#touchAtPlacement.get(f.clientOrderId);
    const fill: GatewayFill = {
      ...f,
      bestBid: touch?.bidPrice ?? "0.00000000",
      bestAsk: touch?.askPrice ?? "0.00000000",
      queueAhead: "0.00000000",
      slippageBp: f.isMaker || touch === undefined ? 0 : slippageBp(f.side, f.price, touch),
    };
    this.#emit({ kind: "fill", ts, fill });
    return true;
  }

  /** Emits an order event when its status or executed quantity changed; wakes waiting calls. */
  #deliverOrder(order: GatewayOrder, executionType: ExecutionType, ts: number): void {
    const before = this.#orders.get(order.clientOrderId);
    this.#cidByOrderId.set(`${order.symbol}:${order.orderId}`, order.clientOrderId);
    if (
      before !== undefined && before.orderId === order.orderId &&
      (rank(before) > rank(order) ||
        (before.status === order.status && before.executedQty === order.executedQty))
    ) {
      return; // seen already (or older than what was seen)
    }
    this.#orders.set(order.clientOrderId, order);
    if (!OPEN_STATUSES.has(order.status)) this.#touchAtPlacement.delete(order.clientOrderId);
    this.#emit({ kind: "order", ts, executionType, order });
    const waiting = this.#waiters.get(order.clientOrderId);
    if (waiting === undefined) return;
    const still = waiting.filter((w) => {
      if (!caughtUp(order, w.target)) return true;
      w.resolve();
      return false;
    });
    if (still.length === 0) this.#waiters.delete(order.clientOrderId);
    else this.#waiters.set(order.clientOrderId, still);
  }

  #emit(event: GatewayEvent): void {
    for (const l of this.#listeners) {
      try {
        l(event);
      } catch (err) {
        this.#log(`a gateway listener failed: ${describe(err)}`);
      }
    }
  }

  /** Waits until the stream delivered `target`'s state; on timeout runs a gap fill. */
  async #awaitEvents(target: GatewayOrder): Promise<void> {
    const seen = this.#orders.get(target.clientOrderId);
    if (seen !== undefined && seen.orderId === target.orderId && caughtUp(seen, target)) return;
    if (this.#closed) return;
    const done = Promise.withResolvers<void>();
    const list = this.#waiters.get(target.clientOrderId) ?? [];
    list.push({ target, resolve: done.resolve });
    this.#waiters.set(target.clientOrderId, list);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((r) => {
      timer = setTimeout(() => r("timeout"), this.#opts.eventWaitMs);
    });
    const outcome = await Promise.race([done.promise, timeout]);
    clearTimeout(timer);
    if (outcome !== "timeout") return;
    const rest = (this.#waiters.get(target.clientOrderId) ?? []).filter((w) =>
      w.resolve !== done.resolve
    );
    if (rest.length === 0) this.#waiters.delete(target.clientOrderId);
    else this.#waiters.set(target.clientOrderId, rest);
    this.#stats.eventTimeouts++;
    this.#log(
      `no stream event for ${target.clientOrderId} within ${this.#opts.eventWaitMs} ms: gap fill`,
    );
    await this.resync();
  }

  async #gapFill(): Promise<void> {
    this.#stats.gapFills++;
    const touched = new Set<string>();
    for (const symbol of this.symbols) {
      const from = (this.#lastTradeId.get(symbol) ?? -1) + 1;
      const r = await this.trades(symbol, { fromId: from });
      if (!r.ok) {
        throw new VenueUnreachableError(`Cannot fill the gap of ${symbol}: ${r.reject.msg}`);
      }
      for (const t of r.value) {
        let cid = this.#cidByOrderId.get(`${symbol}:${t.orderId}`);
        if (cid === undefined || !this.#orders.has(cid)) {
          const o = await this.getOrderById(symbol, t.orderId);
          if (!o.ok) continue;
          cid = o.value.clientOrderId;
          this.#cidByOrderId.set(`${symbol}:${t.orderId}`, cid);
          if (!this.#orders.has(cid)) {
            // first seen here: the stream would have said NEW before its first fill
            this.#deliverOrder(
              {
                ...o.value,
                executedQty: "0.00000000",
                cumulativeQuoteQty: "0.00000000",
                status: OrderStatus.NEW,
                updateTime: o.value.time,
              },
              ExecutionType.NEW,
              o.value.time,
            );
          }
        }
        const delivered = this.#deliverFill({
          tradeId: t.id,
          orderId: t.orderId,
          clientOrderId: cid,
          symbol,
          side: t.isBuyer ? Side.BUY : Side.SELL,
          price: t.price,
          qty: t.qty,
          quoteQty: t.quoteQty,
          commission: t.commission,
          commissionAsset: t.commissionAsset,
          isMaker: t.isMaker,
          time: t.time,
        }, t.time);
        if (delivered) {
          this.#stats.gapFillFills++;
          touched.add(`${symbol}\n${cid}`);
        }
      }
    }
    const open = await this.openOrders();
    if (!open.ok) {
      throw new VenueUnreachableError(`Cannot fill the gap of open orders: ${open.reject.msg}`);
    }
    const openNow = new Map(open.value.map((o) => [o.clientOrderId, o]));
    for (const o of open.value) {
      this.#deliverOrder(o, executionOf(this.#orders.get(o.clientOrderId), o), o.updateTime);
    }
    for (const [cid, before] of [...this.#orders]) {
      if (!OPEN_STATUSES.has(before.status) || openNow.has(cid)) continue;
      touched.add(`${before.symbol}\n${cid}`);
    }
    for (const key of touched) {
      const [symbol, cid] = key.split("\n");
      if (openNow.has(cid)) continue;
      const o = await this.getOrder(symbol, cid);
      if (o.ok) {
        this.#deliverOrder(
          o.value,
          executionOf(this.#orders.get(cid), o.value),
          o.value.updateTime,
        );
      }
    }
  }

  // ---------------------------------------------------------------- calls

  #onExchangeInfo(body: string): void {
    try {
      const info = parseExchangeInfo(JSON.parse(body));
      this.#info = info;
      for (const l of info.raw.rateLimits) {
        const r = l as {
          rateLimitType?: unknown;
          interval?: unknown;
          intervalNum?: unknown;
          limit?: unknown;
        };
        if (
          r.rateLimitType === "REQUEST_WEIGHT" && r.interval === "MINUTE" && r.intervalNum === 1 &&
          typeof r.limit === "number" && r.limit > 0
        ) {
          this.budget.setLimit(r.limit);
        }
      }
    } catch (err) {
      this.#log(`could not read the venue's exchangeInfo: ${describe(err)}`);
    }
  }

  /** A read with retries: a reject is returned, "try again" and lost answers are retried. */
  async #read<T>(
    what: string,
    call: () => Promise<unknown>,
    read: (raw: unknown) => T,
  ): Promise<GatewayResult<T>> {
    for (let attempt = 1;; attempt++) {
      let raw: unknown;
      try {
        raw = await call();
      } catch (err) {
        const f = classifyCcxtError(err);
        if (f.kind === "reject") return { ok: false, reject: f.reject };
        if (attempt >= this.#opts.attempts || this.#closed) {
          throw new VenueUnreachableError(
            `Cannot read ${what} from ${this.venue} after ${attempt} attempts: ${f.reason}`,
          );
        }
        await this.#sleep(this.#backoff(attempt));
        continue;
      }
      return { ok: true, value: read(raw) };
    }
  }

  /** Like `#read` for calls whose venue reject is fatal at start (throws it). */
  async #retrying<T>(what: string, call: () => Promise<T>): Promise<T> {
    const r = await this.#read(what, call, (raw) => raw as T);
    if (!r.ok) throw new Error(`Cannot ${what} on ${this.venue}: ${r.reject.code} ${r.reject.msg}`);
    return r.value;
  }

  /** Exponential backoff with jitter: base·2^(n−1), capped, times a factor in [0.5, 1). */
  #backoff(attempt: number): number {
    const raw = Math.min(this.#opts.maxBackoffMs, this.#opts.backoffMs * 2 ** (attempt - 1));
    return Math.round(raw * (0.5 + this.#random() / 2));
  }

  #ccxtSymbol(id: string): string {
    const market = this.exchange.markets_by_id?.[id]?.[0] as { symbol?: string } | undefined;
    if (market?.symbol === undefined) throw new RangeError(`Cannot find ${id} in ccxt's markets`);
    return market.symbol;
  }

  /** Whether the user-data stream is subscribed right now. */
  get userStreamConnected(): boolean {
    return this.#userConnected;
  }
}

function reject(code: number, msg: string): GatewayResult<never> {
  return { ok: false, reject: { code, msg } };
}

/** NEW 0, PARTIALLY_FILLED 1, done 2. */
function rank(o: GatewayOrder): number {
  if (o.status === OrderStatus.NEW) return 0;
  if (o.status === OrderStatus.PARTIALLY_FILLED) return 1;
  return 2;
}

function caughtUp(seen: GatewayOrder, target: GatewayOrder): boolean {
  return rank(seen) >= rank(target) &&
    parseFixed8(seen.executedQty) >= parseFixed8(target.executedQty);
}

/** The execution type that explains the change from `before` to `after`. */
function executionOf(before: GatewayOrder | undefined, after: GatewayOrder): ExecutionType {
  if (after.status === OrderStatus.CANCELED) return ExecutionType.CANCELED;
  if (after.status === OrderStatus.EXPIRED) return ExecutionType.EXPIRED;
  if (after.status === OrderStatus.REJECTED) return ExecutionType.REJECTED;
  const was = before === undefined ? 0n : parseFixed8(before.executedQty);
  return parseFixed8(after.executedQty) > was ? ExecutionType.TRADE : ExecutionType.NEW;
}

/**
 * How far a taker price is beyond the touch, in bp of the touch (the simulator's formula): BUY
 * `(price − ask) / ask`, SELL `(bid − price) / bid`. Negative when the touch the client saw was
 * stale and the price is better than it.
 */
function slippageBp(side: Side, price: string, touch: GatewayQuote): number {
  const p = parseFixed8(price);
  const t = parseFixed8(side === Side.BUY ? touch.askPrice : touch.bidPrice);
  if (t <= 0n) return 0;
  return (fixed8ToNumber(side === Side.BUY ? p - t : t - p) / fixed8ToNumber(t)) * 1e4;
}

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.constructor.name}: ${err.message}`.slice(0, 300);
  return String(err).slice(0, 300);
}
