import { checkFinite, checkStochasticMatrix } from "./_checks.ts";
import { HmmInputError } from "./hmm_input_error.ts";
import { klRate } from "./kl_transmat.ts";
import { stationaryDistribution } from "./stationary_distribution.ts";

/** Options of `TransitionMonitor`. */
export interface TransitionMonitorOptions {
  /** KL rate (nats per step) above which drift is flagged. */
  threshold: number;
  /** Drift clears only once the KL rate falls below this (hysteresis, < threshold). @default {threshold / 2} */
  clearBelow?: number;
  /** Forgetting factor λ in (0, 1): counts ← λ·counts + ξ_t (memory ≈ 1/(1−λ) steps). @default {0.995} */
  forgetting?: number;
  /** Pseudo-transitions per row drawn from the trained matrix, so rarely visited rows stay near it and the live matrix has no zeros where the trained one has mass. @default {10} */
  priorWeight?: number;
  /** Observed transitions before drift may be flagged. @default {0} */
  warmup?: number;
}

/** The monitor's whole state as plain values (structured-clone and JSON safe). */
export interface TransitionMonitorSnapshot {
  /** Discounted expected transition counts, row-major K*K. */
  counts: number[];
  /** The last posterior seen (length K), or null before the first. */
  previous: number[] | null;
  /** Transitions observed so far. */
  transitions: number;
  drift: boolean;
  /** The last KL rate; null before the first transition or when it is +Infinity. */
  kl: number | null;
}

/**
 * Watches whether the live chain still moves like the trained one. From consecutive filtered
 * posteriors it accumulates expected transition counts with exponential forgetting — the
 * filtered two-slice marginal ξ_t(i,j) = φ_{t−1}(i)·A_ij·φ_t(j)/pred_t(j), pred_t = φ_{t−1}·A —
 * turns them into a live row-stochastic matrix Q_ij = (C_ij + w·A_ij)/(Σ_j C_ij + w), and
 * measures the stationary-weighted KL rate Σ_i π_A[i] KL(A_i· ‖ Q_i·) (`klTransmat`). The drift
 * flag rises when that rate exceeds `threshold` and clears only below `clearBelow`.
 * `observe` allocates nothing.
 */
export class TransitionMonitor {
  readonly #K: number;
  readonly #trained: Float64Array;
  readonly #stationary: Float64Array;
  readonly #threshold: number;
  readonly #clearBelow: number;
  readonly #lambda: number;
  readonly #prior: number;
  readonly #warmup: number;
  readonly #counts: Float64Array;
  readonly #live: Float64Array;
  readonly #rowKl: Float64Array;
  readonly #prev: Float64Array;
  readonly #pred: Float64Array;
  #hasPrev = false;
  #transitions = 0;
  #drift = false;
  #kl = 0;

  /**
   * @param trained the trained (in-service) transition matrix, row-major K*K; throws
   *   `HmmInputError` (`shape_mismatch`, `non_finite`, `not_stochastic`) when unusable and
   *   RangeError for inconsistent options.
   */
  constructor(trained: Float64Array, options: TransitionMonitorOptions) {
    const K = Math.round(Math.sqrt(trained.length));
    if (K < 1 || K * K !== trained.length) {
      throw new HmmInputError(
        "shape_mismatch",
        `Cannot monitor a transition matrix of length ${trained.length}`,
      );
    }
    checkFinite(trained, "the trained transmat");
    checkStochasticMatrix(trained, K, "the trained transmat");
    const threshold = options.threshold;
    const clearBelow = options.clearBelow ?? threshold / 2;
    const lambda = options.forgetting ?? 0.995;
    const prior = options.priorWeight ?? 10;
    const warmup = options.warmup ?? 0;
    if (!(threshold > 0) || !(clearBelow >= 0 && clearBelow < threshold)) {
      throw new RangeError(
        `Cannot monitor drift with threshold=${threshold}, clearBelow=${clearBelow}: need 0 ≤ clearBelow < threshold`,
      );
    }
    if (!(lambda > 0 && lambda < 1)) {
      throw new RangeError(`Cannot monitor drift with forgetting=${lambda}`);
    }
    if (!(prior > 0)) throw new RangeError(`Cannot monitor drift with priorWeight=${prior}`);
    if (!Number.isInteger(warmup) || warmup < 0) {
      throw new RangeError(`Cannot monitor drift with warmup=${warmup}`);
    }
    this.#K = K;
    this.#trained = trained.slice();
    this.#stationary = stationaryDistribution(this.#trained);
    this.#threshold = threshold;
    this.#clearBelow = clearBelow;
    this.#lambda = lambda;
    this.#prior = prior;
    this.#warmup = warmup;
    this.#counts = new Float64Array(K * K);
    this.#live = new Float64Array(K * K);
    this.#rowKl = new Float64Array(K);
    this.#prev = new Float64Array(K);
    this.#pred = new Float64Array(K);
    this.#refresh();
  }

