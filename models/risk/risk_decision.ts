import type { ReasonCode } from "../reason_code.ts";

/**
 * One guardrail that fired: its reason code, the measured value and the threshold it was held
 * against (in the guard's own unit, e.g. conf vs minConf, spread bp vs tolerance bp, elapsed ms vs
 * cooldown ms), and `key=value` pairs separated by `;` that explain it
 * (`conf=0.52;minConf=0.6;riskBias=0.5`). Values are finite numbers: a guard whose input is not
 * finite reports `DATA` instead.
 */
export interface GuardHit {
  readonly code: ReasonCode;
  readonly value: number;
  readonly threshold: number;
  readonly detail: string;
}

/**
 * The outcome of a guardrail evaluation (STYLE.md's `RiskDecision`, extended to several reasons):
 * - `pass` with `scale` in (0, 1]: the intent goes ahead at `scale` of its size; `hits` lists the
 *   guards that scaled it down (empty when `scale` is 1);
 * - `block`: nothing is sent; `hits` lists every guard that blocked, in evaluation order (at
 *   least one).
 * Blocking is normal operation, never an exception. Decisions are never mutated once returned.
 */
export type RiskDecision =
  | { readonly kind: "pass"; readonly scale: number; readonly hits: readonly GuardHit[] }
  | { readonly kind: "block"; readonly hits: readonly [GuardHit, ...GuardHit[]] };

const NO_HITS: readonly GuardHit[] = Object.freeze([]);

/** The unscaled pass: one shared frozen object, so the common path allocates nothing. */
export const PASS: RiskDecision = Object.freeze({ kind: "pass", scale: 1, hits: NO_HITS });

/**
 * A decision from the hits collected by one evaluation: `PASS` when there are none, else a block
 * with all of them.
 */
export function blockOrPass(hits: readonly GuardHit[] | null): RiskDecision {
  if (hits === null || hits.length === 0) return PASS;
  return Object.freeze({
    kind: "block",
    hits: Object.freeze(hits.slice()) as readonly GuardHit[] as readonly [GuardHit, ...GuardHit[]],
  });
}

/**
 * A pass at `scale` explained by `hits` (`PASS` when scale is 1 and there are no hits).
 * Throws `RangeError` for a scale outside (0, 1].
 */
export function scaledPass(scale: number, hits: readonly GuardHit[]): RiskDecision {
  if (!(scale > 0 && scale <= 1)) {
    throw new RangeError(`Cannot build a scaled pass: scale is ${scale}, need (0, 1]`);
  }
  if (scale === 1 && hits.length === 0) return PASS;
  return Object.freeze({ kind: "pass", scale, hits: Object.freeze(hits.slice()) });
}

/** A number for a `detail` field: up to 10 significant digits, `NaN`/`Infinity` spelled out. */
export function detailNumber(x: number): string {
  if (!Number.isFinite(x) || Number.isInteger(x)) return String(x);
  return String(Number(x.toPrecision(10)));
}
