import { isClosedByUser } from "./_ccxt_errors.ts";
import { parse, RawKlineEvent, RawKlineRow } from "./_ccxt_records.ts";
import type { CcxtGateway } from "./ccxt_gateway.ts";
import type { KlineColumns } from "./kline_columns.ts";
import { KlineQa } from "./kline_qa.ts";
import { type BarBatch, replayBars } from "./market_replay.ts";
import { mergeQaReports, type QaReport } from "./qa_report.ts";

/** One symbol's bars of a feed batch plus their data-QA flag bytes (`QaFlag` bits). */
export interface LiveBars extends BarBatch {
  flags: Uint8Array;
}

/** A batch of the feed (the trading loop's `FeedBatch`). */
export interface LiveBatch {
  seq: number;
  /** One entry per symbol, sorted by name; `length` 0 when the symbol printed no bar. */
  bars: LiveBars[];
}

/** Counters of the feed. */
export interface MarketFeedStats {
  /** Batches yielded. */
  batches: number;
  /** Warm-up bars yielded (from REST, before `from`). */
  warmupBars: number;
  /** Live bars yielded. */
  liveBars: number;
  /** Live bars that came from REST (a gap after a reconnect, a late or missed stream event). */
  restBars: number;
  /** Stream (re)subscriptions after the first. */
  reconnects: number;
  /** Minutes in which a symbol had no bar on the venue (missing from stream and REST). */
  missingBars: number;
}

/** Options of {@link CcxtMarketFeed}. */
export interface CcxtMarketFeedOptions {
  /** Symbols (Binance ids); batches list them sorted. */
  symbols: readonly string[];
  /** Open time of the first live minute (on the minute grid). */
  from: number;
  /** The feed ends before the first minute opening at or after this. @default {Infinity} */
  to?: number;
  /** Warm-up bars with open time in [warmupFrom, from) are yielded first, from REST. @default {from} */
  warmupFrom?: number;
  /** Bars per warm-up batch (all symbols together, ≥ 100). @default {240} */
  batchBars?: number;
  /** `seq` of the first batch. @default {0} */
  firstSeq?: number;
  /**
   * Called when the feed needs the next minute and has not got it (at most once per minute): a
   * venue whose market clock the caller drives (the simulated exchange at speed "max") is moved
   * on here, so the market runs as fast as the consumer keeps up. @default {none}
   */
  pace?: () => void | Promise<void>;
  /** Wall ms to wait for the other symbols' bar of a minute before asking REST. @default {300} */
  graceMs?: number;
  /** Wall ms without any progress after which REST is polled. @default {5000} */
  idleMs?: number;
  /** First reconnect delay, ms (doubles, ≤ 15 s). @default {250} */
  backoffMs?: number;
  /** One line per notable event. @default {no output} */
  log?: (line: string) => void;
}

const BAR_MS = 60_000;

interface Bar {
  t: number;
  o: number;
  h: number;
  l: number;
  c: number;
  v: number;
}

/**
 * Closed 1m bars from ccxt (`watchOHLCVForSymbols`, Binance `<s>@kline_1m`), as the batches the
 * trading loop consumes:
 *
 * - first the warm-up: bars in [warmupFrom, from) over REST (`fetchOHLCV` pages), in `replayBars`
 *   batches of `batchBars`;
 * - then one batch per closed minute across symbols, in open-time order, never skipping or
 *   repeating a minute: a bar is closed when its kline event says `x: true`, or when a later
 *   minute has started (then REST is asked). A minute is yielded once every symbol has its bar or
 *   has moved past it; a symbol still missing after `graceMs` is asked over REST, and a bar the
 *   venue does not have is left out of that minute (`length` 0; counted in `missingBars`). A
 *   minute no symbol printed is not yielded.
 * - The stream reconnects with backoff and resubscribes; after a reconnect, and after `idleMs`
 *   without progress, REST fills the gap from the next minute owed.
 * - Every bar goes through the same data QA as the loaders (`KlineQa`, per symbol): a bar a drop
 *   rule refuses is left out; the flags of kept bars travel with them. (`stream_stopped` is not
 *   evaluated live.)
 *
 * Shares the gateway's ccxt instance (one per process) and its weight budget.
 */
