import type { SlippageOptions } from "./sim_exchange_options.ts";

/** What the slippage model looks at when a taker order arrives. */
export interface SlippageInput {
  /** Recent volatility: stdev of 1-bar log returns, in bp (`volatilityBp`). */
  volBp: number;
  /** Price scatter of the current bar: (high − low) / close, in bp. */
  scatterBp: number;
  /** The intent's confidence, 0..1 (1 = sure); lower confidence costs more. */
  confidence: number;
}

/**
 * Taker slippage in basis points, added against the taker on top of walking the book:
 *
 *   slipBp = clamp(baseBp + volCoef·volBp + scatterCoef·scatterBp + confidenceBp·(1 − confidence),
 *                  0, maxBp)
 *
 * A linear cost model in the spirit of square-root/linear impact models, with every coefficient
 * in `SlippageOptions`. Non-finite inputs count as 0; confidence is clamped to [0, 1].
 */
export function slippageBp(input: SlippageInput, options: SlippageOptions): number {
  const vol = Number.isFinite(input.volBp) ? Math.max(0, input.volBp) : 0;
  const scatter = Number.isFinite(input.scatterBp) ? Math.max(0, input.scatterBp) : 0;
  const conf = Number.isFinite(input.confidence) ? Math.min(1, Math.max(0, input.confidence)) : 0;
  const raw = options.baseBp + options.volCoef * vol + options.scatterCoef * scatter +
    options.confidenceBp * (1 - conf);
  return Math.min(options.maxBp, Math.max(0, raw));
}

/**
 * Sample standard deviation (n − 1) of the log returns of consecutive closes, in bp. Fewer than
 * three closes (fewer than two returns) give 0; non-positive closes are skipped with the return
 * that would use them.
 */
export function volatilityBp(closes: ArrayLike<number>): number {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (let i = 1; i < closes.length; i++) {
    const a = closes[i - 1];
    const b = closes[i];
    if (!(a > 0 && b > 0)) continue;
    const r = Math.log(b / a);
    n++;
    const delta = r - mean;
    mean += delta / n;
    m2 += delta * (r - mean);
  }
  return n < 2 ? 0 : Math.sqrt(m2 / (n - 1)) * 1e4;
}
