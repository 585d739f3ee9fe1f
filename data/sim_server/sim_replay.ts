import { type KlineColumns, lowerBound } from "../kline_columns.ts";

/**
 * How fast the replay runs: a number X = X market minutes per wall minute (1 = real time, 60 =
 * one market hour per wall minute); `"max"` = as fast as the server can feed; `"manual"` = only
 * when told (`take(n)`), for deterministic tests.
 */
export type ReplaySpeed = number | "max" | "manual";

/** One bar to feed: the symbol's series and the bar's index in it. */
export interface ReplayBar {
  symbol: string;
  series: KlineColumns;
  index: number;
}

/** Where a replay stands: per symbol, the open time of the last bar fed (absent: none yet). */
export type ReplayCursor = Record<string, number>;

const BAR_MS = 60_000;

/**
 * The replay of recorded 1m bars of several symbols in event time: which bars have been fed
 * (a cursor), which are due now, and the market clock.
 *
 * Order: bars go out merged by open time, ties by symbol name, so a cursor (the last open time
 * fed per symbol) fixes the position exactly and the same data always replays identically.
 *
 * Market time: a bar `[t, t + 59 999]` is due once market time reaches `t + 60 000` (the bar is
 * complete; nothing is shown before it happened). With a numeric speed, market time runs from
 * the anchor set by {@link SimReplay.start}: `market = anchorMarket + (wall − anchorWall) × speed`,
 * and stops at the end of the data. With `"max"` and `"manual"` market time is the end of the
 * last bar fed. The wall clock is injected (`clock`), so pacing is testable without timers.
 */
export class SimReplay {
  readonly #series: KlineColumns[];
  readonly #pos: number[];
  readonly #end: number[];
  readonly #clock: () => number;
  #speed: ReplaySpeed;
  #fedUntil: number;
  #anchorWall = 0;
  #anchorMarket = 0;
  #running = false;

