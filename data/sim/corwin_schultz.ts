/**
 * The Corwin–Schultz high–low spread estimator for one pair of consecutive bars
 * (Corwin & Schultz 2012, "A Simple Way to Estimate Bid-Ask Spreads from Daily High and Low
 * Prices", Journal of Finance 67(2), eqs. 14 and 18–19):
 *
 *   β = ln(H₁/L₁)² + ln(H₂/L₂)²,  γ = ln(max(H₁,H₂) / min(L₁,L₂))²,
 *   α = (√(2β) − √β) / (3 − 2√2) − √(γ / (3 − 2√2)),
 *   S = 2 (e^α − 1) / (1 + e^α)   (a fraction of the price: 0.001 = 10 bp).
 *
 * When `prevClose` (the first bar's close) is given, the second bar is first shifted by the gap
 * as the paper does for overnight returns: if its low is above `prevClose` both its high and low
 * move down by (low − prevClose); if its high is below `prevClose` both move up by
 * (prevClose − high).
 *
 * The raw estimate can be negative (the paper sets negative two-day estimates to 0; callers do
 * that). Flat bars (H = L) give 0. Non-finite or non-positive prices, or a high below its low,
 * give NaN.
 */
export function corwinSchultzSpread(
  first: { high: number; low: number },
  second: { high: number; low: number },
  options: { prevClose?: number } = {},
): number {
  const h1 = first.high;
  const l1 = first.low;
  let h2 = second.high;
  let l2 = second.low;
  if (!(l1 > 0 && l2 > 0 && h1 >= l1 && h2 >= l2 && Number.isFinite(h1) && Number.isFinite(h2))) {
    return Number.NaN;
  }
  const c = options.prevClose;
  if (c !== undefined && c > 0 && Number.isFinite(c)) {
    if (l2 > c) {
      const gap = l2 - c;
      h2 -= gap;
      l2 -= gap;
    } else if (h2 < c) {
      const gap = c - h2;
      h2 += gap;
      l2 += gap;
    }
  }
  const r1 = Math.log(h1 / l1);
  const r2 = Math.log(h2 / l2);
  const beta = r1 * r1 + r2 * r2;
  const rg = Math.log(Math.max(h1, h2) / Math.min(l1, l2));
  const gamma = rg * rg;
  const k = 3 - 2 * Math.SQRT2;
  const alpha = (Math.sqrt(2 * beta) - Math.sqrt(beta)) / k - Math.sqrt(gamma / k);
  const e = Math.exp(alpha);
  return (2 * (e - 1)) / (1 + e);
}
