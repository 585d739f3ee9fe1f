/**
 * Snapping prices and quantities to an exchange grid (tick size, LOT_SIZE step) in float64.
 *
 * A grid step such as 0.01 is not exact in binary, so `x / step` of a value that sits on the grid
 * can read 4321036.9999999995: a quotient within 1e-9 (relative) of an integer counts as that
 * integer. The result is built as `n · stepUnits / 10^decimals`, with `stepUnits` the step as an
 * integer number of its last decimal, so a snapped value prints as the exchange writes it
 * (0.3, not 0.30000000000000004).
 */

/** Decimals of a step written in decimal (0.01 → 2, 0.5 → 1, 5 → 0); at most 12. */
export function stepDecimals(step: number): number {
  let scale = 1;
  for (let d = 0; d <= 12; d++) {
    const units = step * scale;
    if (Math.abs(units - Math.round(units)) <= 1e-9 * Math.max(1, units)) return d;
    scale *= 10;
  }
  return 12;
}

/** The largest multiple of `step` ≤ x (a step ≤ 0 or non-finite leaves x unchanged). */
export function snapDown(x: number, step: number): number {
  return snap(x, step, Math.floor);
}

/** The smallest multiple of `step` ≥ x (a step ≤ 0 or non-finite leaves x unchanged). */
export function snapUp(x: number, step: number): number {
  return snap(x, step, Math.ceil);
}

function snap(x: number, step: number, round: (q: number) => number): number {
  if (!(step > 0 && step < Infinity) || !Number.isFinite(x)) return x;
  let q = x / step;
  const nearest = Math.round(q);
  if (Math.abs(q - nearest) <= 1e-9 * Math.max(1, Math.abs(q))) q = nearest;
  const n = round(q);
  const d = stepDecimals(step);
  const scale = 10 ** d;
  const units = Math.round(step * scale);
  const out = (n * units) / scale;
  return out === 0 ? 0 : out; // no -0
}
