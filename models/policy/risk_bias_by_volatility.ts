/** Options of `riskBiasByVolatility`. */
export interface RiskBiasOptions {
  /**
   * The bias curve from the calmest to the most volatile macro state, read at evenly spaced
   * points and interpolated linearly. @default {[1.5, 1.0, 0.5]}
   */
  biases?: readonly number[];
}

/**
 * One risk bias per macro state (the multiplier of the sizing constant k): macro states are ranked
 * by volatility, ascending, ties broken by index; the state of rank r among M reads the bias
 * curve at position r / (M − 1) (0.5 when M = 1), linearly interpolated between the curve's
 * evenly spaced points. With the default curve [1.5, 1.0, 0.5]: M = 1 → [1.0]; M = 2 → calmest
 * 1.5, other 0.5; M = 3 → 1.5, 1.0, 0.5; M = 4 → 1.5, 1.1667, 0.8333, 0.5.
 *
 * @param macroVols per macro state, a volatility (any consistent unit, e.g. the state's mean
 *   realized volatility or the emission std of its return); length M ≥ 1, finite, ≥ 0.
 * @returns length M, in macro state order.
 * Throws `RangeError` for an empty or non-finite input, or an empty or non-finite curve.
 */
export function riskBiasByVolatility(
  macroVols: ArrayLike<number>,
  options: RiskBiasOptions = {},
): Float64Array {
  const biases = options.biases ?? [1.5, 1.0, 0.5];
  const m = macroVols.length;
  if (m === 0 || !Array.from(macroVols).every((v) => Number.isFinite(v) && v >= 0)) {
    throw new RangeError(
      `Cannot rank macro states by volatility: volatilities are [${Array.from(macroVols)}]`,
    );
  }
  if (biases.length === 0 || !biases.every(Number.isFinite)) {
    throw new RangeError(`Cannot rank macro states by volatility: biases are [${biases}]`);
  }
  const order = Array.from({ length: m }, (_, i) => i)
    .sort((a, b) => macroVols[a] - macroVols[b] || a - b);
  const out = new Float64Array(m);
  order.forEach((state, rank) => {
    out[state] = curveAt(biases, m === 1 ? 0.5 : rank / (m - 1));
  });
  return out;
}

/** The piecewise-linear curve through biases at 0, 1/(n−1), …, 1, read at p in [0, 1]. */
function curveAt(biases: readonly number[], p: number): number {
  const n = biases.length;
  if (n === 1) return biases[0];
  const x = p * (n - 1);
  const i = Math.min(Math.floor(x), n - 2);
  const f = x - i;
  if (f === 0) return biases[i];
  if (f === 1) return biases[i + 1];
  return biases[i] + f * (biases[i + 1] - biases[i]);
}
