import { combineAndNormalize } from "./_log_math.ts";

/** A scaled sum below this is recomputed column-wise in log space (it may have lost terms). */
const TINY = 1e-290;

/**
 * `forwardStep` with K exponentials instead of K²: the prediction is Σ_i exp(prev_i − M)·A_ij
 * with M = max prev (each scaled weight ≤ 1, a sum of non-negative terms, so relative error
 * ≤ K·ε), then log + M. A column whose scaled sum is below 1e−290 (terms may have underflowed,
 * e.g. a state reachable only through one at log-probability −800) is recomputed exactly by
 * log-sum-exp, so the result matches the log-space recursion everywhere.
 *
 * @param prevLogAlpha normalised log α at t−1, length K.
 * @param transmat A in probability space, row-major K*K.
 * @param logA log A, row-major K*K.
 * @param logB log densities of x_t, read at logB[bOffset..bOffset+K).
 * @param out receives normalised log α at t; must not alias prevLogAlpha.
 * @param scratch K numbers the kernel may overwrite.
 * @returns log p(x_t | x_0..t−1), −Infinity (out all −Infinity) when x_t is impossible.
 */
export function scaledForwardStep(
  prevLogAlpha: Float64Array,
  transmat: Float64Array,
  logA: Float64Array,
  logB: Float64Array,
  bOffset: number,
  out: Float64Array,
  scratch: Float64Array,
): number {
  const k = prevLogAlpha.length;
  let m = -Infinity;
  for (let i = 0; i < k; i++) if (prevLogAlpha[i] > m) m = prevLogAlpha[i];
  for (let i = 0; i < k; i++) scratch[i] = Math.exp(prevLogAlpha[i] - m);
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let i = 0; i < k; i++) s += scratch[i] * transmat[i * k + j];
    if (s > TINY) {
      out[j] = m + Math.log(s);
      continue;
    }
    let top = -Infinity;
    for (let i = 0; i < k; i++) {
      const v = prevLogAlpha[i] + logA[i * k + j];
      if (v > top) top = v;
    }
    if (top === -Infinity) {
      out[j] = -Infinity;
      continue;
    }
    let e = 0;
    for (let i = 0; i < k; i++) e += Math.exp(prevLogAlpha[i] + logA[i * k + j] - top);
    out[j] = top + Math.log(e);
  }
  return combineAndNormalize(out, logB, bOffset, out);
}
