import { observationCount } from "./_checks.ts";
import { OnlineHmmFilter } from "./online_hmm_filter.ts";
import type { PreparedHmm } from "./prepared_hmm.ts";

/** The forward filter over a whole sequence. */
export interface FilterResult {
  T: number;
  /** P(z_t = k | x_0..x_t), row-major T*K. */
  filtered: Float64Array;
  /** c_t = log p(x_t | x_0..x_{t−1}), length T. */
  increments: Float64Array;
  /** Σ_t c_t. */
  loglik: number;
}

/**
 * Runs `OnlineHmmFilter` over every row of `x` (row-major T*D, T ≥ 1) and keeps what it holds
 * after each step, so the batch answer is exactly what the symbol actor sees event by event.
 */
export function filterHmm(hmm: PreparedHmm, x: Float64Array): FilterResult {
  const { K, D } = hmm;
  const T = observationCount(x, D);
  const filter = new OnlineHmmFilter(hmm);
  const filtered = new Float64Array(T * K);
  const increments = new Float64Array(T);
  let loglik = 0;
  for (let t = 0; t < T; t++) {
    const inc = filter.step(x, t * D);
    increments[t] = inc;
    loglik += inc;
    const lp = filter.logPosterior;
    for (let k = 0; k < K; k++) filtered[t * K + k] = Math.exp(lp[k]);
  }
  return { T, filtered, increments, loglik };
}
