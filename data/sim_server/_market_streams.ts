import { z } from "zod";
import type {
  BookTickerRecord,
  DepthRecord,
  FillRecord,
  Ticker24hRecord,
} from "../sim/sim_records.ts";
import { DepthDiffer } from "./_depth_differ.ts";
import { aggTradeJson, klineEventJson, tradeJson } from "./_binance_json.ts";
import { type Candle, isKlineInterval } from "./_kline_rows.ts";

/** What the stream hub reads from the exchange (the server wires the engine and replay). */
export interface MarketSource {
  /** Symbols served, upper case. */
  readonly symbols: ReadonlySet<string>;
  depth(symbol: string): DepthRecord;
  bookTicker(symbol: string): BookTickerRecord;
  ticker24h(symbol: string): Ticker24hRecord;
  /** The candle of `interval` that bar `index` of `symbol` belongs to, from the bars fed. */
  candle(symbol: string, interval: string, index: number): { candle: Candle; final: boolean };
  /** Market time now, ms (event time of timer-driven events). */
  marketNow(): number;
}

/** A parsed stream name. */
type StreamKind =
  | { kind: "trade" | "aggTrade" | "bookTicker" | "miniTicker" | "ticker"; symbol: string }
  | { kind: "kline"; symbol: string; interval: string }
  | { kind: "depth"; symbol: string; cadenceMs: number }
  | { kind: "partialDepth"; symbol: string; levels: number; cadenceMs: number };

interface Connection {
  socket: WebSocket;
  combined: boolean;
  streams: Set<string>;
}

const Request = z.object({
  method: z.string(),
  params: z.unknown().optional(),
  id: z.union([z.number(), z.string(), z.null()]),
});

/** The most streams one connection may hold (Binance: 1024). */
const MAX_STREAMS = 1024;

/**
 * Binance's market streams over WebSocket for the served symbols: raw connections (`/ws`,
 * `/ws/<name>`; ccxt opens `/ws/<n>` and SUBSCRIBEs) and combined ones (`/stream?streams=a/b`,
 * events wrapped as `{"stream","data"}`), with `SUBSCRIBE` / `UNSUBSCRIBE` /
 * `LIST_SUBSCRIPTIONS` (`{"result":…,"id":…}`) and Binance's error codes 0–3 for bad requests.
 *
 * Streams: `<s>@trade` and `<s>@aggTrade` (the simulated fills: kline data has no market prints,
 * none are invented), `<s>@kline_<interval>` (one update per 1m bar fed, `x: true` on the last
 * minute of the candle), `<s>@bookTicker` (on every change of the touch), `<s>@depth` (1000 ms)
 * and `<s>@depth@100ms` (diffs, see `DepthDiffer`), `<s>@depth<5|10|20>[@100ms]` (partial book
 * when it changed), `<s>@miniTicker` and `<s>@ticker` (per bar). Event times are market time.
 * Outgoing messages of one step are held until {@link flush} so nothing leaves before the step
 * is persisted.
 */
export class MarketStreams {
  readonly #source: MarketSource;
  readonly #connections = new Set<Connection>();
  /** Subscribers per stream name. */
  readonly #subs = new Map<string, Set<Connection>>();
  readonly #differs = new Map<string, DepthDiffer>();
  readonly #partialSent = new Map<string, number>();
  readonly #lastBookTicker = new Map<string, string>();
  readonly #timers = new Map<number, ReturnType<typeof setInterval>>();
  #pending: Array<[string, string]> = [];

  constructor(source: MarketSource) {
    this.#source = source;
  }

