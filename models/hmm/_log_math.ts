/** log(exp(a) + exp(b)) without overflow; -Infinity is the identity. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** log Σ exp(v[off..off+n)); -Infinity when every entry is -Infinity (or n = 0). */
export function logSumExp(v: Float64Array, off: number, n: number): number {
  let m = -Infinity;
  for (let i = 0; i < n; i++) if (v[off + i] > m) m = v[off + i];
  if (m === -Infinity) return -Infinity;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.exp(v[off + i] - m);
  return m + Math.log(s);
}

/** ln(2π), the constant of the Gaussian log-density. */
export const LOG_2PI = Math.log(2 * Math.PI);

/**
 * Normalises v[off..off+n) in place to log-sum 0 and returns the log normaliser. When every entry
 * is −Infinity it returns −Infinity and leaves v unchanged.
 */
export function normalizeLog(v: Float64Array, off: number, n: number): number {
  const norm = logSumExp(v, off, n);
  if (norm === -Infinity) return norm;
  for (let i = 0; i < n; i++) v[off + i] -= norm;
  return norm;
}

/**
 * out[j] ∝ exp(logPred[j] + logB[j]), normalised to log-sum 0; returns the log normaliser
 * log Σ_j exp(logPred[j] + logB[j]). The largest log density is taken out first, so that huge
 * log densities (−1e8 for an observation 1e4 sd out) do not round the small predicted
 * log-probabilities away. When every term is −Infinity it returns −Infinity and `out` holds
 * −Infinity everywhere. `out` may alias `logPred`.
 */
export function combineAndNormalize(
  logPred: Float64Array,
  logB: Float64Array,
  bOffset: number,
  out: Float64Array,
): number {
  const k = out.length;
  let bmax = -Infinity;
  for (let j = 0; j < k; j++) {
    if (logPred[j] > -Infinity && logB[bOffset + j] > bmax) bmax = logB[bOffset + j];
  }
  if (bmax === -Infinity) {
    out.fill(-Infinity);
    return -Infinity;
  }
  let top = -Infinity;
  for (let j = 0; j < k; j++) {
    const v = logPred[j] + (logB[bOffset + j] - bmax);
    out[j] = v;
    if (v > top) top = v;
  }
  let s = 0;
  for (let j = 0; j < k; j++) s += Math.exp(out[j] - top);
  const norm = top + Math.log(s);
  for (let j = 0; j < k; j++) out[j] -= norm;
  return norm + bmax;
}
