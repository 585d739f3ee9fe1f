/**
 * Cholesky factorisation Σ = L Lᵀ of one symmetric D×D block, hand-written on typed arrays
 * (Golub & Van Loan 2013, alg. 4.2.1, the column-oriented "gaxpy" form). Reads only the lower
 * triangle of `a`.
 *
 * @param a holds the matrix at a[aOffset + r*D + c].
 * @param aOffset where the block starts in `a`.
 * @param d the dimension D.
 * @param out receives L (lower triangle, zeros above) at out[outOffset + r*D + c]; may alias `a`
 *   only when the offsets are equal.
 * @param outOffset where L starts in `out`.
 * @returns false when the matrix is not positive definite (a pivot ≤ 0 or not finite); `out` is
 *   then partly written and must not be used.
 */
export function cholesky(
  a: Float64Array,
  aOffset: number,
  d: number,
  out: Float64Array,
  outOffset: number,
): boolean {
  for (let j = 0; j < d; j++) {
    let s = a[aOffset + j * d + j];
    for (let k = 0; k < j; k++) {
      const l = out[outOffset + j * d + k];
      s -= l * l;
    }
    if (!(s > 0) || s === Infinity) return false;
    const ljj = Math.sqrt(s);
    out[outOffset + j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let t = a[aOffset + i * d + j];
      for (let k = 0; k < j; k++) t -= out[outOffset + i * d + k] * out[outOffset + j * d + k];
      out[outOffset + i * d + j] = t / ljj;
    }
    for (let c = j + 1; c < d; c++) out[outOffset + j * d + c] = 0;
  }
  return true;
}
