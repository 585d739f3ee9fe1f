import { observationCount } from "./_checks.ts";
import type { PreparedHmm } from "./prepared_hmm.ts";

/** The most probable state path and its joint log-probability. */
export interface ViterbiResult {
  /** argmax_z p(x, z), length T, states 0..K−1. */
  path: Int32Array;
  /** log p(x, z = path); −Infinity when every path is impossible. */
  logProb: number;
}

/**
 * Viterbi decoding in log space (Rabiner 1989, eq. 32–35): δ_t(j) = max_i(δ_{t−1}(i) + log A_ij)
 * + log N(x_t; j). Ties go to the lowest state index at every back-pointer and at the final
 * argmax (a candidate replaces the best only when strictly greater). `x` row-major T*D, T ≥ 1.
 */
export function viterbiHmm(hmm: PreparedHmm, x: Float64Array): ViterbiResult {
  const { K, D } = hmm;
  const T = observationCount(x, D);
  const logA = hmm.logTransmat;
  const back = new Int32Array(T * K);
  let delta = new Float64Array(K);
  let next = new Float64Array(K);
  const logB = new Float64Array(K);
  hmm.logEmissions(x, 0, logB, 0);
  for (let j = 0; j < K; j++) delta[j] = hmm.logStartprob[j] + logB[j];
  for (let t = 1; t < T; t++) {
    hmm.logEmissions(x, t * D, logB, 0);
    for (let j = 0; j < K; j++) {
      let best = delta[0] + logA[j];
      let arg = 0;
      for (let i = 1; i < K; i++) {
        const v = delta[i] + logA[i * K + j];
        if (v > best) {
          best = v;
          arg = i;
        }
      }
      next[j] = best + logB[j];
      back[t * K + j] = arg;
    }
    const swap = delta;
    delta = next;
    next = swap;
  }
  let last = 0;
  for (let j = 1; j < K; j++) if (delta[j] > delta[last]) last = j;
  const path = new Int32Array(T);
  path[T - 1] = last;
  for (let t = T - 1; t > 0; t--) path[t - 1] = back[t * K + path[t]];
  return { path, logProb: delta[last] };
}
