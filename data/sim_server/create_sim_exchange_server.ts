import { z } from "zod";
import { resolveDataDir } from "../data_dir.ts";
import type { KlineColumns } from "../kline_columns.ts";
import { loadKlineSet } from "../load_kline_set.ts";
import {
  DEFAULT_EXCHANGE_INFO_URL,
  type ExchangeInfo,
  loadExchangeInfo,
  parseExchangeInfo,
} from "../sim/exchange_info.ts";
import { SimExchange } from "../sim/sim_exchange.ts";
import type { AccountPosition, BalanceRecord, SimEvent } from "../sim/sim_records.ts";
import { type ApiError, ApiErrors, ApiFailure } from "./_api_error.ts";
import type { ApiKeyEntry } from "./_authenticate.ts";
import { endpointWeight } from "./_endpoint_weights.ts";
import { bucketEnd, bucketStart, klineCandles } from "./_kline_rows.ts";
import { MarketStreams } from "./_market_streams.ts";
import { OrderCounts } from "./_order_counts.ts";
import { RequestParams } from "./_request_params.ts";
import { RequestWeights } from "./_request_weights.ts";
import {
  type CommandEntry,
  type RestRequest,
  type RestRoutes,
  restRoutes,
} from "./_rest_routes.ts";
import { UserStreams } from "./_user_streams.ts";
import { type ReplayBar, SimReplay } from "./sim_replay.ts";
import { SimServerOptions, type SimServerOptionsInput } from "./sim_server_options.ts";
import { SimStateStore, type StateLogEntry } from "./sim_state_store.ts";

/** Inputs of {@link createSimExchangeServer} that are not plain data. */
export interface SimExchangeServerDeps {
  /** Wall clock, ms: signed-request timing, weights, `/api/v3/time`, replay pacing. @default {Date.now} */
  clock?: () => number;
  /** Bars to replay instead of loading `symbols` from the data directory (one per symbol). */
  series?: readonly KlineColumns[];
  /** Where progress and notices go (one line each). @default {no output} */
  log?: (line: string) => void;
}

/** Where the client is, for per-IP weights (what `Deno.serve` passes as the second argument). */
export interface ClientInfo {
  remoteAddr: { hostname: string };
}

/** The configuration a state file was made with; a resumed server keeps it. */
const StoredConfig = z.object({
  version: z.literal(1),
  symbols: z.array(z.string()),
  set: z.string(),
  from: z.number(),
  feedStart: z.number(),
  accounts: z.array(z.string()),
});
type StoredConfig = z.infer<typeof StoredConfig>;

const BAR_MS = 60_000;
const JSON_HEADERS = { "Content-Type": "application/json;charset=UTF-8" };

/**
 * Builds the simulated Binance Spot exchange server over one `SimExchange` engine: loads the
 * symbols' 1m bars, the exchangeInfo and (with `stateFile`) the saved state, and returns the
 * server, not yet listening and with the replay not running (see {@link SimExchangeServer}).
 * `startSimExchangeServer` binds it with `Deno.serve`.
 *
 * @throws DataFileError when the data cannot be read; Error when the state file belongs to
 *   another configuration or does not replay to the state it recorded; TypeError for bad options.
 */
