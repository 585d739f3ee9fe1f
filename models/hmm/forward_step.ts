import { combineAndNormalize } from "./_log_math.ts";

/**
 * Advances the HMM forward filter by one observation, in log space (Rabiner 1989, eq. 19–20,
 * normalised every step so nothing underflows): pred[j] = log Σ_i exp(prev[i] + logA[i,j]), then
 * out ∝ pred + logB, normalised to log-sum 0. The largest log density is factored out before
 * the predicted log-probabilities are added, so observations 1e4 sd out (log densities ~ −1e8)
 * keep the posterior accurate to ~1e−16 relative to what the densities themselves resolve.
 *
 * @param prevLogAlpha normalised log α at t−1, length K.
 * @param logA row-major log transitions, length K*K; logA[i*K+j] = log P(j | i); −Infinity allowed.
 * @param logB log density of x_t under each state, length K.
 * @param out receives normalised log α at t, length K; must not alias prevLogAlpha.
 * @returns log p(x_t | x_0..t−1). −Infinity means x_t is impossible under the model; `out` then
 *   holds −Infinity everywhere and the caller decides what to keep.
 */
export function forwardStep(
  prevLogAlpha: Float64Array,
  logA: Float64Array,
  logB: Float64Array,
  out: Float64Array,
): number {
  const k = prevLogAlpha.length;
  for (let j = 0; j < k; j++) {
    let m = -Infinity;
    for (let i = 0; i < k; i++) {
      const v = prevLogAlpha[i] + logA[i * k + j];
      if (v > m) m = v;
    }
    let v = -Infinity;
    if (m > -Infinity) {
      let s = 0;
      for (let i = 0; i < k; i++) s += Math.exp(prevLogAlpha[i] + logA[i * k + j] - m);
      v = m + Math.log(s);
    }
    out[j] = v;
  }
  return combineAndNormalize(out, logB, 0, out);
}