  /**
   * Takes the filtered posterior after one more event (probabilities, length K) and returns the
   * KL rate after the update (0 at the first call, which only stores the posterior).
   */
  observe(posterior: Float64Array): number {
    const K = this.#K;
    if (!this.#hasPrev) {
      this.#prev.set(posterior);
      this.#hasPrev = true;
      return this.#kl;
    }
    const A = this.#trained;
    const prev = this.#prev;
    const pred = this.#pred;
    for (let j = 0; j < K; j++) {
      let s = 0;
      for (let i = 0; i < K; i++) s += prev[i] * A[i * K + j];
      pred[j] = s;
    }
    const C = this.#counts;
    const lambda = this.#lambda;
    for (let i = 0; i < K; i++) {
      for (let j = 0; j < K; j++) {
        const xi = pred[j] > 0 ? (prev[i] * A[i * K + j] * posterior[j]) / pred[j] : 0;
        C[i * K + j] = lambda * C[i * K + j] + xi;
      }
    }
    this.#prev.set(posterior);
    this.#transitions++;
    this.#refresh();
    if (!this.#drift && this.#kl > this.#threshold && this.#transitions >= this.#warmup) {
      this.#drift = true;
    } else if (this.#drift && this.#kl < this.#clearBelow) this.#drift = false;
    return this.#kl;
  }

  #refresh(): void {
    const K = this.#K;
    const w = this.#prior;
    for (let i = 0; i < K; i++) {
      let s = 0;
      for (let j = 0; j < K; j++) s += this.#counts[i * K + j];
      for (let j = 0; j < K; j++) {
        this.#live[i * K + j] = (this.#counts[i * K + j] + w * this.#trained[i * K + j]) / (s + w);
      }
    }
    this.#kl = klRate(this.#trained, this.#live, this.#stationary, this.#rowKl);
  }

  /** Whether drift is currently flagged. */
  get drift(): boolean {
    return this.#drift;
  }

  /** The KL rate of the live matrix from the trained one after the last update (nats per step). */
  get kl(): number {
    return this.#kl;
  }

  /** The live row-stochastic matrix, row-major K*K (the monitor's buffer: read only). */
  get liveTransmat(): Float64Array {
    return this.#live;
  }

  /** Row KLs of the live matrix from the trained one, length K (read only). */
  get rowKl(): Float64Array {
    return this.#rowKl;
  }

  /** The monitor's state; `restore` continues bit-exactly from it. */
  snapshot(): TransitionMonitorSnapshot {
    return {
      counts: Array.from(this.#counts),
      previous: this.#hasPrev ? Array.from(this.#prev) : null,
      transitions: this.#transitions,
      drift: this.#drift,
      kl: Number.isFinite(this.#kl) ? this.#kl : null,
    };
  }

  /** Continues from a snapshot of a monitor with the same K. Throws TypeError on a wrong shape. */
  restore(s: TransitionMonitorSnapshot): void {
    const K = this.#K;
    const finite = (v: unknown) => typeof v === "number" && Number.isFinite(v);
    if (
      s.counts.length !== K * K || !s.counts.every(finite) ||
      (s.previous !== null && (s.previous.length !== K || !s.previous.every(finite))) ||
      !Number.isInteger(s.transitions) || s.transitions < 0
    ) {
      throw new TypeError(
        `Cannot restore TransitionMonitor for K=${K}: snapshot is ${JSON.stringify(s)}`,
      );
    }
    this.#counts.set(s.counts);
    this.#hasPrev = s.previous !== null;
    if (s.previous !== null) this.#prev.set(s.previous);
    this.#transitions = s.transitions;
    this.#drift = s.drift;
    this.#refresh();
  }
}
