import type { ReasonCode } from "../reason_code.ts";

/**
 * The direction of a decision on Binance Spot (long only): `buy` raises the position to the
 * target, `sell` takes it down to the target (always 0: an exit).
 */
export const PolicySide = { BUY: "buy", SELL: "sell" } as const;
/** One side. */
export type PolicySide = typeof PolicySide[keyof typeof PolicySide];

/**
 * What the policy wants one symbol to hold after a bar; the symbol actor turns it into an
 * `Intent` message. When `reason` is not null the decision is "no trade": no intent is sent, and
 * the other fields say what would have been asked (for `guardrails.csv` and the state timeline).
 */
export interface PolicyDecision {
  symbol: string;
  /** `buy` for a positive edge, `sell` (exit to 0) otherwise. */
  side: PolicySide;
  /** Target position in base units: the sized quantity for `buy`, 0 for `sell`. */
  targetQty: number;
  /** Expected return over the prior's horizon: statePriors[state] · conf (log-return units). */
  edge: number;
  /** Filtered posterior probability of `state`, in [0, 1]. */
  conf: number;
  /** Argmax of the filtered micro posterior; −1 when the posterior was unusable. */
  state: number;
  /** Macro state whose risk bias scaled the size. */
  macroState: number;
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
    conf: 0,
    state: -1,
    macroState: 0,
    modelVersion: "",
    reason: null,
    detail: "",
  };
}
