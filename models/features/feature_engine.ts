import { z } from "zod";
import { type BarFeatureSchema, ImbalanceSource } from "./bar_feature_schema.ts";
import type { FeatureBar } from "./feature_bar.ts";
import type { FeaturePipeline } from "./feature_pipeline.ts";
import { FeatureStatus } from "./feature_status.ts";

const DAY_MS = 86_400_000;
/** Prices outside [MIN_PRICE, MAX_PRICE] are treated as corrupt: squares and sums stay finite. */
const MIN_PRICE = 1e-12;
const MAX_PRICE = 1e12;
/** Volumes above this are treated as corrupt. */
const MAX_VOLUME = 1e18;

/**
 * Statistics of the current session: the UTC day (00:00–24:00 UTC) of the last accepted bar's
 * openTime. They restart with the first bar of each day.
 */
export interface SessionStats {
  /** UTC day number: floor(openTime / 86 400 000). */
  day: number;
  /** Open of the session's first bar. */
  open: number;
  high: number;
  low: number;
  /** Close of the last bar. */
  close: number;
  /** Base volume summed over the session. */
  volume: number;
  /**
   * Σ typical price × volume / Σ volume, typical price = (high + low + close) / 3. With no
   * session volume yet, the last close (so `vwap_dist` reads 0).
   */
  vwap: number;
  /** Bars accepted in the session. */
  bars: number;
}

/** The whole state of a `FeatureEngine` as plain JSON-able numbers; parse it at a boundary. */
export const FeatureEngineSnapshot = z.object({
  format: z.literal(1),
  /** Hash of the schema the engine ran; restoring into another schema fails. */
  schemaHash: z.string(),
  bars: z.number().int().nonnegative(),
  lastOpenTime: z.number(),
  prevClose: z.number(),
  sinceRecompute: z.number().int().nonnegative(),
  returns: z.array(z.number()),
  returnsHead: z.number().int().nonnegative(),
  returnsCount: z.number().int().nonnegative(),
  rvSums: z.array(z.number()),
  /** Σr, Σr², Σr·r₋₁, Σ|r|, Σ|r|·|r₋₁| over the autocorrelation window (v2; zeros in v1). */
  autocorrSums: z.array(z.number()).length(5),
  volumes: z.array(z.number()),
  volumesHead: z.number().int().nonnegative(),
  volumesCount: z.number().int().nonnegative(),
  /** shift, Σ(v − shift), Σ(v − shift)². */
  volumeSums: z.array(z.number()).length(3),
  /** fast EMA, slow EMA, imbalance values seen (capped at the slow span). */
  ema: z.array(z.number()).length(3),
  /** day, open, high, low, close, volume, vwap, bars, Σ typical price × volume. */
  session: z.array(z.number()).length(9),
  /** Standardisation ring, row-major standardizeWindow × dimension. */
  zRing: z.array(z.number()),
  zHead: z.number().int().nonnegative(),
  zCount: z.number().int().nonnegative(),
  zShift: z.array(z.number()),
  zSum1: z.array(z.number()),
  zSum2: z.array(z.number()),
});
/** The whole state of a `FeatureEngine`. */
export type FeatureEngineSnapshot = z.infer<typeof FeatureEngineSnapshot>;

