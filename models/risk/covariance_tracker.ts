import { z } from "zod";

/** Variances below this (log-return², i.e. 0.01 bp per bar) are raised to it in the guarded matrix. */
const VARIANCE_FLOOR = 1e-12;
/** A Cholesky pivot of the unit-diagonal correlation matrix must exceed this to count as PD. */
const MIN_PIVOT = 1e-10;
/** Shrinkage intensities tried in order until the matrix is positive definite. */
const SHRINK_STEPS = 20;

/** The whole state of a `CovarianceTracker` as plain JSON; parse it at a boundary. */
export const CovarianceSnapshot = z.object({
  format: z.literal(1),
  symbols: z.array(z.string().min(1)).min(1),
  halfLifeBars: z.number().positive(),
  bars: z.number().int().nonnegative(),
  /** Row-major n×n EWMA sums of r_i·r_j. */
  sums: z.array(z.number()),
  /** Row-major n×n EWMA weights of the pairs. */
  weights: z.array(z.number().min(0).max(1)),
});
/** The whole state of a `CovarianceTracker`. */
export type CovarianceSnapshot = z.infer<typeof CovarianceSnapshot>;

/**
 * Exponentially weighted covariance of the symbols' 1-bar log returns (RiskMetrics 1996 zero-mean
 * EWMA, λ = 2^(−1/halfLifeBars)), updated in place once per bar, with a positive-definiteness
 * guard.
 *
 * Per pair (i, j) with both returns finite at a bar: `S_ij ← λ·S_ij + (1 − λ)·r_i·r_j` and
 * `W_ij ← λ·W_ij + (1 − λ)`; a pair with a missing (non-finite) return is left unchanged. The raw
 * estimate is `R_ij = S_ij / W_ij` (bias-corrected for the start; 0 while W_ij = 0). Because
 * pairs may see different bars, R need not be positive semi-definite.
 *
 * Guard (`covariance()`): the raw matrix becomes a correlation matrix C (variances floored at
 * 1e-12; a symbol without variance has correlation 0), and C is tested by Cholesky with pivots
 * > 1e-10. If that fails, C is shrunk toward its diagonal, `C(α) = (1 − α)·C + α·I`, for
 * α = 0.05, 0.10, …, 1 until the test passes (Ledoit & Wolf 2004 shrink toward a diagonal target,
 * with the intensity found by this ladder rather than estimated). The guarded covariance is
 * `Σ_ij = C(α)_ij·√(D_i·D_j)` with D the floored variances; `shrinkage` reports α (0 when the raw
 * matrix was used). The raw matrix is never returned.
 *
 * Warm-up: `isReady()` is true once every pair has W ≥ 0.5, i.e. at least `halfLifeBars` bars
 * with both returns; before that the estimate is too noisy to block on (one bar gives |ρ| = 1).
 */
export class CovarianceTracker {
  /** Symbol of each row/column. */
  readonly symbols: readonly string[];
  /** n, the number of symbols. */
  readonly size: number;
  readonly halfLifeBars: number;
  readonly #lambda: number;
  readonly #s: Float64Array;
  readonly #w: Float64Array;
  readonly #cov: Float64Array;
  readonly #c: Float64Array;
  readonly #l: Float64Array;
  readonly #d: Float64Array;
  #bars = 0;
  #dirty = true;
  #shrinkage = 0;

  /**
   * @param symbols the tracked symbols, unique, n ≥ 1.
   * Throws `RangeError` for no symbols, a duplicate, or halfLifeBars not finite and > 0.
   */
  constructor(symbols: readonly string[], options: { halfLifeBars: number }) {
    const h = options.halfLifeBars;
    if (symbols.length === 0 || new Set(symbols).size !== symbols.length) {
      throw new RangeError(`Cannot track covariance: symbols are [${symbols}]`);
    }
    if (!(h > 0 && h < Infinity)) {
      throw new RangeError(`Cannot track covariance: halfLifeBars is ${h}`);
    }
    const n = symbols.length;
    this.symbols = Object.freeze(symbols.slice());
    this.size = n;
    this.halfLifeBars = h;
    this.#lambda = Math.pow(2, -1 / h);
    this.#s = new Float64Array(n * n);
    this.#w = new Float64Array(n * n);
    this.#cov = new Float64Array(n * n);
    this.#c = new Float64Array(n * n);
    this.#l = new Float64Array(n * n);
    this.#d = new Float64Array(n);
  }

  /** Row of `symbol`, or −1. */
  indexOf(symbol: string): number {
    return this.symbols.indexOf(symbol);
  }

  /** Bars applied by `update()`. */
  get bars(): number {
    return this.#bars;
  }

