import type { RiskDecision } from "./risk_decision.ts";

/**
 * The `action` column of `guardrails.csv`: `block` (nothing was sent), `scale` (sent at a
 * smaller size), `cancel` (a resting order was cancelled because a guard fired, e.g. KILL).
 */
export const GuardrailAction = { BLOCK: "block", SCALE: "scale", CANCEL: "cancel" } as const;
/** One guardrail action. */
export type GuardrailAction = typeof GuardrailAction[keyof typeof GuardrailAction];

/**
 * The fields of one `guardrails.csv` row (`ts,symbol,action,reasons,value,threshold,detail`),
 * before CSV formatting: `ts` is event time in ms, the writer formats it.
 */
export interface GuardrailRow {
  ts: number;
  symbol: string;
  action: GuardrailAction;
  /** Reason codes joined by `|`, in evaluation order (`CONF|SPREAD`). */
  reasons: string;
  /** Value of the first reason. */
  value: number;
  /** Threshold of the first reason. */
  threshold: number;
  /**
   * Every hit's `key=value` pairs joined by `;`, in hit order; a pair already written (same key
   * and value, e.g. `riskBias=0.5` from CONF and SPREAD) is written once.
   */
  detail: string;
}

/**
 * The `guardrails.csv` row of a decision: `block` for a block, `scale` for a scaled pass, `null`
 * for a pass nobody touched (no row). `options.action` overrides the action (use `cancel` when
 * the decision cancelled a resting order).
 */
export function guardrailRow(
  decision: RiskDecision,
  where: { ts: number; symbol: string },
  options: { action?: GuardrailAction } = {},
): GuardrailRow | null {
  const hits = decision.hits;
  if (hits.length === 0) return null;
  const codes: string[] = [];
  const pairs: string[] = [];
  const seen = new Set<string>();
  for (const hit of hits) {
    codes.push(hit.code);
    for (const pair of hit.detail.split(";")) {
      if (pair === "" || seen.has(pair)) continue;
      seen.add(pair);
      pairs.push(pair);
    }
  }
  return {
    ts: where.ts,
    symbol: where.symbol,
    action: options.action ??
      (decision.kind === "block" ? GuardrailAction.BLOCK : GuardrailAction.SCALE),
    reasons: codes.join("|"),
    value: hits[0].value,
    threshold: hits[0].threshold,
    detail: pairs.join(";"),
  };
}