export async function createSimExchangeServer(
  options: SimServerOptionsInput & SimExchangeServerDeps = {},
): Promise<SimExchangeServer> {
  const parsed = SimServerOptions.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(
      `Cannot build the sim exchange server as options.${
        issue.path.join(".")
      } is invalid: ${issue.message}`,
    );
  }
  const opts = parsed.data;
  const clock = options.clock ?? Date.now;
  const log = options.log ?? (() => {});
  const store = opts.stateFile !== undefined
    ? new SimStateStore(opts.stateFile, { fsync: opts.fsync })
    : null;
  try {
    let stored: StoredConfig | null = null;
    if (store !== null && !store.isNew) {
      const c = StoredConfig.safeParse(store.readConfig());
      if (!c.success) {
        throw new Error(`Cannot resume state file "${store.path}": its config is unreadable`);
      }
      stored = c.data;
      checkSame(store.path, "symbols", options.symbols?.slice().sort(), stored.symbols);
      checkSame(store.path, "set", options.set === "auto" ? undefined : options.set, stored.set);
      checkSame(store.path, "from", options.from, stored.from);
    }
    const symbols = stored?.symbols ?? [...opts.symbols].sort();
    let set = stored?.set ?? opts.set;
    let series: KlineColumns[];
    if (options.series !== undefined) {
      series = [...options.series];
      const names = series.map((s) => s.symbol).sort();
      if (names.join() !== symbols.join()) {
        throw new TypeError(
          `Cannot serve series of ${names.join()}: symbols are ${symbols.join()}`,
        );
      }
    } else {
      const dataDir = await resolveDataDir(opts.dataDir);
      const loaded = await loadKlineSet(symbols, {
        dataDir,
        set: set as "auto" | "long" | "cluster",
        to: opts.to,
      });
      set = loaded.set;
      series = loaded.symbols.map((l) => l.columns);
    }
    const info = servedInfo(
      await loadExchangeInfo(opts.exchangeInfo ?? DEFAULT_EXCHANGE_INFO_URL),
      symbols,
    );
    const first = Math.min(...series.map((s) => (s.length > 0 ? s.openTime[0] : Infinity)));
    if (!Number.isFinite(first)) throw new RangeError(`Cannot replay ${symbols.join()}: no bars`);
    const from = stored?.from ?? opts.from ?? first + opts.warmupBars * BAR_MS;
    const feedStart = stored?.feedStart ?? from - opts.warmupBars * BAR_MS;
    const config: StoredConfig = stored ?? {
      version: 1,
      symbols,
      set,
      from,
      feedStart,
      accounts: [],
    };
    const server = new SimExchangeServer({
      opts,
      info,
      series,
      config,
      store,
      clock,
      log,
    });
    server[INIT]();
    return server;
  } catch (err) {
    store?.close();
    throw err;
  }
}

const INIT = Symbol("init");

interface ServerParts {
  opts: SimServerOptions;
  info: ExchangeInfo;
  series: KlineColumns[];
  config: StoredConfig;
  store: SimStateStore | null;
  clock: () => number;
  log: (line: string) => void;
}

/**
 * The simulated exchange behind Binance Spot's REST and WebSocket APIs (see `README.md`).
 *
 * - `handler` answers HTTP (`/api/v3/...`) and upgrades WebSockets (`/ws`, `/ws/<x>`,
 *   `/stream?streams=…`, `/ws-api/v3`); hand it to `Deno.serve`.
 * - The replay feeds the recorded bars into the engine in market time: `start()` runs it at the
 *   configured speed, `advance(n)` feeds n market minutes now (any speed; the only way with
 *   `"manual"`).
 * - Every change (bars fed, order placed, cancel) is one step: bars due are fed first, then the
 *   command runs at market time, then the step is written to the state file (when there is one),
 *   and only then do the HTTP answer and the WebSocket events leave.
 * - `engine` is exposed for reading (and the backtest-style checks of tests); changing it
 *   directly bypasses persistence and streams.
 */
export class SimExchangeServer {
  /** Parsed options. */
  readonly options: SimServerOptions;
  /** The engine (read it; change it only through the server). */
  readonly engine: SimExchange;
  /** The replay of recorded bars. */
  readonly replay: SimReplay;
  /** The state file, or null (memory only). */
  readonly store: SimStateStore | null;
  /** True when the state came from an existing state file. */
  readonly resumed: boolean;
  readonly #info: ExchangeInfo;
  readonly #config: StoredConfig;
  readonly #clock: () => number;
  readonly #log: (line: string) => void;
  readonly #keys = new Map<string, ApiKeyEntry>();
  readonly #weights: RequestWeights;
  readonly #orderCounts: OrderCounts;
  readonly #market: MarketStreams;
  readonly #user: UserStreams;
  readonly #routes: RestRoutes;
  #events: SimEvent[] = [];
  #unlisten: () => void = () => {};
  #timer: ReturnType<typeof setTimeout> | null = null;
  #running = false;
  #closed = false;
  #announcedEnd = false;
  #nextProgress = 0;
  #lastProgressWall = -Infinity;
  #ordersPlaced = 0;
  #fills = 0;

