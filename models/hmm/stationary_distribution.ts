/**
 * The stationary distribution π of a row-stochastic K×K matrix P (π P = π, Σ π = 1), by the
 * Grassmann–Taksar–Heyman state reduction (GTH 1985): Gaussian elimination on the linear system
 * written without subtractions, so it stays accurate for nearly decomposable chains where power
 * iteration and plain elimination lose digits. When a reduction pivot is 0 (a chain whose
 * recurrent class does not contain state 0), it falls back to LU with partial pivoting on
 * (Pᵀ − I) with one equation replaced by Σ π = 1, clipping rounding negatives to 0.
 *
 * @param p row-major K*K, rows summing to 1.
 * @returns π, length K. For a chain with several recurrent classes the answer is one of the
 *   stationary distributions (whichever the elimination lands on).
 */
export function stationaryDistribution(p: Float64Array): Float64Array {
  const K = Math.round(Math.sqrt(p.length));
  if (K * K !== p.length || K === 0) {
    throw new TypeError(
      `Cannot find a stationary distribution of a non-square matrix: length is ${p.length}`,
    );
  }
  const a = p.slice();
  let ok = true;
  for (let n = K - 1; n >= 1 && ok; n--) {
    let s = 0;
    for (let j = 0; j < n; j++) s += a[n * K + j];
    if (!(s > 0)) {
      ok = false;
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
  if (ok) {
    pi[0] = 1;
    for (let j = 1; j < K; j++) {
      let s = 0;
      for (let i = 0; i < j; i++) s += pi[i] * a[i * K + j];
      pi[j] = s;
    }
  } else {
    solveByLu(p, K, pi);
  }
  let total = 0;
  for (let k = 0; k < K; k++) total += pi[k];
  for (let k = 0; k < K; k++) pi[k] /= total;
  return pi;
}

function solveByLu(p: Float64Array, K: number, out: Float64Array): void {
  // M π = b with M = Pᵀ − I, last row replaced by ones, b = e_{K−1}.
  const m = new Float64Array(K * K);
  const b = new Float64Array(K);
  for (let r = 0; r < K; r++) {
    for (let c = 0; c < K; c++) m[r * K + c] = p[c * K + r] - (r === c ? 1 : 0);
  }
  for (let c = 0; c < K; c++) m[(K - 1) * K + c] = 1;
  b[K - 1] = 1;
  for (let col = 0; col < K; col++) {
    let piv = col;
    for (let r = col + 1; r < K; r++) {
      if (Math.abs(m[r * K + col]) > Math.abs(m[piv * K + col])) piv = r;
    }
    if (piv !== col) {
      for (let c = 0; c < K; c++) {
        const t = m[col * K + c];
        m[col * K + c] = m[piv * K + c];
        m[piv * K + c] = t;
      }
      const t = b[col];
      b[col] = b[piv];
      b[piv] = t;
    }
    const d = m[col * K + col];
    if (d === 0) continue;
    for (let r = col + 1; r < K; r++) {
      const f = m[r * K + col] / d;
      if (f === 0) continue;
      for (let c = col; c < K; c++) m[r * K + c] -= f * m[col * K + c];
      b[r] -= f * b[col];
    }
  }
  for (let r = K - 1; r >= 0; r--) {
    let s = b[r];
    for (let c = r + 1; c < K; c++) s -= m[r * K + c] * out[c];
    const d = m[r * K + r];
    out[r] = d === 0 ? 0 : s / d;
  }
  for (let k = 0; k < K; k++) if (!(out[k] > 0)) out[k] = 0;
}
