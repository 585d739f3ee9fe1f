/**
 * Advances the HMM forward filter by one observation, in log space (Rabiner 1989, eq. 19–20,
 * normalised every step so nothing underflows): out[j] = log Σ_i exp(prev[i] + logA[i,j]) + logB[j],
 * then out is normalised to log-sum 0.
 *
 * @param prevLogAlpha normalised log α at t−1, length K.
 * @param logA row-major log transitions, length K*K; logA[i*K+j] = log P(j | i); −Infinity allowed.
 * @param logB log density of x_t under each state, length K.
 * @param out receives normalised log α at t, length K; must not alias prevLogAlpha.
 * @returns log p(x_t | x_0..t−1). −Infinity means x_t is impossible under the model; `out` then
 *   holds the unnormalised values (all −Infinity) and the caller decides what to keep.
 */
export function forwardStep(
  prevLogAlpha: Float64Array,
  logA: Float64Array,
  logB: Float64Array,
  out: Float64Array,
): number {
  const k = prevLogAlpha.length;
  let top = -Infinity;
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
      v = m + Math.log(s) + logB[j];
    }
    out[j] = v;
    if (v > top) top = v;
  }
  if (top === -Infinity) return -Infinity;
  let s = 0;
  for (let j = 0; j < k; j++) s += Math.exp(out[j] - top);
  const norm = top + Math.log(s);
  for (let j = 0; j < k; j++) out[j] -= norm;
  return norm;
}