  /** Use {@link createSimExchangeServer}. */
  constructor(parts: ServerParts) {
    this.options = parts.opts;
    this.#info = parts.info;
    this.#config = parts.config;
    this.#clock = parts.clock;
    this.#log = parts.log;
    this.store = parts.store;
    this.resumed = parts.store !== null && !parts.store.isNew;
    this.replay = new SimReplay(parts.series, {
      start: parts.config.feedStart,
      to: parts.opts.to,
      speed: parts.opts.speed,
      clock: parts.clock,
    });
    if (this.resumed) {
      const cp = parts.store!.readCheckpoint();
      if (cp === null) {
        throw new Error(`Cannot resume state file "${parts.store!.path}": it has no checkpoint`);
      }
      this.engine = SimExchange.restore(cp.snapshot, parts.info);
      this.replay.seek(cp.cursor);
    } else {
      this.engine = new SimExchange(parts.info, this.#engineOptions());
    }
    this.#weights = new RequestWeights({
      limit: parts.opts.weightLimit,
      banAfter: parts.opts.banAfter,
      banMs: parts.opts.banMs,
      maxBanMs: 3 * 86_400_000,
    });
    this.#orderCounts = new OrderCounts({
      per10s: parts.opts.orderLimit10s,
      perDay: parts.opts.orderLimitDay,
    });
    for (const a of parts.opts.accounts) {
      this.#keys.set(a.apiKey, { apiKey: a.apiKey, apiSecret: a.apiSecret, account: a.apiKey });
    }
    const symbols = new Set(this.replay.symbols);
    this.#market = new MarketStreams({
      symbols,
      depth: (s) => ok(this.engine.depth(s, { limit: 5000 })),
      bookTicker: (s) => ok(this.engine.bookTicker(s)),
      ticker24h: (s) => ok(this.engine.ticker24h(s)),
      candle: (s, interval, index) => {
        const series = this.replay.series(s)!;
        const start = bucketStart(series.openTime[index], interval);
        const [candle] = klineCandles(series, index + 1, { interval, startTime: start, limit: 1 });
        return { candle, final: series.openTime[index] + BAR_MS === bucketEnd(start, interval) };
      },
      marketNow: () => this.marketNow(),
    });
    this.#user = new UserStreams({ keys: this.#keys, clock: parts.clock });
    this.#routes = restRoutes({
      engine: this.engine,
      replay: this.replay,
      keys: this.#keys,
      orderCounts: this.#orderCounts,
      now: parts.clock,
      exchangeInfo: (list) => this.#exchangeInfoJson(list),
      rateLimits: () => this.#rateLimits(),
      command: (run) => this.#step(this.#dueBars(), run) as ReturnType<typeof run>["result"],
      publicTrades: (symbol) => this.#publicTrades(symbol),
    });
  }

  /** Builds or restores the state (called once by `createSimExchangeServer`). */
  [INIT](): void {
    if (this.resumed) this.#restore();
    else this.#fresh();
    this.#unlisten = this.engine.onEvent((e) => this.#events.push(e));
    this.#nextProgress = this.#progressBoundary(this.replay.fedUntil);
  }

  /**
   * Answers one HTTP request (REST) or upgrades it to a WebSocket. `info` gives the client IP
   * for the per-IP weight; without it every request counts for one IP, `"local"`.
   */
  readonly handler = (req: Request, info?: ClientInfo): Promise<Response> =>
    this.#handle(req, info);

  /** Market time now (ms): where the replay stands, see `SimReplay.marketNow`. */
  marketNow(): number {
    return this.replay.marketNow();
  }

  /** Starts the replay at the configured speed (no-op for `"manual"` or when running). */
  start(): void {
    if (this.#closed || this.#running || this.replay.speed === "manual") return;
    this.#running = true;
    this.replay.start();
    this.#schedule(0);
  }

  /** Stops the replay timer (market time stops; `start()` resumes from the last bar fed). */
  stop(): void {
    this.#running = false;
    this.replay.stop();
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /**
   * Feeds the next `minutes` market minutes now (every symbol's bars of each minute), as one
   * step, and publishes them.
   *
   * @returns the number of bars fed (0 at the end of the data).
   */
  advance(minutes = 1): number {
    const bars = this.replay.take(minutes);
    if (bars.length > 0) this.#step(bars, null);
    this.#progress();
    return bars.length;
  }

  /** Publishes depth diffs and partial books now, instead of waiting for the 100 ms / 1 s timers. */
  flushStreams(): void {
    this.#market.publishDepth(100);
    this.#market.publishDepth(1000);
  }

  /** Open WebSocket connections (market streams, WebSocket API). */
  get connections(): { market: number; user: number } {
    return { market: this.#market.connectionCount, user: this.#user.connectionCount };
  }

  /** Whether any connection listens to market stream `name` (e.g. `btcusdt@trade`). */
  subscribed(name: string): boolean {
    return this.#market.has(name);
  }

  /** User-data subscriptions (`userDataStream.subscribe.signature`) currently open. */
  get userSubscriptions(): number {
    return this.#user.subscriptionCount;
  }

  /**
   * Stops the replay, closes every WebSocket, writes a final checkpoint and closes the state
   * file. Idempotent.
   */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.stop();
    this.#closed = true;
    this.#market.close();
    this.#user.close();
    this.#unlisten();
    if (this.store !== null) {
      if (this.store.stepsSinceCheckpoint > 0) this.#checkpoint();
      this.store.close();
    }
    return Promise.resolve();
  }

  // ------------------------------------------------------------------ state

  #engineOptions() {
    const first = this.options.accounts[0];
    return {
      ...this.options.engine,
      defaultAccount: first.apiKey,
      startingBalances: first.balances ?? this.options.balances,
    };
  }

  #fresh(): void {
    const openings: SimEvent[] = [];
    for (const [i, a] of this.options.accounts.entries()) {
      if (i > 0) {
        this.engine.addAccount(a.apiKey, { balances: a.balances ?? this.options.balances });
      }
      openings.push(this.#balancesEvent(a.apiKey));
      this.#config.accounts.push(a.apiKey);
    }
    if (this.store !== null) {
      this.store.writeConfig(this.#config);
      this.store.checkpoint(this.engine.snapshot(), this.replay.cursor(), {
        now: this.#clock(),
        events: openings,
      });
    }
    const warm = this.replay.takeBefore(this.#config.from);
    if (warm.length > 0) this.#step(warm, null);
    const last = Math.max(
      ...this.replay.symbols.map((s) => this.replay.series(s)!.openTime.at(-1) ?? -Infinity),
    );
    if (this.#config.from > last) {
      throw new RangeError(
        `Cannot replay from ${new Date(this.#config.from).toISOString()}: the data ends at ${
          new Date(last).toISOString()
        }`,
      );
    }
  }

  #restore(): void {
    const store = this.store!;
    let steps = 0;
    for (const entry of store.readLog()) {
      this.#replayEntry(entry, steps + 1);
      steps++;
    }
    this.#verifyMirror();
    for (const a of this.options.accounts) {
      if (this.engine.hasAccount(a.apiKey)) continue;
      const balances: Record<string, string> = {};
      for (const [k, v] of Object.entries(a.balances ?? this.options.balances)) {
        balances[k] = String(v);
      }
      this.engine.addAccount(a.apiKey, { balances });
      this.#config.accounts.push(a.apiKey);
      store.writeConfig(this.#config);
      store.commit({
        kind: "addAccount",
        cursor: this.replay.cursor(),
        time: this.engine.now(),
        account: a.apiKey,
        balances,
      }, [this.#balancesEvent(a.apiKey)]);
    }
    if (store.stepsSinceCheckpoint > 0) this.#checkpoint();
    this.#log(
      `resumed ${store.path}: checkpoint + ${steps} logged steps, market at ${
        iso(this.replay.fedUntil)
      }`,
    );
  }

  #replayEntry(entry: StateLogEntry, n: number): void {
    for (const b of this.replay.takeTo(entry.cursor)) this.#feedEngine(b);
    if (entry.kind === "bars") return;
    this.engine.advanceTime(Math.max(this.engine.now(), entry.time));
    const diverged = (why: string) =>
      new Error(
        `Cannot resume state file "${this.store!.path}": logged step ${n} (${entry.kind}) ${why}`,
      );
    switch (entry.kind) {
      case "place": {
        const r = this.engine.placeOrder(entry.body as never, { account: entry.account });
        if (!r.ok) throw diverged(`was rejected on replay: ${r.reject.msg}`);
        return;
      }
      case "cancel": {
        const r = this.engine.cancelOrder(entry.symbol, {
          orderId: entry.orderId,
          origClientOrderId: entry.origClientOrderId,
          newClientOrderId: entry.newClientOrderId,
        }, { account: entry.account });
        if (!r.ok) throw diverged(`was rejected on replay: ${r.reject.msg}`);
        return;
      }
      case "cancelAll": {
        const r = this.engine.cancelOpenOrders(entry.symbol, { account: entry.account });
        if (!r.ok) throw diverged(`was rejected on replay: ${r.reject.msg}`);
        return;
      }
      case "addAccount":
        if (!this.engine.hasAccount(entry.account)) {
          this.engine.addAccount(entry.account, { balances: entry.balances });
        }
        return;
    }
  }

  /** Checks that the rebuilt engine agrees with the mirror tables (balances, open orders). */
  #verifyMirror(): void {
    const store = this.store!;
    for (const account of this.#config.accounts) {
      if (!this.engine.hasAccount(account)) continue;
      const key = (list: BalanceRecord[]) =>
        list.filter((b) => Number(b.free) !== 0 || Number(b.locked) !== 0)
          .map((b) => `${b.asset}:${b.free}:${b.locked}`).sort().join(",");
      const mine = key(this.engine.account({ account }).balances);
      const theirs = key(store.balances(account));
      const openMine = ok(this.engine.openOrders(undefined, { account })).map((o) => o.orderId)
        .join(",");
      const openTheirs = store.orders(account, { open: true }).map((o) => o.orderId).join(",");
      if (mine !== theirs || openMine !== openTheirs) {
        throw new Error(
          `Cannot resume state file "${store.path}": the replayed state of ${account} differs from ` +
            `its tables: balances ${mine} vs ${theirs}, open orders [${openMine}] vs [${openTheirs}]`,
        );
      }
    }
  }

  #checkpoint(): void {
    this.store!.checkpoint(this.engine.snapshot(), this.replay.cursor(), { now: this.#clock() });
  }

  #balancesEvent(account: string): AccountPosition {
    return {
      type: "outboundAccountPosition",
      account,
      eventTime: this.engine.now(),
      lastUpdateTime: this.engine.now(),
      balances: this.engine.account({ account }).balances,
    };
  }

  // ------------------------------------------------------------------ steps

  /** Bars due at market time now (numeric speed; the timer feeds "max"). */
  #dueBars(): ReplayBar[] {
    return typeof this.replay.speed === "number" ? this.replay.due(Number.MAX_SAFE_INTEGER) : [];
  }

  #feedEngine(b: ReplayBar): void {
    const s = b.series;
    const i = b.index;
    this.engine.onBar(b.symbol, {
      openTime: s.openTime[i],
      open: s.open[i],
      high: s.high[i],
      low: s.low[i],
      close: s.close[i],
      volume: s.volume[i],
    });
  }

  /**
   * One step: feed `bars`, run the command at market time, persist, then publish. A command
   * that throws still gets its bars persisted; the error is rethrown.
   */
  #step<T>(
    bars: readonly ReplayBar[],
    run: (() => { result: T; entry: CommandEntry | null }) | null,
  ): T | undefined {
    for (const b of bars) {
      this.#feedEngine(b);
      this.#market.bar(b.symbol, b.index, b.series.openTime[b.index] + BAR_MS);
    }
    let out: { result: T; entry: CommandEntry | null } | undefined;
    let failure: unknown = null;
    let time = this.engine.now();
    if (run !== null) {
      time = Math.max(this.engine.now(), this.replay.marketNow());
      this.engine.advanceTime(time);
      try {
        out = run();
      } catch (err) {
        failure = err;
      }
      for (const s of this.replay.symbols) this.#market.book(s);
    }
    const events = this.#events;
    this.#events = [];
    const cursor = this.replay.cursor();
    let entry: StateLogEntry | null = null;
    if (out?.entry) entry = { ...out.entry, cursor, time } as StateLogEntry;
    else if (bars.length > 0) entry = { kind: "bars", cursor, time };
    if (entry !== null && this.store !== null) {
      this.store.commit(entry, events);
      if (this.store.stepsSinceCheckpoint >= this.options.checkpointEvery) this.#checkpoint();
    }
    if (entry?.kind === "place") this.#ordersPlaced++;
    this.#user.dispatch(events);
    for (const e of events) {
      if (e.type === "executionReport" && e.fill !== null) {
        this.#fills++;
        this.#market.fill(e.fill);
      }
    }
    this.#market.flush();
    if (failure !== null) throw failure;
    return out?.result;
  }

  #schedule(ms: number): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#tick(), ms);
  }

  #tick(): void {
    this.#timer = null;
    if (!this.#running || this.#closed) return;
    const max = this.replay.speed === "max" ? this.options.chunkBars : Number.MAX_SAFE_INTEGER;
    // at "max", feed steps for up to 20 ms of CPU, then let requests in
    const budgetEnd = performance.now() + 20;
    do {
      const bars = this.replay.due(max);
      if (bars.length === 0) break;
      try {
        this.#step(bars, null);
      } catch (err) {
        this.#log(`replay step failed: ${err instanceof Error ? err.message : String(err)}`);
        this.stop();
        return;
      }
      this.#progress();
    } while (this.replay.speed === "max" && performance.now() < budgetEnd);
    this.#progress();
    if (this.replay.done) return;
    const wait = this.replay.speed === "max"
      ? 0
      : Math.min(this.replay.msUntilNextDue() ?? 1000, 1000);
    this.#schedule(wait);
  }

  #progressBoundary(t: number): number {
    const every = this.options.progressMinutes * BAR_MS;
    return every > 0 ? (Math.floor(t / every) + 1) * every : Infinity;
  }

  #progress(): void {
    const t = this.replay.fedUntil;
    if (this.replay.done && !this.#announcedEnd) {
      this.#announcedEnd = true;
      this.#log(`replay finished: market at ${iso(t)} (end of the data); serving the last book`);
      return;
    }
    if (t < this.#nextProgress) return;
    this.#nextProgress = this.#progressBoundary(t);
    const wall = this.#clock();
    if (wall - this.#lastProgressWall < 2000) return;
    this.#lastProgressWall = wall;
    this.#log(
      `market ${iso(t)}; orders placed ${this.#ordersPlaced}, fills ${this.#fills}, ` +
        `ws ${this.#market.connectionCount}+${this.#user.connectionCount}`,
    );
  }

  // ------------------------------------------------------------------ HTTP

  async #handle(req: Request, info?: ClientInfo): Promise<Response> {
    const url = new URL(req.url);
    if (req.headers.get("upgrade")?.toLowerCase() === "websocket") return this.#upgrade(req, url);
    const now = this.#clock();
    const ip = info?.remoteAddr.hostname ?? "local";
    const q = req.url.indexOf("?");
    const rawQuery = q < 0 ? "" : req.url.slice(q + 1).replace(/#.*$/, "");
    const rawBody = req.method === "GET" || req.method === "HEAD" ? "" : await req.text();
    const params = new RequestParams(rawQuery, rawBody);
    const route = this.#routes.get(url.pathname);
    const weight = endpointWeight(req.method, url.pathname, params);
    const decision = this.#weights.charge(ip, weight, now);
    const used = { "X-MBX-USED-WEIGHT-1M": String(decision.used) };
    if (!decision.ok) return errorResponse(decision.error, used);
    if (this.#closed) return errorResponse(ApiErrors.internal("the server is shutting down"), used);
    if (route === undefined) return errorResponse(ApiErrors.notFound(url.pathname), used);
    const handler = route[req.method];
    if (handler === undefined) {
      return errorResponse(ApiErrors.methodNotAllowed(req.method, url.pathname), used);
    }
    const request: RestRequest = {
      method: req.method,
      path: url.pathname,
      params,
      rawQuery,
      rawBody,
      apiKey: req.headers.get("X-MBX-APIKEY"),
    };
    try {
      const due = this.#dueBars();
      if (due.length > 0) this.#step(due, null);
      const answer = await handler(request);
      return new Response(JSON.stringify(answer.body), {
        status: 200,
        headers: { ...JSON_HEADERS, ...used, ...answer.headers },
      });
    } catch (err) {
      if (err instanceof ApiFailure) return errorResponse(err.error, used);
      const what = err instanceof Error ? err.message : String(err);
      this.#log(`${req.method} ${url.pathname} failed: ${what}`);
      return errorResponse(ApiErrors.internal(what), used);
    }
  }

  #upgrade(req: Request, url: URL): Response {
    const path = url.pathname;
    const idleTimeout = this.options.wsIdleTimeoutS;
    if (this.#closed) return new Response("shutting down", { status: 503 });
    if (path === "/ws-api/v3") {
      const { socket, response } = Deno.upgradeWebSocket(req, { idleTimeout });
      this.#user.accept(socket);
      return response;
    }
    if (path === "/ws" || path.startsWith("/ws/")) {
      const { socket, response } = Deno.upgradeWebSocket(req, { idleTimeout });
      const initial = path.slice(3).split("/").filter((s) => s !== "");
      this.#market.accept(socket, { combined: false, initial });
      return response;
    }
    if (path === "/stream") {
      const { socket, response } = Deno.upgradeWebSocket(req, { idleTimeout });
      const initial = (url.searchParams.get("streams") ?? "").split("/").filter((s) => s !== "");
      this.#market.accept(socket, { combined: true, initial });
      return response;
    }
    return new Response("no WebSocket endpoint here", { status: 404 });
  }

  #exchangeInfoJson(list?: readonly string[]): unknown {
    const raw = this.#info.raw;
    return {
      ...raw,
      serverTime: this.#clock(),
      rateLimits: this.#rateLimits(),
      symbols: list === undefined
        ? raw.symbols
        : raw.symbols.filter((s) => list.includes(s.symbol)),
    };
  }

  #rateLimits(): unknown[] {
    const out: unknown[] = [{
      rateLimitType: "REQUEST_WEIGHT",
      interval: "MINUTE",
      intervalNum: 1,
      limit: this.options.weightLimit,
    }];
    if (this.options.orderLimit10s > 0) {
      out.push({
        rateLimitType: "ORDERS",
        interval: "SECOND",
        intervalNum: 10,
        limit: this.options.orderLimit10s,
      });
    }
    if (this.options.orderLimitDay > 0) {
      out.push({
        rateLimitType: "ORDERS",
        interval: "DAY",
        intervalNum: 1,
        limit: this.options.orderLimitDay,
      });
    }
    return out;
  }

  #publicTrades(symbol: string) {
    const all = this.#config.accounts.filter((a) => this.engine.hasAccount(a))
      .flatMap((account) => this.engine.fills({ account, symbol }));
    return all.sort((a, b) => a.tradeId - b.tradeId);
  }
}

