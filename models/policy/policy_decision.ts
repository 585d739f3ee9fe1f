import type { ReasonCode } from "../reason_code.ts";

/**
 * The direction of a decision on Binance Spot (long only): `buy` wants a position (enter, re-size
 * or hold at the target), `sell` wants none (target 0: exit, or stay flat).
 */
export const PolicySide = { BUY: "buy", SELL: "sell" } as const;
/** One side. */
export type PolicySide = typeof PolicySide[keyof typeof PolicySide];

/**
 * What the policy's hysteresis decided for one bar: `enter` (flat → long), `resize` (long, the
 * edge still clears the entry threshold: the sized target), `hold` (long, keep the held target),
 * `exit` (long → flat), `flat` (stay flat).
 */
export const PolicyAction = {
  ENTER: "enter",
  RESIZE: "resize",
  HOLD: "hold",
  EXIT: "exit",
  FLAT: "flat",
} as const;
/** One action. */
export type PolicyAction = typeof PolicyAction[keyof typeof PolicyAction];

/**
 * What the policy wants one symbol to hold after a bar; the symbol actor turns it into an
 * `Intent` message. When `reason` is not null the decision is "no trade": no intent is sent, and
 * the other fields say what would have been asked (for `guardrails.csv` and the state timeline).
 */
export interface PolicyDecision {
  symbol: string;
  /** `buy` when the policy wants a position, `sell` (target 0) when it wants none. */
  side: PolicySide;
  /**
   * Target position in base units: for `buy` the sized quantity (entry, re-size) or the held
   * quantity (hold); 0 for `sell`.
   */
  targetQty: number;
  /** Expected return over the prior's horizon: statePriors[state] · conf (log-return units). */
  edge: number;
  /** What the thresholds and the size read: the exponential average of `edge` (same units). */
  signal: number;
  /** Filtered posterior probability of `state`, in [0, 1]. */
  conf: number;
  /** Argmax of the filtered micro posterior; −1 when the posterior was unusable. */
  state: number;
  /** Argmax of the macro posterior (for the record; the bias below is posterior-weighted). */
  macroState: number;
  /** The risk bias that scaled k: Σ_m P(m)·riskBias[m], or riskBias[macroState] without P(m). */
  riskBias: number;
  /** What the hysteresis made of the edge (see `PolicyAction`). */
  action: PolicyAction;
  modelVersion: string;
  /** Null for a trade; `NOTIONAL` below the notional floor, `DATA` for unusable inputs. */
  reason: ReasonCode | null;
  /** `key=value` pairs explaining `reason`, e.g. "notional=3.2, floor=5"; "" for a trade. */
  detail: string;
}

/** A blank decision to reuse as the `out` argument of `Policy.decide()`. */
export function emptyPolicyDecision(): PolicyDecision {
  return {
    symbol: "",
    side: PolicySide.SELL,
    targetQty: 0,
    edge: 0,
    signal: 0,
    conf: 0,
    state: -1,
    macroState: 0,
    riskBias: 1,
    action: PolicyAction.FLAT,
    modelVersion: "",
    reason: null,
    detail: "",
  };
}
