/**
 * How the macro state's risk bias (the multiplier of k, 1 = neutral, < 1 risk-off, > 1 risk-on;
 * see `riskBiasByVolatility`) moves the confidence and spread thresholds of the symbol guards.
 * `config.risk.riskBiasScaling` has these fields.
 */
export interface RiskBiasScaling {
  /** How strongly the bias moves the confidence gap 1 − minConf; 0 turns it off. */
  confSensitivity: number;
  /** How strongly the bias moves the spread tolerance; 0 turns it off. */
  spreadSensitivity: number;
  /** Largest loosening factor a risk-on bias may apply (≥ 1; 1 = never loosen). */
  maxLoosen: number;
}

/** Neutral-to-mild defaults, as in `ops/default_config.json`. */
export const DEFAULT_RISK_BIAS_SCALING: Readonly<RiskBiasScaling> = Object.freeze({
  confSensitivity: 1,
  spreadSensitivity: 1,
  maxLoosen: 1.25,
});

/**
 * The factor a risk bias applies to a threshold's room:
 * `s = clamp(1 + sensitivity · (bias − 1), 0, maxLoosen)`. With sensitivity 1: bias 0.5 → 0.5,
 * bias 1 → 1, bias 1.5 → min(1.5, maxLoosen). NaN in, NaN out (the caller's DATA guard fires).
 */
export function riskBiasFactor(bias: number, sensitivity: number, maxLoosen: number): number {
  const s = 1 + sensitivity * (bias - 1);
  if (Number.isNaN(s)) return Number.NaN;
  return Math.min(Math.max(s, 0), maxLoosen);
}

/**
 * The confidence a decision needs under a risk bias: the gap to certainty scales by the factor,
 * `minConf_eff = 1 − (1 − minConf) · s`, with `s = riskBiasFactor(bias, confSensitivity,
 * maxLoosen)`, clamped to [0, 1]. Example (sensitivity 1, maxLoosen 1.25, minConf 0.6): bias 0.5 →
 * 0.8 (risk-off demands more), bias 1 → 0.6, bias 1.5 → 0.5, bias 0 → 1.
 */
export function effectiveMinConf(
  minConf: number,
  bias: number,
  scaling: RiskBiasScaling = DEFAULT_RISK_BIAS_SCALING,
): number {
  const s = riskBiasFactor(bias, scaling.confSensitivity, scaling.maxLoosen);
  return Math.min(Math.max(1 - (1 - minConf) * s, 0), 1);
}

/** The spread-limit fields of a `SymbolConfig`. */
export interface SpreadLimits {
  /** Tolerance at zero volatility, bp of mid. */
  baseSpreadBp: number;
  /** bp of tolerance added per bp of per-bar realized volatility. */
  spreadVolMultiplier: number;
  /** Cap on the tolerance at neutral bias, bp. */
  maxSpreadBp: number;
}

/**
 * The dynamic spread tolerance in bp: the allowed spread widens with recent volatility,
 * `raw = baseSpreadBp + spreadVolMultiplier · volBp`, and the bias factor
 * `s = riskBiasFactor(bias, spreadSensitivity, maxLoosen)` scales it:
 * `tolerance = min(raw · s, maxSpreadBp · min(s, 1))`. So a risk-off bias scales the capped
 * tolerance down exactly (bias 0.5 halves it) and a risk-on bias loosens it up to the cap, never
 * beyond. Example (base 2, multiplier 0.5, cap 10, sensitivity 1, maxLoosen 1.25): vol 4 → 4 bp;
 * with bias 0.5 → 2; vol 30 → 10 (capped), with bias 0.5 → 5, with bias 1.5 → 10.
 */
export function spreadToleranceBp(
  volBp: number,
  bias: number,
  limits: SpreadLimits,
  scaling: RiskBiasScaling = DEFAULT_RISK_BIAS_SCALING,
): number {
  const s = riskBiasFactor(bias, scaling.spreadSensitivity, scaling.maxLoosen);
  const raw = limits.baseSpreadBp + limits.spreadVolMultiplier * volBp;
  return Math.min(raw * s, limits.maxSpreadBp * Math.min(s, 1));
}