/**
 * Per-symbol feature state for one `BarFeatureSchema`: feed it every bar in time order, it writes
 * the raw feature vector and the rolling-standardised one into caller-owned buffers.
 *
 * Columns (r_t = ln(close_t / close_{t−1})):
 * - `log_return`: r_t; not ready on the first bar.
 * - `rv_<n>`: per-bar realized volatility sqrt(Σ r² / n) over the last n returns (realized
 *   variance with the zero-mean convention, Andersen & Bollerslev 1998, divided by n so it stays
 *   a per-bar figure; ×1e4 gives basis points); ready after n returns.
 * - `range`: (high − low) / close.
 * - `volume_z_<n>`: (v − mean) / max(std, stdFloor) over the last n volumes, current included,
 *   population std; ready after n bars. Its magnitude is at most sqrt(n − 1).
 * - `clv`: ((close − low) − (high − close)) / (high − low); a bar with high == low has clv 0.
 *   `taker_imbalance`: (2·takerBuy − volume) / volume; a zero-volume bar has 0.
 * - `vwap_dist`: ln(close / session VWAP) (see `SessionStats`).
 * - v2 `ac1_<n>`, `abs_ac1_<n>`: lag-1 sample autocorrelation of r and of |r| over the last n
 *   returns, Σ(x_i − m)(x_{i−1} − m) / Σ(x_i − m)² (Box & Jenkins 1976), clamped to [−1, 1];
 *   0 when the window's variance is below stdFloor²; ready after n returns.
 * - v2 `<imbalance>_mom_<f>_<s>`: EMA_f − EMA_s of the imbalance, α = 2 / (span + 1), both seeded
 *   with the first value; ready after s bars.
 *
 * Standardisation: each column's z-score over the last `standardizeWindow` ready raw vectors,
 * current one included, with population std floored at stdFloor; a flat window gives exactly 0.
 * Running sums are shifted by a recent value and recomputed exactly every `standardizeWindow`
 * bars, so they do not drift. Not-ready columns and a not-ready standardised vector read 0: no
 * NaN or ±Infinity is ever written. A rejected bar (see `FeatureStatus.REJECTED`) changes nothing.
 *
 * `snapshot()` / `restore()` carry the whole state; a restored engine continues bit for bit.
 */
export class FeatureEngine implements FeaturePipeline {
  /** The schema this engine computes. */
  readonly schema: BarFeatureSchema;
  /** Number of columns. */
  readonly dimension: number;
  /** Accepted bars until every raw column is ready (that bar included). */
  readonly rawWarmupBars: number;
  /** Accepted bars until the first `ready` status: rawWarmupBars + standardizeWindow − 1. */
  readonly warmupBars: number;

  readonly #rvWindows: readonly number[];
  readonly #maxReturnWindow: number;
  readonly #volumeWindow: number;
  readonly #zWindow: number;
  readonly #floor: number;
  readonly #v2: boolean;
  readonly #acWindow: number;
  readonly #alphaFast: number;
  readonly #alphaSlow: number;
  readonly #emaSlowSpan: number;
  readonly #taker: boolean;