  /**
   * @param series one per symbol, each strictly ascending 1m bars (the loaders' columns).
   * @param options.start open time of the first bar to feed (ms). @default {the first bar}
   * @param options.to bars opening at or after this are never fed (ms). @default {Infinity}
   * @param options.speed @default {1}
   * @param options.clock wall clock, ms. @default {Date.now}
   * @throws RangeError for no series, a repeated symbol, or a speed that is not > 0.
   */
  constructor(
    series: readonly KlineColumns[],
    options: { start?: number; to?: number; speed?: ReplaySpeed; clock?: () => number } = {},
  ) {
    if (series.length === 0) throw new RangeError("Cannot replay: no series given");
    this.#series = [...series].sort((
      a,
      b,
    ) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
    for (let i = 1; i < this.#series.length; i++) {
      if (this.#series[i].symbol === this.#series[i - 1].symbol) {
        throw new RangeError(`Cannot replay a symbol twice: ${this.#series[i].symbol}`);
      }
    }
    const speed = options.speed ?? 1;
    if (typeof speed === "number" && !(speed > 0 && Number.isFinite(speed))) {
      throw new RangeError(`Cannot replay at speed ${speed}: it must be > 0, "max" or "manual"`);
    }
    this.#speed = speed;
    this.#clock = options.clock ?? Date.now;
    const start = options.start ?? -Infinity;
    this.#pos = this.#series.map((s) => lowerBound(s.openTime, start, s.length));
    this.#end = this.#series.map((s) => lowerBound(s.openTime, options.to ?? Infinity, s.length));
    const first = this.#nextIndex();
    this.#fedUntil = first < 0
      ? (Number.isFinite(start) ? start : 0)
      : this.#series[first].openTime[this.#pos[first]];
  }

  /** Symbols replayed, sorted. */
  get symbols(): string[] {
    return this.#series.map((s) => s.symbol);
  }

  /** The pacing mode. */
  get speed(): ReplaySpeed {
    return this.#speed;
  }

  /** Whether market time runs (after `start()`, before `stop()`; always false unless numeric). */
  get running(): boolean {
    return this.#running;
  }

  /** A symbol's series, or undefined. */
  series(symbol: string): KlineColumns | undefined {
    return this.#series.find((s) => s.symbol === symbol);
  }

  /** How many bars of `symbol` have been fed, i.e. the index of its next bar (0 if unknown). */
  fedCount(symbol: string): number {
    const i = this.#series.findIndex((s) => s.symbol === symbol);
    return i < 0 ? 0 : this.#pos[i];
  }

  /** True when every bar up to `to` has been fed. */
  get done(): boolean {
    return this.#nextIndex() < 0;
  }

  /** End of the last bar fed (its close time + 1), or the first bar's open time before any. */
  get fedUntil(): number {
    return this.#fedUntil;
  }

  /** End of the last bar the replay will feed (its open time + 60 000), or null without bars. */
  endsAt(): number | null {
    let end = -Infinity;
    this.#series.forEach((s, i) => {
      if (this.#end[i] > 0) end = Math.max(end, s.openTime[this.#end[i] - 1] + BAR_MS);
    });
    return Number.isFinite(end) ? end : null;
  }

  /** Open time of the next bar to feed, or null when done. */
  nextOpenTime(): number | null {
    const k = this.#nextIndex();
    return k < 0 ? null : this.#series[k].openTime[this.#pos[k]];
  }

  /** Anchors market time at the end of the last bar fed and lets it run (numeric speed). */
  start(): void {
    if (typeof this.#speed !== "number") return;
    this.#anchorWall = this.#clock();
    this.#anchorMarket = this.#fedUntil;
    this.#running = true;
  }

  /** Stops market time (it stays where it is; `start()` resumes from the last bar fed). */
  stop(): void {
    if (this.#running) this.#anchorMarket = this.marketNow();
    this.#running = false;
  }

  /** Current market time, ms (see the class doc); never before {@link fedUntil}. */
  marketNow(): number {
    if (!this.#running || this.nextOpenTime() === null) return this.#fedUntil;
    return Math.max(this.#fedUntil, Math.floor(this.#paced()));
  }

  /** Wall ms until the next bar is due at the current speed; null when not running or done. */
  msUntilNextDue(): number | null {
    if (!this.#running || typeof this.#speed !== "number") return null;
    const next = this.nextOpenTime();
    if (next === null) return null;
    const wait = (next + BAR_MS - this.marketNow()) / this.#speed;
    return Math.max(0, Math.ceil(wait));
  }

  /**
   * Takes the bars due now, at most `max`: with a numeric speed those complete by
   * {@link marketNow}; with `"max"` the next `max`; with `"manual"` none.
   */
  due(max: number): ReplayBar[] {
    if (this.#speed === "manual") return [];
    if (this.#speed === "max") return this.#takeWhile(() => true, max);
    if (!this.#running) return [];
    const now = this.marketNow();
    return this.#takeWhile((openTime) => openTime + BAR_MS <= now, max);
  }

  /** Takes every bar of the next `minutes` distinct open times (any speed). */
  take(minutes: number): ReplayBar[] {
    const out: ReplayBar[] = [];
    for (let m = 0; m < minutes; m++) {
      const t = this.nextOpenTime();
      if (t === null) break;
      out.push(...this.#takeWhile((openTime) => openTime === t, Infinity));
    }
    this.#reanchor();
    return out;
  }

  /** Takes every bar opening before `ts` (the warm-up before the replay window). */
  takeBefore(ts: number): ReplayBar[] {
    const out = this.#takeWhile((openTime) => openTime < ts, Infinity);
    this.#reanchor();
    return out;
  }

  /** Per symbol, the open time of the last bar fed. */
  cursor(): ReplayCursor {
    const out: ReplayCursor = {};
    this.#series.forEach((s, i) => {
      if (this.#pos[i] > 0) out[s.symbol] = s.openTime[this.#pos[i] - 1];
    });
    return out;
  }

  /**
   * The bars from the current position up to `cursor` (what was fed between two saved
   * cursors), in replay order, marking them fed.
   *
   * @throws RangeError when the cursor names a symbol not replayed, or an open time that is not a
   *   bar of the data (the data changed), or lies behind the current position.
   */
  takeTo(cursor: ReplayCursor): ReplayBar[] {
    for (const name of Object.keys(cursor)) {
      if (!this.#series.some((s) => s.symbol === name)) {
        throw new RangeError(`Cannot move the replay to a cursor naming ${name}: not replayed`);
      }
    }
    const target = this.#series.map((s, i) => {
      const t = cursor[s.symbol];
      if (t === undefined) return this.#pos[i];
      const k = lowerBound(s.openTime, t, s.length);
      if (k >= s.length || s.openTime[k] !== t) {
        throw new RangeError(`Cannot move the replay of ${s.symbol} to bar ${t}: no such bar`);
      }
      if (k + 1 < this.#pos[i]) {
        throw new RangeError(`Cannot move the replay of ${s.symbol} back to bar ${t}`);
      }
      return k + 1;
    });
    const out: ReplayBar[] = [];
    for (;;) {
      let k = -1;
      let best = Infinity;
      for (let i = 0; i < this.#series.length; i++) {
        const p = this.#pos[i];
        if (p < target[i] && this.#series[i].openTime[p] < best) {
          best = this.#series[i].openTime[p];
          k = i;
        }
      }
      if (k < 0) break;
      out.push(this.#advance(k));
    }
    this.#reanchor();
    return out;
  }

  /**
   * Marks everything up to `cursor` as fed without returning the bars (after restoring an engine
   * that already holds them).
   */
  seek(cursor: ReplayCursor): void {
    this.takeTo(cursor);
  }

  #takeWhile(ok: (openTime: number) => boolean, max: number): ReplayBar[] {
    const out: ReplayBar[] = [];
    while (out.length < max) {
      const k = this.#nextIndex();
      if (k < 0 || !ok(this.#series[k].openTime[this.#pos[k]])) break;
      out.push(this.#advance(k));
    }
    return out;
  }

  #advance(k: number): ReplayBar {
    const s = this.#series[k];
    const index = this.#pos[k]++;
    const end = s.openTime[index] + BAR_MS;
    if (end > this.#fedUntil) this.#fedUntil = end;
    return { symbol: s.symbol, series: s, index };
  }

  /** Keeps market time from jumping back after bars were fed outside pacing. */
  #reanchor(): void {
    if (this.#running && this.#paced() < this.#fedUntil) {
      this.#anchorWall = this.#clock();
      this.#anchorMarket = this.#fedUntil;
    }
  }

  /** Market time by the pacing formula alone (numeric speed). */
  #paced(): number {
    const speed = typeof this.#speed === "number" ? this.#speed : 0;
    return this.#anchorMarket + (this.#clock() - this.#anchorWall) * speed;
  }

  #nextIndex(): number {
    let k = -1;
    let best = Infinity;
    for (let i = 0; i < this.#series.length; i++) {
      const p = this.#pos[i];
      if (p < this.#end[i] && this.#series[i].openTime[p] < best) {
        best = this.#series[i].openTime[p];
        k = i;
      }
    }
    return k;
  }
}
