/**
 * The portfolio variance xᵀΣx of quote exposures x under a covariance Σ (row-major n×n, per-bar
 * log-return units): quote² per bar. Its square root over equity, ×1e4, is the portfolio's
 * per-bar volatility in bp of equity.
 */
export function portfolioVariance(cov: Float64Array, x: ArrayLike<number>): number {
  const n = x.length;
  let v = 0;
  for (let i = 0; i < n; i++) {
    let row = 0;
    for (let j = 0; j < n; j++) row += cov[i * n + j] * x[j];
    v += x[i] * row;
  }
  return v;
}

/**
 * The largest fraction t in [0, 1] of an order adding `d` quote of exposure to symbol `i` that
 * keeps the portfolio variance within `budget` (quote² per bar):
 * f(t) = (x + t·d·e_i)ᵀ Σ (x + t·d·e_i) = c + 2·b·t + a·t², with a = d²·Σ_ii, b = d·(Σx)_i,
 * c = xᵀΣx. Returns 1 when f(1) ≤ budget; otherwise the upper root of f(t) = budget,
 * t = (−b + √(b² − a·(c − budget))) / a, when it lies in (0, 1); otherwise 0 (the book is
 * already over budget and the order does not bring it back). With a = 0 (no variance on i) the
 * linear case t = (budget − c) / (2b) applies. Σ must be positive semi-definite (use the guarded
 * `CovarianceTracker.covariance()`).
 */
export function varianceBudgetFraction(
  cov: Float64Array,
  x: ArrayLike<number>,
  i: number,
  d: number,
  budget: number,
): number {
  const n = x.length;
  let sx = 0;
  for (let j = 0; j < n; j++) sx += cov[i * n + j] * x[j];
  const a = d * d * cov[i * n + i];
  const b = d * sx;
  const c = portfolioVariance(cov, x);
  if (c + 2 * b + a <= budget) return 1;
  if (a > 0) {
    const disc = b * b - a * (c - budget);
    if (!(disc >= 0)) return 0;
    const t = (-b + Math.sqrt(disc)) / a;
    return t > 0 ? Math.min(t, 1) : 0;
  }
  if (b > 0) {
    const t = (budget - c) / (2 * b);
    return t > 0 ? Math.min(t, 1) : 0;
  }
  return 0;
}