  #bars = 0;
  #lastOpenTime = 0;
  #prevClose = 0;
  #since = 0;
  readonly #ret: Float64Array;
  #retHead = 0;
  #retCount = 0;
  readonly #rvSum: Float64Array;
  readonly #ac = new Float64Array(5);
  readonly #vol: Float64Array;
  #volHead = 0;
  #volCount = 0;
  readonly #volSums = new Float64Array(3);
  readonly #ema = new Float64Array(3);
  readonly #session: SessionStats = {
    day: 0,
    open: 0,
    high: 0,
    low: 0,
    close: 0,
    volume: 0,
    vwap: 0,
    bars: 0,
  };
  #sessionPv = 0;
  readonly #zRing: Float64Array;
  #zHead = 0;
  #zCount = 0;
  readonly #zShift: Float64Array;
  readonly #zS1: Float64Array;
  readonly #zS2: Float64Array;

  /** A fresh engine (no bars seen) for `schema`. */
  constructor(schema: BarFeatureSchema) {
    const p = schema.params;
    this.schema = schema;
    this.dimension = schema.columns.length;
    this.#v2 = schema.version === 2;
    this.#rvWindows = [...p.rvWindows];
    this.#acWindow = this.#v2 ? p.autocorrWindow ?? 0 : 0;
    this.#maxReturnWindow = Math.max(1, ...p.rvWindows, this.#acWindow);
    this.#volumeWindow = p.volumeWindow;
    this.#zWindow = p.standardizeWindow;
    this.#floor = p.stdFloor;
    this.#emaSlowSpan = this.#v2 ? p.emaSlow ?? 0 : 1;
    this.#alphaFast = this.#v2 ? 2 / ((p.emaFast ?? 0) + 1) : 0;
    this.#alphaSlow = this.#v2 ? 2 / (this.#emaSlowSpan + 1) : 0;
    this.#taker = p.imbalance === ImbalanceSource.TAKER;
    if (this.#v2 && !(this.#acWindow >= 3 && this.#emaSlowSpan >= 2)) {
      throw new TypeError(
        `Cannot build a FeatureEngine: schema "${schema.name}" v2 lacks its v2 params`,
      );
    }
    this.#ret = new Float64Array(this.#maxReturnWindow);
    this.#rvSum = new Float64Array(p.rvWindows.length);
    this.#vol = new Float64Array(this.#volumeWindow);
    this.#zRing = new Float64Array(this.#zWindow * this.dimension);
    this.#zShift = new Float64Array(this.dimension);
    this.#zS1 = new Float64Array(this.dimension);
    this.#zS2 = new Float64Array(this.dimension);
    this.rawWarmupBars = Math.max(this.#maxReturnWindow + 1, this.#volumeWindow, this.#emaSlowSpan);
    this.warmupBars = this.rawWarmupBars + this.#zWindow - 1;
  }

  /** Accepted bars so far. */
  get barCount(): number {
    return this.#bars;
  }

  /** Whether the last accepted bar produced a `ready` status. */
  get ready(): boolean {
    return this.#zCount >= this.#zWindow;
  }

  /** The current session's statistics: a live view updated in place by `update()`; copy to keep. */
  get session(): Readonly<SessionStats> {
    return this.#session;
  }

  /**
   * Applies one bar and writes `raw[0..dimension)` and, when given, `standardized[0..dimension)`
   * (see the class comment for the columns). Returns `rejected` without touching anything for a
   * bad bar; otherwise `warming`, `raw_ready` or `ready`. Allocates nothing.
   * Throws `TypeError` when an output buffer is shorter than `dimension`.
   */
  update(bar: FeatureBar, raw: Float64Array, standardized?: Float64Array): FeatureStatus {
    const d = this.dimension;
    if (raw.length < d || (standardized !== undefined && standardized.length < d)) {
      throw new TypeError(
        `Cannot write features of schema "${this.schema.name}": output length is ${
          Math.min(raw.length, standardized?.length ?? d)
        }, need ${d}`,
      );
    }
    const t = bar.openTime, o = bar.open, h = bar.high, l = bar.low, c = bar.close, v = bar.volume;
    const valid = Number.isFinite(t) && isPrice(o) && isPrice(h) && isPrice(l) && isPrice(c) &&
      v >= 0 && v <= MAX_VOLUME && l <= o && l <= c && h >= o && h >= c;
    if (!valid || (this.#bars > 0 && !(t > this.#lastOpenTime))) return FeatureStatus.REJECTED;
    let imbalance: number;
    if (this.#taker) {
      const tb = bar.takerBuyVolume;
      if (tb === undefined || !(tb >= 0 && tb <= v)) return FeatureStatus.REJECTED;
      imbalance = v > 0 ? (2 * tb - v) / v : 0;
    } else {
      imbalance = h > l ? ((c - l) - (h - c)) / (h - l) : 0;
    }

    // The bar is accepted: commit it.
    const hasReturn = this.#bars > 0;
    const r = hasReturn ? Math.log(c / this.#prevClose) : 0;
    this.#updateSession(t, o, h, l, c, v, !hasReturn);
    this.#bars++;
    this.#lastOpenTime = t;
    this.#prevClose = c;
    if (hasReturn) this.#pushReturn(r);
    const volumeZ = this.#pushVolume(v);
    this.#pushImbalance(imbalance);

    const rc = this.#retCount;
    let j = 0;
    raw[j++] = r;
    for (let i = 0; i < this.#rvWindows.length; i++) {
      const n = this.#rvWindows[i];
      raw[j++] = rc >= n ? Math.sqrt(Math.max(0, this.#rvSum[i]) / n) : 0;
    }
    raw[j++] = (h - l) / c;
    raw[j++] = this.#volCount >= this.#volumeWindow ? volumeZ : 0;
    raw[j++] = imbalance;
    raw[j++] = Math.log(c / this.#session.vwap);
    let rawReady = rc >= this.#maxReturnWindow && this.#volCount >= this.#volumeWindow;
    if (this.#v2) {
      const n = this.#acWindow, ac = this.#ac;
      const full = rc >= n;
      const first = full ? this.#ago(n - 1) : 0;
      const varFloor = this.#floor * this.#floor;
      raw[j++] = full ? lag1(ac[0], ac[1], ac[2], first, r, n, varFloor) : 0;
      raw[j++] = full ? lag1(ac[3], ac[1], ac[4], Math.abs(first), Math.abs(r), n, varFloor) : 0;
      const emaReady = this.#ema[2] >= this.#emaSlowSpan;
      raw[j++] = emaReady ? this.#ema[0] - this.#ema[1] : 0;
      rawReady = rawReady && emaReady;
    }

    let status: FeatureStatus = FeatureStatus.WARMING;
    if (rawReady) {
      this.#pushStandardize(raw);
      status = this.#zCount >= this.#zWindow ? FeatureStatus.READY : FeatureStatus.RAW_READY;
    }
    if (standardized !== undefined) {
      if (status === FeatureStatus.READY) this.#writeStandardized(raw, standardized);
      else standardized.fill(0, 0, d);
    }
    if (++this.#since >= this.#zWindow) {
      this.#recompute();
      this.#since = 0;
    }
    return status;
  }

  /** The engine's whole state as plain numbers (JSON-able); allocates. */
  snapshot(): FeatureEngineSnapshot {
    const s = this.#session;
    return {
      format: 1,
      schemaHash: this.schema.hash,
      bars: this.#bars,
      lastOpenTime: this.#lastOpenTime,
      prevClose: this.#prevClose,
      sinceRecompute: this.#since,
      returns: Array.from(this.#ret),
      returnsHead: this.#retHead,
      returnsCount: this.#retCount,
      rvSums: Array.from(this.#rvSum),
      autocorrSums: Array.from(this.#ac),
      volumes: Array.from(this.#vol),
      volumesHead: this.#volHead,
      volumesCount: this.#volCount,
      volumeSums: Array.from(this.#volSums),
      ema: Array.from(this.#ema),
      session: [s.day, s.open, s.high, s.low, s.close, s.volume, s.vwap, s.bars, this.#sessionPv],
      zRing: Array.from(this.#zRing),
      zHead: this.#zHead,
      zCount: this.#zCount,
      zShift: Array.from(this.#zShift),
      zSum1: Array.from(this.#zS1),
      zSum2: Array.from(this.#zS2),
    };
  }

  /**
   * Replaces the engine's state with a `snapshot()` taken from an engine of the same schema; the
   * engine then continues exactly as the original would. Throws `TypeError` when the snapshot
   * was taken under another schema hash or its arrays do not fit this schema.
   */
  restore(snapshot: FeatureEngineSnapshot): void {
    const where =
      `Cannot restore FeatureEngine of schema "${this.schema.name}" (hash ${this.schema.hash})`;
    if (snapshot.schemaHash !== this.schema.hash) {
      throw new TypeError(`${where}: snapshot has schema hash ${snapshot.schemaHash}`);
    }
    const sizes: Array<[string, readonly number[], number]> = [
      ["returns", snapshot.returns, this.#ret.length],
      ["rvSums", snapshot.rvSums, this.#rvSum.length],
      ["volumes", snapshot.volumes, this.#vol.length],
      ["zRing", snapshot.zRing, this.#zRing.length],
      ["zShift", snapshot.zShift, this.dimension],
      ["zSum1", snapshot.zSum1, this.dimension],
      ["zSum2", snapshot.zSum2, this.dimension],
    ];
    for (const [field, values, length] of sizes) {
      if (values.length !== length) {
        throw new TypeError(`${where}: ${field} has length ${values.length}, need ${length}`);
      }
    }
    const ranges: Array<[string, number, number]> = [
      ["returnsHead", snapshot.returnsHead, this.#ret.length - 1],
      ["returnsCount", snapshot.returnsCount, this.#ret.length],
      ["volumesHead", snapshot.volumesHead, this.#vol.length - 1],
      ["volumesCount", snapshot.volumesCount, this.#vol.length],
      ["zHead", snapshot.zHead, this.#zWindow - 1],
      ["zCount", snapshot.zCount, this.#zWindow],
      ["sinceRecompute", snapshot.sinceRecompute, this.#zWindow - 1],
    ];
    for (const [field, value, max] of ranges) {
      if (value > max) throw new TypeError(`${where}: ${field} is ${value}, at most ${max}`);
    }
    this.#bars = snapshot.bars;
    this.#lastOpenTime = snapshot.lastOpenTime;
    this.#prevClose = snapshot.prevClose;
    this.#since = snapshot.sinceRecompute;
    this.#ret.set(snapshot.returns);
    this.#retHead = snapshot.returnsHead;
    this.#retCount = snapshot.returnsCount;
    this.#rvSum.set(snapshot.rvSums);
    this.#ac.set(snapshot.autocorrSums);
    this.#vol.set(snapshot.volumes);
    this.#volHead = snapshot.volumesHead;
    this.#volCount = snapshot.volumesCount;
    this.#volSums.set(snapshot.volumeSums);
    this.#ema.set(snapshot.ema);
    const [day, open, high, low, close, volume, vwap, bars, pv] = snapshot.session;
    Object.assign(this.#session, { day, open, high, low, close, volume, vwap, bars });
    this.#sessionPv = pv;
    this.#zRing.set(snapshot.zRing);
    this.#zHead = snapshot.zHead;
    this.#zCount = snapshot.zCount;
    this.#zShift.set(snapshot.zShift);
    this.#zS1.set(snapshot.zSum1);
    this.#zS2.set(snapshot.zSum2);
  }

  #updateSession(
    t: number,
    o: number,
    h: number,
    l: number,
    c: number,
    v: number,
    first: boolean,
  ): void {
    const s = this.#session;
    const day = Math.floor(t / DAY_MS);
    const tp = (h + l + c) / 3;
    if (first || day !== s.day) {
      s.day = day;
      s.open = o;
      s.high = h;
      s.low = l;
      s.volume = v;
      s.bars = 1;
      this.#sessionPv = tp * v;
    } else {
      if (h > s.high) s.high = h;
      if (l < s.low) s.low = l;
      s.volume += v;
      s.bars++;
      this.#sessionPv += tp * v;
    }
    s.close = c;
    s.vwap = s.volume > 0 ? this.#sessionPv / s.volume : c;
  }

  /** The return pushed k bars ago (k = 0: the latest); k < capacity. */
  #ago(k: number): number {
    const cap = this.#ret.length;
    return this.#ret[(this.#retHead - 1 - k + 2 * cap) % cap];
  }

  #pushReturn(r: number): void {
    const rc = this.#retCount;
    for (let i = 0; i < this.#rvWindows.length; i++) {
      const n = this.#rvWindows[i];
      if (rc >= n) {
        const old = this.#ago(n - 1);
        this.#rvSum[i] -= old * old;
      }
      this.#rvSum[i] += r * r;
    }
    if (this.#v2) {
      const n = this.#acWindow, ac = this.#ac;
      if (rc >= n) {
        const x = this.#ago(n - 1), y = this.#ago(n - 2);
        ac[0] -= x;
        ac[1] -= x * x;
        ac[2] -= x * y;
        ac[3] -= Math.abs(x);
        ac[4] -= Math.abs(x) * Math.abs(y);
      }
      if (rc >= 1) {
        const p = this.#ago(0);
        ac[2] += p * r;
        ac[4] += Math.abs(p) * Math.abs(r);
      }
      ac[0] += r;
      ac[1] += r * r;
      ac[3] += Math.abs(r);
    }
    const cap = this.#ret.length;
    this.#ret[this.#retHead] = r;
    this.#retHead = (this.#retHead + 1) % cap;
    if (rc < cap) this.#retCount = rc + 1;
  }

  /** Pushes a volume and returns its z-score over the window (meaningful once it is full). */
  #pushVolume(v: number): number {
    const n = this.#volumeWindow, s = this.#volSums;
    if (this.#volCount === 0) s[0] = v;
    if (this.#volCount >= n) {
      const old = this.#vol[this.#volHead] - s[0];
      s[1] -= old;
      s[2] -= old * old;
    } else {
      this.#volCount++;
    }
    const dv = v - s[0];
    s[1] += dv;
    s[2] += dv * dv;
    this.#vol[this.#volHead] = v;
    this.#volHead = (this.#volHead + 1) % n;
    const count = this.#volCount;
    const m = s[1] / count;
    const sd = Math.max(Math.sqrt(Math.max(0, s[2] / count - m * m)), this.#floor);
    return (dv - m) / sd;
  }

  #pushImbalance(x: number): void {
    if (!this.#v2) return;
    const e = this.#ema;
    if (e[2] === 0) {
      e[0] = x;
      e[1] = x;
    } else {
      e[0] += this.#alphaFast * (x - e[0]);
      e[1] += this.#alphaSlow * (x - e[1]);
    }
    if (e[2] < this.#emaSlowSpan) e[2]++;
  }

  #pushStandardize(x: Float64Array): void {
    const d = this.dimension, base = this.#zHead * d, ring = this.#zRing;
    const shift = this.#zShift, s1 = this.#zS1, s2 = this.#zS2;
    const full = this.#zCount >= this.#zWindow;
    if (this.#zCount === 0) { for (let j = 0; j < d; j++) shift[j] = x[j]; }
    for (let j = 0; j < d; j++) {
      if (full) {
        const old = ring[base + j] - shift[j];
        s1[j] -= old;
        s2[j] -= old * old;
      }
      const dn = x[j] - shift[j];
      s1[j] += dn;
      s2[j] += dn * dn;
      ring[base + j] = x[j];
    }
    this.#zHead = (this.#zHead + 1) % this.#zWindow;
    if (!full) this.#zCount++;
  }

  #writeStandardized(x: Float64Array, out: Float64Array): void {
    const n = this.#zCount, shift = this.#zShift, s1 = this.#zS1, s2 = this.#zS2;
    for (let j = 0; j < this.dimension; j++) {
      const m = s1[j] / n;
      const sd = Math.max(Math.sqrt(Math.max(0, s2[j] / n - m * m)), this.#floor);
      out[j] = (x[j] - shift[j] - m) / sd;
    }
  }

  /** Exact recomputation of every running sum from the rings, against drift. */
  #recompute(): void {
    const rc = this.#retCount;
    for (let i = 0; i < this.#rvWindows.length; i++) {
      const n = Math.min(this.#rvWindows[i], rc);
      let s = 0;
      for (let k = n - 1; k >= 0; k--) {
        const x = this.#ago(k);
        s += x * x;
      }
      this.#rvSum[i] = s;
    }
    if (this.#v2) {
      const n = Math.min(this.#acWindow, rc), ac = this.#ac;
      ac.fill(0);
      for (let k = n - 1; k >= 0; k--) {
        const x = this.#ago(k);
        ac[0] += x;
        ac[1] += x * x;
        ac[3] += Math.abs(x);
        if (k < n - 1) {
          const prev = this.#ago(k + 1);
          ac[2] += prev * x;
          ac[4] += Math.abs(prev) * Math.abs(x);
        }
      }
    }
    if (this.#volCount > 0) {
      const n = this.#volumeWindow, cap = this.#vol.length, s = this.#volSums;
      s[0] = this.#vol[(this.#volHead - 1 + cap) % cap];
      s[1] = 0;
      s[2] = 0;
      for (let k = 0; k < Math.min(n, this.#volCount); k++) {
        const dv = this.#vol[(this.#volHead - 1 - k + 2 * cap) % cap] - s[0];
        s[1] += dv;
        s[2] += dv * dv;
      }
    }
    if (this.#zCount > 0) {
      const d = this.dimension, w = this.#zWindow, ring = this.#zRing;
      const latest = ((this.#zHead - 1 + w) % w) * d;
      for (let j = 0; j < d; j++) {
        const shift = ring[latest + j];
        let s1 = 0, s2 = 0;
        for (let k = 0; k < this.#zCount; k++) {
          const dx = ring[((this.#zHead - 1 - k + 2 * w) % w) * d + j] - shift;
          s1 += dx;
          s2 += dx * dx;
        }
        this.#zShift[j] = shift;
        this.#zS1[j] = s1;
        this.#zS2[j] = s2;
      }
    }
  }
}

function isPrice(x: number): boolean {
  return x >= MIN_PRICE && x <= MAX_PRICE;
}

/**
 * Lag-1 sample autocorrelation from running sums over a full window of n values:
 * s1 = Σx, s2 = Σx², sl = Σ x_i·x_{i−1} over the n − 1 adjacent pairs, first/last = the window's
 * oldest and newest values. 0 when the window variance is at most varFloor.
 */
function lag1(
  s1: number,
  s2: number,
  sl: number,
  first: number,
  last: number,
  n: number,
  varFloor: number,
): number {
  const m = s1 / n;
  const den = s2 - s1 * m;
  if (!(den > n * varFloor)) return 0;
  const num = sl - m * (2 * s1 - first - last) + (n - 1) * m * m;
  const rho = num / den;
  return rho > 1 ? 1 : rho < -1 ? -1 : rho;
}