function ok<T>(out: { ok: true; value: T } | { ok: false; reject: { msg: string } }): T {
  if (!out.ok) throw new Error(`engine refused a read: ${out.reject.msg}`);
  return out.value;
}

function errorResponse(error: ApiError, headers: Record<string, string>): Response {
  return new Response(JSON.stringify({ code: error.code, msg: error.msg }), {
    status: error.status,
    headers: { ...JSON_HEADERS, ...headers, ...error.headers },
  });
}

/** The exchangeInfo restricted to the served symbols (all must be in it). */
function servedInfo(info: ExchangeInfo, symbols: readonly string[]): ExchangeInfo {
  const missing = symbols.filter((s) => !info.symbols.has(s));
  if (missing.length > 0) {
    throw new TypeError(`Cannot serve ${missing.join(",")}: not in the exchangeInfo file`);
  }
  return parseExchangeInfo({
    ...info.raw,
    symbols: info.raw.symbols.filter((s) => symbols.includes(s.symbol)),
  });
}

function checkSame(path: string, name: string, given: unknown, stored: unknown): void {
  if (given === undefined) return;
  if (JSON.stringify(given) !== JSON.stringify(stored)) {
    throw new Error(
      `Cannot resume state file "${path}": it was made with ${name}=${JSON.stringify(stored)}, ` +
        `options say ${JSON.stringify(given)}`,
    );
  }
}

function iso(t: number): string {
  return new Date(t).toISOString().replace(".000Z", "Z");
}
