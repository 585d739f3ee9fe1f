import { combineAndNormalize, normalizeLog } from "./_log_math.ts";
import { scaledForwardStep } from "./_scaled_forward_step.ts";
import type { PreparedHmm } from "./prepared_hmm.ts";

/** The whole state of an `OnlineHmmFilter`, as plain values (structured-clone and JSON safe). */
export interface OnlineHmmFilterSnapshot {
  /** Number of observations filtered so far; 0 means the next step starts from π. */
  steps: number;
  /**
   * log P(z_t = k | x_0..t) after the last step (length K). `null` stands for −Infinity, so
   * that a JSON round trip restores the same state.
   */
  logPosterior: Array<number | null>;
}

/**
 * The online forward filter the symbol actor holds: one `step` per event, in log space
 * (pred₀ = π, pred_t = filtered_{t−1}·A, filtered_t ∝ pred_t ⊙ N(x_t; ·); the prediction uses the
 * scaled form of `forwardStep`, K exponentials instead of K², exact fallback per column). A step
 * allocates nothing; the buffers are owned by the filter.
 *
 * Degenerate input: an observation whose density is 0 under every reachable state (only possible
 * when the quadratic form overflows, ~1e154 sd out) returns −Infinity and leaves the posterior at
 * the one-step prediction, so the filter never holds NaN.
 */
export class OnlineHmmFilter {
  readonly #hmm: PreparedHmm;
  readonly #post: Float64Array;
  readonly #next: Float64Array;
  readonly #logB: Float64Array;
  readonly #zeros: Float64Array;
  readonly #scratch: Float64Array;
  #steps = 0;

  constructor(hmm: PreparedHmm) {
    this.#hmm = hmm;
    this.#post = new Float64Array(hmm.K).fill(-Math.log(hmm.K));
    this.#next = new Float64Array(hmm.K);
    this.#logB = new Float64Array(hmm.K);
    this.#zeros = new Float64Array(hmm.K);
    this.#scratch = new Float64Array(hmm.K);
  }

  /** The model this filter runs. */
  get hmm(): PreparedHmm {
    return this.#hmm;
  }

  /** Observations filtered since construction, `reset` or the restored snapshot's count. */
  get steps(): number {
    return this.#steps;
  }

  /**
   * Filters one observation x[offset..offset+D) and returns c_t = log p(x_t | x_0..t−1)
   * (c_0 = log p(x_0)).
   */
  step(x: Float64Array, offset = 0): number {
    const hmm = this.#hmm;
    const K = hmm.K;
    const logB = this.#logB;
    const next = this.#next;
    hmm.logEmissions(x, offset, logB, 0);
    let inc: number;
    if (this.#steps === 0) {
      inc = combineAndNormalize(hmm.logStartprob, logB, 0, next);
      if (inc === -Infinity) {
        next.set(hmm.logStartprob);
        normalizeLog(next, 0, K);
      }
    } else {
      inc = scaledForwardStep(
        this.#post,
        hmm.transmat,
        hmm.logTransmat,
        logB,
        0,
        next,
        this.#scratch,
      );
      if (inc === -Infinity) {
        scaledForwardStep(
          this.#post,
          hmm.transmat,
          hmm.logTransmat,
          this.#zeros,
          0,
          next,
          this.#scratch,
        );
      }
    }
    this.#post.set(next);
    this.#steps++;
    return inc;
  }

  /**
   * log P(z_t = k | x_0..t), length K: the filter's own buffer, the same object for the filter's
   * whole life (read it, do not write it; it changes at the next step). Before the first step
   * it is uniform.
   */
  get logPosterior(): Float64Array {
    return this.#post;
  }

  /** Writes P(z_t = k | x_0..t) into `out` (length K) and returns it. */
  posteriors(out: Float64Array): Float64Array {
    for (let k = 0; k < this.#hmm.K; k++) out[k] = Math.exp(this.#post[k]);
    return out;
  }

  /** The most probable current state; ties go to the lowest index. */
  argmax(): number {
    let best = 0;
    for (let k = 1; k < this.#hmm.K; k++) if (this.#post[k] > this.#post[best]) best = k;
    return best;
  }

  /** The posterior probability of `argmax()`, in (0, 1]. */
  confidence(): number {
    return Math.exp(this.#post[this.argmax()]);
  }

  /** Forgets every observation: the next step starts again from π. */
  reset(): void {
    this.#steps = 0;
    this.#post.fill(-Math.log(this.#hmm.K));
  }

  /** The filter's state as plain values; `restore` continues bit-exactly from it. */
  snapshot(): OnlineHmmFilterSnapshot {
    return {
      steps: this.#steps,
      logPosterior: Array.from(this.#post, (v) => (v === -Infinity ? null : v)),
    };
  }

  /** Continues from a snapshot of a filter on the same model. Throws TypeError on a wrong shape. */
  restore(snapshot: OnlineHmmFilterSnapshot): void {
    const lp = snapshot.logPosterior;
    if (
      !Number.isInteger(snapshot.steps) || snapshot.steps < 0 || lp.length !== this.#hmm.K ||
      lp.some((v) => v !== null && (typeof v !== "number" || !(v < Infinity)))
    ) {
      throw new TypeError(
        `Cannot restore OnlineHmmFilter for K=${this.#hmm.K}: snapshot is ${
          JSON.stringify(snapshot)
        }`,
      );
    }
    for (let k = 0; k < lp.length; k++) this.#post[k] = lp[k] ?? -Infinity;
    this.#steps = snapshot.steps;
  }
}