export class CcxtMarketFeed implements AsyncIterable<LiveBatch> {
  readonly #gw: CcxtGateway;
  readonly #symbols: string[];
  readonly #opts: Required<Omit<CcxtMarketFeedOptions, "pace" | "log" | "symbols">>;
  readonly #pace: (() => void | Promise<void>) | undefined;
  readonly #log: (line: string) => void;
  readonly #qa = new Map<string, KlineQa>();
  readonly #closed = new Map<string, Map<number, Bar>>();
  readonly #lastOpenSeen = new Map<string, number>();
  #marketNow = 0;
  #next: number;
  #seq: number;
  #pacedFor = -1;
  #wake = Promise.withResolvers<void>();
  #closedFeed = false;
  #streamLoop: Promise<void> | null = null; // settles when the gateway closes ccxt
  #unlisten: () => void = () => {};
  readonly #stats: MarketFeedStats = {
    batches: 0,
    warmupBars: 0,
    liveBars: 0,
    restBars: 0,
    reconnects: 0,
    missingBars: 0,
  };

  constructor(gateway: CcxtGateway, options: CcxtMarketFeedOptions) {
    if (options.from % BAR_MS !== 0) {
      throw new RangeError(`Cannot feed from a time off the minute grid: from is ${options.from}`);
    }
    this.#gw = gateway;
    this.#symbols = [...options.symbols].sort();
    this.#opts = {
      from: options.from,
      to: options.to ?? Infinity,
      warmupFrom: options.warmupFrom ?? options.from,
      batchBars: options.batchBars ?? 240,
      firstSeq: options.firstSeq ?? 0,
      graceMs: options.graceMs ?? 300,
      idleMs: options.idleMs ?? 5000,
      backoffMs: options.backoffMs ?? 250,
    };
    this.#pace = options.pace;
    this.#log = options.log ?? (() => {});
    this.#next = options.from;
    this.#seq = this.#opts.firstSeq;
    for (const s of this.#symbols) {
      this.#qa.set(s, new KlineQa(s, { intervalMs: BAR_MS }));
      this.#closed.set(s, new Map());
    }
  }

  /** Counters so far. */
  stats(): MarketFeedStats {
    return { ...this.#stats };
  }

  /** Data QA of every bar received so far, all symbols merged. */
  qa(): QaReport {
    return mergeQaReports(this.#symbols.map((s) => this.#qa.get(s)!.finish().qa));
  }

  /** Open time of the next live minute owed. */
  get next(): number {
    return this.#next;
  }

  /** Stops the stream; a pending iteration ends. */
  close(): void {
    this.#closedFeed = true;
    this.#unlisten();
    this.#wake.resolve();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<LiveBatch> {
    this.#unlisten = this.#gw.onKline((raw) => this.#onKline(raw));
    const subscribed = Promise.withResolvers<void>();
    this.#streamLoop = this.#runStream(subscribed);
    try {
      await subscribed.promise;
      yield* this.#warmup();
      // the venue may already be past `from` (a restart): what is closed comes from REST first,
      // so a paced venue is not moved on before the minutes it already has are yielded
      if (this.#next < this.#opts.to) await this.#restFill(this.#next);
      while (!this.#closedFeed && this.#next < this.#opts.to) {
        const batch = await this.#minute(this.#next);
        this.#next += BAR_MS;
        this.#prune();
        if (batch !== null) yield batch;
      }
    } finally {
      // the stream loop ends when the gateway closes ccxt (its pending watch cannot be cancelled)
      this.close();
    }
  }

  async *#warmup(): AsyncGenerator<LiveBatch> {
    const { warmupFrom, from, batchBars } = this.#opts;
    if (warmupFrom >= from) return;
    const series: { columns: KlineColumns; flags: Uint8Array }[] = [];
    for (const s of this.#symbols) {
      const rows = await this.#rest(s, warmupFrom, from);
      const qa = this.#qa.get(s)!;
      const before = qa.finish().columns.length;
      for (const b of rows) qa.push(b.t, b.o, b.h, b.l, b.c, b.v, 0, null);
      const all = qa.finish();
      series.push({ columns: sliceColumns(all.columns, before), flags: all.flags.slice(before) });
    }
    for (
      const b of replayBars(series.map((x) => x.columns), {
        batchSize: Math.max(100, batchBars),
        from: warmupFrom,
        to: from,
      })
    ) {
      const bars = b.bars.map((bb) => {
        const src = series.find((x) => x.columns.symbol === bb.symbol)!;
        const start = bb.length === 0 ? 0 : src.columns.openTime.indexOf(bb.openTime[0]);
        return { ...bb, flags: src.flags.slice(start, start + bb.length) };
      });
      this.#stats.warmupBars += b.size;
      this.#stats.batches++;
      yield { seq: this.#seq++, bars };
    }
  }

  /** Waits until minute `t` is closed everywhere (or known missing) and builds its batch. */
  async #minute(t: number): Promise<LiveBatch | null> {
    const S = this.#symbols.length;
    let since = Date.now();
    let restAsked = false;
    for (;;) {
      if (this.#closedFeed) return null;
      const missing = this.#symbols.filter((s) => !this.#closed.get(s)!.has(t));
      if (missing.length === 0) return this.#build(t);
      const seen = (s: string) => this.#lastOpenSeen.get(s) ?? -Infinity;
      const moved = missing.every((s) => seen(s) > t);
      const anyHas = missing.length < S;
      const graceOver = anyHas && Date.now() - since >= this.#opts.graceMs;
      if (moved || graceOver) {
        // the bar is late, or the stream missed it: REST decides; what REST lacks is missing
        if (restAsked) return this.#build(t);
        await this.#restFill(t);
        restAsked = true;
        continue;
      }
      if (
        this.#pace !== undefined && this.#pacedFor < t && !anyHas &&
        this.#symbols.every((s) => seen(s) < t)
      ) {
        this.#pacedFor = t;
        await this.#pace();
        since = Date.now();
        continue;
      }
      // after pacing, the minute is due at once: a stream that missed it (e.g. not subscribed
      // yet) is only waited for a grace period before REST is asked
      const paced = this.#pacedFor === t;
      const woke = await this.#sleepUntilWake(
        anyHas || paced ? this.#opts.graceMs : this.#opts.idleMs,
      );
      if (!woke && !anyHas) {
        // nothing for a while: a silently dead stream, or a minute nobody printed
        await this.#restFill(t);
        restAsked = false;
        since = Date.now();
      }
    }
  }

  #build(t: number): LiveBatch | null {
    let size = 0;
    const bars = this.#symbols.map((s) => {
      const bar = this.#closed.get(s)!.get(t);
      if (bar === undefined) {
        this.#stats.missingBars++;
        return oneBar(s, null, 0);
      }
      const qa = this.#qa.get(s)!;
      const before = qa.finish().columns.length;
      qa.push(bar.t, bar.o, bar.h, bar.l, bar.c, bar.v, 0, null);
      const after = qa.finish();
      if (after.columns.length === before) return oneBar(s, null, 0); // dropped by QA
      size++;
      return oneBar(s, bar, after.flags[after.flags.length - 1]);
    });
    if (size === 0) return null;
    this.#stats.liveBars += size;
    this.#stats.batches++;
    return { seq: this.#seq++, bars };
  }

  #onKline(raw: unknown): void {
    let k: RawKlineEvent;
    try {
      k = parse(RawKlineEvent, raw, "kline");
    } catch {
      return;
    }
    const s = k.k.s;
    const closed = this.#closed.get(s);
    if (closed === undefined || k.k.i !== "1m") return;
    this.#marketNow = Math.max(this.#marketNow, k.E);
    this.#lastOpenSeen.set(s, Math.max(this.#lastOpenSeen.get(s) ?? -Infinity, k.k.t));
    if (k.k.x && k.k.t >= this.#next) {
      this.#marketNow = Math.max(this.#marketNow, k.k.t + BAR_MS);
      closed.set(k.k.t, {
        t: k.k.t,
        o: Number(k.k.o),
        h: Number(k.k.h),
        l: Number(k.k.l),
        c: Number(k.k.c),
        v: Number(k.k.v),
      });
    }
    this.#wake.resolve();
  }

  /** REST: every symbol's closed bars from `from` on, added to the buffers. */
  async #restFill(from: number): Promise<void> {
    for (const s of this.#symbols) {
      const rows = await this.#rest(s, from, Infinity);
      const closed = this.#closed.get(s)!;
      for (const b of rows) {
        if (b.t < this.#next || closed.has(b.t)) continue;
        closed.set(b.t, b);
        this.#stats.restBars++;
      }
      if (rows.length > 0) {
        const last = rows[rows.length - 1].t;
        this.#lastOpenSeen.set(s, Math.max(this.#lastOpenSeen.get(s) ?? -Infinity, last));
      }
    }
  }

  /**
   * Closed bars of `symbol` with open time in [from, to) over REST, every page. A row is closed
   * when a later row follows it or its minute has ended by the venue's market time.
   */
  async #rest(symbol: string, from: number, to: number): Promise<Bar[]> {
    const out: Bar[] = [];
    let since = from;
    for (;;) {
      const end = Math.min(to, since + 1000 * BAR_MS) - 1;
      const raw = await this.#gw.exchange.publicGetKlines({
        symbol,
        interval: "1m",
        startTime: since,
        endTime: Number.isFinite(end) ? end : undefined,
        limit: 1000,
      });
      const rows = parse(RawKlineRow.array(), raw, "klines");
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i];
        const t = r[0];
        if (t < from || t >= to) continue;
        // closed: a later row follows, or the minute has ended by the venue's market clock or,
        // by a full minute, by the wall clock (a replayed market's newest row is long past)
        const closed = i + 1 < rows.length || t + BAR_MS <= this.#marketNow ||
          t + 2 * BAR_MS <= Date.now();
        if (!closed) continue;
        out.push({
          t,
          o: Number(r[1]),
          h: Number(r[2]),
          l: Number(r[3]),
          c: Number(r[4]),
          v: Number(r[5]),
        });
      }
      if (rows.length < 1000 || !Number.isFinite(to)) break;
      since = rows[rows.length - 1][0] + BAR_MS;
      if (since >= to) break;
    }
    return out;
  }

  async #runStream(subscribed: PromiseWithResolvers<void>): Promise<void> {
    const ex = this.#gw.exchange;
    const pairs = this.#symbols.map((s) => [this.#ccxtSymbol(s), "1m"]);
    let failures = 0;
    let first = true;
    while (!this.#closedFeed) {
      try {
        const watching = ex.watchOHLCVForSymbols(pairs);
        if (!first) {
          this.#stats.reconnects++;
          this.#log("kline stream resubscribed; filling the gap over REST");
          await this.#restFill(this.#next);
          this.#wake.resolve();
        }
        first = false;
        failures = 0;
        subscribed.resolve();
        await watching;
        for (;;) await ex.watchOHLCVForSymbols(pairs);
      } catch (err) {
        if (this.#closedFeed || isClosedByUser(err)) break;
        failures++;
        const wait = Math.min(15_000, this.#opts.backoffMs * 2 ** (failures - 1));
        this.#log(`kline stream lost (${(err as Error).message}); reconnecting in ${wait} ms`);
        await new Promise((r) => setTimeout(r, wait));
      }
    }
    subscribed.resolve();
  }

  async #sleepUntilWake(ms: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<false>((r) => {
      timer = setTimeout(() => r(false), ms);
    });
    const woke = await Promise.race([this.#wake.promise.then(() => true as const), timeout]);
    clearTimeout(timer);
    this.#wake = Promise.withResolvers<void>();
    return woke;
  }

  #prune(): void {
    for (const m of this.#closed.values()) {
      for (const t of m.keys()) if (t < this.#next) m.delete(t);
    }
  }

  #ccxtSymbol(id: string): string {
    const m = this.#gw.exchange.markets_by_id?.[id]?.[0] as { symbol?: string } | undefined;
    if (m?.symbol === undefined) throw new RangeError(`Cannot find ${id} in ccxt's markets`);
    return m.symbol;
  }
}

function oneBar(symbol: string, bar: Bar | null, flag: number): LiveBars {
  const n = bar === null ? 0 : 1;
  const buffer = new ArrayBuffer(6 * 8 * n);
  const col = (k: number, v: number) => {
    const a = new Float64Array(buffer, k * 8 * n, n);
    if (n === 1) a[0] = v;
    return a;
  };
  return {
    symbol,
    openTime: col(0, bar?.t ?? 0),
    open: col(1, bar?.o ?? 0),
    high: col(2, bar?.h ?? 0),
    low: col(3, bar?.l ?? 0),
    close: col(4, bar?.c ?? 0),
    volume: col(5, bar?.v ?? 0),
    length: n,
    flags: Uint8Array.of(...(n === 1 ? [flag] : [])),
  };
}

function sliceColumns(c: KlineColumns, start: number): KlineColumns {
  return {
    symbol: c.symbol,
    openTime: c.openTime.slice(start),
    open: c.open.slice(start),
    high: c.high.slice(start),
    low: c.low.slice(start),
    close: c.close.slice(start),
    volume: c.volume.slice(start),
    length: c.length - start,
  };
}
