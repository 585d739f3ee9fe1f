/**
 * The quoted spread in bp of the mid: `(ask − bid) / ((ask + bid) / 2) · 1e4`, for the SPREAD
 * guard from an observed or derived book. For a bar-only market, pass a Corwin–Schultz estimate
 * instead (`corwinSchultzSpread(...) · 1e4`, negatives set to 0; the simulated exchange's derived
 * book already does this). A crossed book (bid > ask), or a non-finite or non-positive price,
 * gives NaN, which the DATA guard stops.
 */
export function quotedSpreadBp(bestBid: number, bestAsk: number): number {
  if (!(bestBid > 0 && bestAsk >= bestBid && bestAsk < Infinity)) return Number.NaN;
  return ((bestAsk - bestBid) / ((bestAsk + bestBid) / 2)) * 1e4;
}
