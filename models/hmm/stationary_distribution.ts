/**
 * The stationary distribution π of a row-stochastic K×K matrix P (π P = π, Σ π = 1), by the
 * Grassmann–Taksar–Heyman state reduction (Grassmann, Taksar & Heyman 1985): Gaussian
 * elimination of the linear system written without subtractions, so it stays accurate for nearly
 * decomposable chains where power iteration is slow and plain elimination loses digits.
 *
 * States are eliminated from K−1 down; the pivot of state n is the mass its censored row puts on
 * states below n. A pivot of exactly 0 means n is absorbing in the chain censored to {0..n}, i.e.
 * n is the lowest-numbered recurrent state: states below it are transient (π = 0) and the back
 * substitution starts at n. So chains with transient states are handled exactly.
 *
 * @param p row-major K*K, rows summing to 1, a single recurrent class.
 * @returns π, length K. With several recurrent classes, the stationary distribution of the
 *   class holding the lowest-numbered recurrent state.
 */
export function stationaryDistribution(p: Float64Array): Float64Array {
  const K = Math.round(Math.sqrt(p.length));
  if (K * K !== p.length || K === 0) {
    throw new TypeError(
      `Cannot find a stationary distribution of a non-square matrix: length is ${p.length}`,
    );
  }
  const a = p.slice();
  let first = 0;
  for (let n = K - 1; n >= 1; n--) {
    let s = 0;
    for (let j = 0; j < n; j++) s += a[n * K + j];
    if (!(s > 0)) {
      first = n;
      break;
    }
    for (let i = 0; i < n; i++) a[i * K + n] /= s;
    for (let i = 0; i < n; i++) {
      const ain = a[i * K + n];
      if (ain === 0) continue;
      for (let j = 0; j < n; j++) a[i * K + j] += ain * a[n * K + j];
    }
  }
  const pi = new Float64Array(K);
  pi[first] = 1;
  let total = 1;
  for (let j = first + 1; j < K; j++) {
    let s = 0;
    for (let i = first; i < j; i++) s += pi[i] * a[i * K + j];
    pi[j] = s;
    total += s;
  }
  for (let k = 0; k < K; k++) pi[k] /= total;
  return pi;
}