  /** Open connections. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Whether anyone listens to `stream`. */
  has(stream: string): boolean {
    return (this.#subs.get(stream)?.size ?? 0) > 0;
  }

  /**
   * Takes a new socket. `initial` are the streams named by the URL; `combined` wraps events.
   * Unknown names in the URL are ignored (ccxt's `/ws/<n>` counter).
   */
  accept(socket: WebSocket, options: { combined: boolean; initial: readonly string[] }): void {
    const conn: Connection = { socket, combined: options.combined, streams: new Set() };
    this.#connections.add(conn);
    socket.addEventListener("open", () => {
      for (const name of options.initial) {
        if (parseStream(name, this.#source.symbols) !== null) this.#subscribe(conn, name);
      }
    });
    socket.addEventListener("message", (e) => this.#onMessage(conn, e.data));
    socket.addEventListener("close", () => this.#drop(conn));
    socket.addEventListener("error", () => this.#drop(conn));
  }

  /** Publishes the simulated fill on `<s>@trade` and `<s>@aggTrade`. */
  fill(f: FillRecord): void {
    const s = f.symbol.toLowerCase();
    if (this.has(`${s}@trade`)) this.#queue(`${s}@trade`, tradeJson(f));
    if (this.has(`${s}@aggTrade`)) this.#queue(`${s}@aggTrade`, aggTradeJson(f));
  }

  /** Publishes what a fed bar changes: klines, tickers, and the book (see {@link book}). */
  bar(symbol: string, index: number, eventTime: number): void {
    const s = symbol.toLowerCase();
    const prefix = `${s}@kline_`;
    for (const name of this.#subs.keys()) {
      if (!name.startsWith(prefix) || !this.has(name)) continue;
      const interval = name.slice(prefix.length);
      const { candle, final } = this.#source.candle(symbol, interval, index);
      this.#queue(name, klineEventJson(symbol, interval, candle, { eventTime, final }));
    }
    if (this.has(`${s}@miniTicker`) || this.has(`${s}@ticker`)) {
      const t = this.#source.ticker24h(symbol);
      if (this.has(`${s}@miniTicker`)) {
        this.#queue(`${s}@miniTicker`, {
          e: "24hrMiniTicker",
          E: eventTime,
          s: symbol,
          c: t.lastPrice,
          o: t.openPrice,
          h: t.highPrice,
          l: t.lowPrice,
          v: t.volume,
          q: t.quoteVolume,
        });
      }
      if (this.has(`${s}@ticker`)) this.#queue(`${s}@ticker`, tickerEvent(t, eventTime));
    }
    this.book(symbol);
  }

  /** Call after every change of a symbol's book: feeds the depth differs and the book ticker. */
  book(symbol: string): void {
    const s = symbol.toLowerCase();
    for (const cadence of [100, 1000]) this.#differs.get(`${s}|${cadence}`)?.note();
    if (this.has(`${s}@bookTicker`)) {
      const t = this.#source.bookTicker(symbol);
      const key = `${t.bidPrice}|${t.bidQty}|${t.askPrice}|${t.askQty}`;
      if (this.#lastBookTicker.get(s) !== key) {
        this.#lastBookTicker.set(s, key);
        this.#queue(`${s}@bookTicker`, {
          u: this.#source.depth(symbol).lastUpdateId,
          s: symbol,
          b: t.bidPrice,
          B: t.bidQty,
          a: t.askPrice,
          A: t.askQty,
        });
      }
    }
  }

  /** Sends what the last step queued (call after the step is persisted). */
  flush(): void {
    const pending = this.#pending;
    this.#pending = [];
    for (const [stream, data] of pending) this.#send(stream, data);
  }

  /** Runs the depth publication of one cadence now (tests; timers call it too). */
  publishDepth(cadenceMs: number): void {
    const now = this.#source.marketNow();
    for (const [key, differ] of this.#differs) {
      const [s, c] = key.split("|");
      if (Number(c) !== cadenceMs) continue;
      const symbol = s.toUpperCase();
      const diff = differ.flush();
      if (diff === null) continue;
      const name = cadenceMs === 100 ? `${s}@depth@100ms` : `${s}@depth`;
      this.#send(
        name,
        JSON.stringify({
          e: "depthUpdate",
          E: now,
          s: symbol,
          U: diff.U,
          u: diff.u,
          b: diff.b,
          a: diff.a,
        }),
      );
    }
    for (const name of this.#subs.keys()) {
      const p = parseStream(name, this.#source.symbols);
      if (p === null || p.kind !== "partialDepth" || p.cadenceMs !== cadenceMs) continue;
      const book = this.#source.depth(p.symbol);
      if (this.#partialSent.get(name) === book.lastUpdateId) continue;
      this.#partialSent.set(name, book.lastUpdateId);
      this.#send(
        name,
        JSON.stringify({
          lastUpdateId: book.lastUpdateId,
          bids: book.bids.slice(0, p.levels),
          asks: book.asks.slice(0, p.levels),
        }),
      );
    }
  }

  /** Closes every connection and stops the timers. */
  close(): void {
    for (const id of this.#timers.values()) clearInterval(id);
    this.#timers.clear();
    for (const c of [...this.#connections]) {
      try {
        c.socket.close(1001, "server shutting down");
      } catch {
        // already closed
      }
      this.#drop(c);
    }
  }

  #onMessage(conn: Connection, data: unknown): void {
    const reply = (obj: unknown) => {
      if (conn.socket.readyState === WebSocket.OPEN) conn.socket.send(JSON.stringify(obj));
    };
    if (typeof data !== "string") {
      return reply({ error: { code: 3, msg: "Invalid JSON: expected a text frame" }, id: null });
    }
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch (err) {
      return reply({
        error: { code: 3, msg: `Invalid JSON: ${(err as Error).message}` },
        id: null,
      });
    }
    const parsed = Request.safeParse(json);
    if (!parsed.success) {
      return reply({
        error: { code: 2, msg: "Invalid request: expected method, params and id" },
        id: null,
      });
    }
    const { method, params, id } = parsed.data;
    switch (method) {
      case "SUBSCRIBE":
      case "UNSUBSCRIBE": {
        if (!Array.isArray(params) || !params.every((p) => typeof p === "string")) {
          return reply({ error: { code: 1, msg: "Invalid value type: expected Vec<String>" }, id });
        }
        for (const name of params) {
          if (parseStream(name, this.#source.symbols) === null) {
            return reply({
              error: { code: 2, msg: `Invalid request: unknown stream '${name}'` },
              id,
            });
          }
        }
        if (method === "SUBSCRIBE") {
          if (conn.streams.size + params.length > MAX_STREAMS) {
            return reply({
              error: { code: 2, msg: `Invalid request: more than ${MAX_STREAMS} streams` },
              id,
            });
          }
          for (const name of params) this.#subscribe(conn, name);
        } else {
          for (const name of params) this.#unsubscribe(conn, name);
        }
        return reply({ result: null, id });
      }
      case "LIST_SUBSCRIPTIONS":
        return reply({ result: [...conn.streams], id });
      case "SET_PROPERTY":
        return reply({ result: null, id });
      case "GET_PROPERTY":
        return reply({ result: conn.combined, id });
      default:
        return reply({
          error: { code: 2, msg: `Invalid request: unknown method '${method}'` },
          id,
        });
    }
  }

  #subscribe(conn: Connection, name: string): void {
    conn.streams.add(name);
    let set = this.#subs.get(name);
    if (set === undefined) {
      set = new Set();
      this.#subs.set(name, set);
    }
    set.add(conn);
    const p = parseStream(name, this.#source.symbols);
    if (p?.kind === "depth") {
      const key = `${p.symbol.toLowerCase()}|${p.cadenceMs}`;
      if (!this.#differs.has(key)) {
        this.#differs.set(key, new DepthDiffer(() => this.#source.depth(p.symbol)));
      }
    }
    if (p?.kind === "depth" || p?.kind === "partialDepth") this.#ensureTimer(p.cadenceMs);
    if (p?.kind === "bookTicker") this.#lastBookTicker.delete(p.symbol.toLowerCase());
  }

  #unsubscribe(conn: Connection, name: string): void {
    conn.streams.delete(name);
    const set = this.#subs.get(name);
    if (set === undefined) return;
    set.delete(conn);
    if (set.size > 0) return;
    this.#subs.delete(name);
    this.#partialSent.delete(name);
    const p = parseStream(name, this.#source.symbols);
    if (p?.kind === "depth") this.#differs.delete(`${p.symbol.toLowerCase()}|${p.cadenceMs}`);
    this.#stopIdleTimers();
  }

  #drop(conn: Connection): void {
    if (!this.#connections.delete(conn)) return;
    for (const name of [...conn.streams]) this.#unsubscribe(conn, name);
  }

  #ensureTimer(cadenceMs: number): void {
    if (this.#timers.has(cadenceMs)) return;
    this.#timers.set(cadenceMs, setInterval(() => this.publishDepth(cadenceMs), cadenceMs));
  }

  #stopIdleTimers(): void {
    for (const [cadence, id] of this.#timers) {
      const used = [...this.#subs.keys()].some((name) => {
        const p = parseStream(name, this.#source.symbols);
        return (p?.kind === "depth" || p?.kind === "partialDepth") && p.cadenceMs === cadence;
      });
      if (!used) {
        clearInterval(id);
        this.#timers.delete(cadence);
      }
    }
  }

  #queue(stream: string, payload: unknown): void {
    this.#pending.push([stream, JSON.stringify(payload)]);
  }

  #send(stream: string, data: string): void {
    const set = this.#subs.get(stream);
    if (set === undefined) return;
    let wrapped: string | null = null;
    for (const c of set) {
      if (c.socket.readyState !== WebSocket.OPEN) continue;
      if (c.combined) {
        wrapped ??= `{"stream":${JSON.stringify(stream)},"data":${data}}`;
        c.socket.send(wrapped);
      } else {
        c.socket.send(data);
      }
    }
  }
}

/** Parses a stream name for one of `symbols` (names are lower case on the wire), or null. */
export function parseStream(name: string, symbols: ReadonlySet<string>): StreamKind | null {
  const at = name.indexOf("@");
  if (at <= 0) return null;
  const symbol = name.slice(0, at);
  if (symbol !== symbol.toLowerCase() || !symbols.has(symbol.toUpperCase())) return null;
  const upper = symbol.toUpperCase();
  const rest = name.slice(at + 1);
  switch (rest) {
    case "trade":
    case "aggTrade":
    case "bookTicker":
    case "miniTicker":
    case "ticker":
      return { kind: rest, symbol: upper };
    case "depth":
    case "depth@1000ms":
      return { kind: "depth", symbol: upper, cadenceMs: 1000 };
    case "depth@100ms":
      return { kind: "depth", symbol: upper, cadenceMs: 100 };
  }
  if (rest.startsWith("kline_")) {
    const interval = rest.slice("kline_".length);
    return isKlineInterval(interval) ? { kind: "kline", symbol: upper, interval } : null;
  }
  const m = /^depth(5|10|20)(@100ms|@1000ms)?$/.exec(rest);
  if (m !== null) {
    return {
      kind: "partialDepth",
      symbol: upper,
      levels: Number(m[1]),
      cadenceMs: m[2] === "@100ms" ? 100 : 1000,
    };
  }
  return null;
}

function tickerEvent(t: Ticker24hRecord, eventTime: number): Record<string, unknown> {
  return {
    e: "24hrTicker",
    E: eventTime,
    s: t.symbol,
    p: t.priceChange,
    P: t.priceChangePercent,
    w: t.weightedAvgPrice,
    x: t.prevClosePrice,
    c: t.lastPrice,
    Q: t.lastQty,
    b: t.bidPrice,
    B: t.bidQty,
    a: t.askPrice,
    A: t.askQty,
    o: t.openPrice,
    h: t.highPrice,
    l: t.lowPrice,
    v: t.volume,
    q: t.quoteVolume,
    O: t.openTime,
    C: t.closeTime,
    F: t.firstId,
    L: t.lastId,
    n: t.count,
  };
}