  /** Shrinkage intensity α of the last guarded matrix: 0 = the raw estimate was PD. */
  get shrinkage(): number {
    if (this.#dirty) this.#guard();
    return this.#shrinkage;
  }

  /**
   * Applies one bar: `returns[i]` is symbol i's log return over the bar; NaN (or any non-finite
   * value) means missing. Allocates nothing. Throws `TypeError` for a wrong length.
   */
  update(returns: ArrayLike<number>): void {
    const n = this.size;
    if (returns.length !== n) {
      throw new TypeError(`Cannot update covariance: ${returns.length} returns for ${n} symbols`);
    }
    const lam = this.#lambda, a = 1 - lam, s = this.#s, w = this.#w;
    for (let i = 0; i < n; i++) {
      const ri = returns[i];
      if (!Number.isFinite(ri)) continue;
      for (let j = i; j < n; j++) {
        const rj = returns[j];
        if (!Number.isFinite(rj)) continue;
        const ij = i * n + j;
        s[ij] = lam * s[ij] + a * ri * rj;
        w[ij] = lam * w[ij] + a;
        if (j !== i) {
          s[j * n + i] = s[ij];
          w[j * n + i] = w[ij];
        }
      }
    }
    this.#bars++;
    this.#dirty = true;
  }

  /**
   * True once every pair has weight ≥ 0.5 (within 1e-12), i.e. at least halfLifeBars joint bars.
   */
  isReady(): boolean {
    const w = this.#w;
    for (let k = 0; k < w.length; k++) if (!(w[k] >= 0.5 - 1e-12)) return false;
    return true;
  }

  /**
   * The guarded covariance, row-major n×n, per-bar log-return units. A view of an internal
   * buffer, valid until the next `update()`: read it, do not keep or write it.
   */
  covariance(): Float64Array {
    if (this.#dirty) this.#guard();
    return this.#cov;
  }

  /** Correlation of symbols i and j from the guarded matrix (1 on the diagonal). */
  correlation(i: number, j: number): number {
    if (this.#dirty) this.#guard();
    return i === j ? 1 : this.#c[i * this.size + j];
  }

  /** The raw (unguarded) estimate R_ij, for tests and diagnostics; 0 while W_ij = 0. */
  rawCovariance(i: number, j: number): number {
    const k = i * this.size + j;
    return this.#w[k] > 0 ? this.#s[k] / this.#w[k] : 0;
  }

  /** The whole state as plain JSON. */
  snapshot(): CovarianceSnapshot {
    return {
      format: 1,
      symbols: this.symbols.slice(),
      halfLifeBars: this.halfLifeBars,
      bars: this.#bars,
      sums: Array.from(this.#s),
      weights: Array.from(this.#w),
    };
  }

  /**
   * A tracker from a snapshot; continues bit for bit. Throws `TypeError` when the snapshot does not
   * parse or its arrays are not n×n.
   */
  static restore(snapshot: unknown): CovarianceTracker {
    const parsed = CovarianceSnapshot.safeParse(snapshot);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new TypeError(
        `Cannot restore a covariance tracker at ${
          issue.path.join(".") || "(root)"
        }: ${issue.message}`,
      );
    }
    const snap = parsed.data;
    const t = new CovarianceTracker(snap.symbols, { halfLifeBars: snap.halfLifeBars });
    const nn = t.size * t.size;
    if (snap.sums.length !== nn || snap.weights.length !== nn) {
      throw new TypeError(
        `Cannot restore a covariance tracker: arrays hold ${snap.sums.length} and ${snap.weights.length} values, need ${nn}`,
      );
    }
    t.#s.set(snap.sums);
    t.#w.set(snap.weights);
    t.#bars = snap.bars;
    return t;
  }

  #guard(): void {
    const n = this.size, s = this.#s, w = this.#w, c = this.#c, d = this.#d;
    const have = (k: number) => w[k] > 0;
    for (let i = 0; i < n; i++) {
      const k = i * n + i;
      d[i] = Math.max(have(k) ? s[k] / w[k] : 0, VARIANCE_FLOOR);
    }
    for (let i = 0; i < n; i++) {
      const ii = i * n + i;
      c[ii] = 1;
      for (let j = i + 1; j < n; j++) {
        const ij = i * n + j;
        const r = have(ij) && have(ii) && have(j * n + j)
          ? s[ij] / w[ij] / Math.sqrt(d[i] * d[j])
          : 0;
        c[ij] = r;
        c[j * n + i] = r;
      }
    }
    let alpha = 0;
    if (!unitCholeskyOk(c, n, this.#l, 1)) {
      for (let step = 1; step <= SHRINK_STEPS; step++) {
        alpha = step / SHRINK_STEPS;
        if (unitCholeskyOk(c, n, this.#l, 1 - alpha)) break;
      }
      const keep = 1 - alpha;
      for (let k = 0; k < n * n; k++) if (k % (n + 1) !== 0) c[k] *= keep;
    }
    this.#shrinkage = alpha;
    const cov = this.#cov;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) cov[i * n + j] = c[i * n + j] * Math.sqrt(d[i] * d[j]);
    }
    this.#dirty = false;
  }
}

/**
 * Cholesky of the unit-diagonal matrix I + keep·(C − I) (Golub & Van Loan 2013, alg. 4.2.1),
 * into scratch `l`; true when every pivot exceeds MIN_PIVOT.
 */
function unitCholeskyOk(c: Float64Array, n: number, l: Float64Array, keep: number): boolean {
  for (let j = 0; j < n; j++) {
    let s = 1;
    for (let k = 0; k < j; k++) s -= l[j * n + k] * l[j * n + k];
    if (!(s > MIN_PIVOT)) return false;
    const ljj = Math.sqrt(s);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let t = keep * c[i * n + j];
      for (let k = 0; k < j; k++) t -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = t / ljj;
    }
  }
  return true;
}
