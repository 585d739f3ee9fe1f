import { ReasonCode } from "../reason_code.ts";
import { blockOrPass, detailNumber, type GuardHit, type RiskDecision } from "./risk_decision.ts";
import {
  DEFAULT_RISK_BIAS_SCALING,
  effectiveMinConf,
  type RiskBiasScaling,
  type SpreadLimits,
  spreadToleranceBp,
} from "./risk_bias_thresholds.ts";

/** What the symbol actor knows when it checks one decision. */
export interface SymbolGuardInput {
  /** Decision time, ms (event time: the bar's close in replay, the clock live). */
  ts: number;
  /** Close time of the newest bar the decision used, ms (openTime + interval − 1). */
  barCloseTs: number;
  /** Filtered posterior probability of the chosen state, [0, 1]. */
  conf: number;
  /** Current spread, bp of mid (`quotedSpreadBp`, or a Corwin–Schultz estimate), ≥ 0. */
  spreadBp: number;
  /** Per-bar realized volatility, bp (e.g. `rv_60` · 1e4), ≥ 0. */
  volBp: number;
  /** The macro state's risk bias, ≥ 0 (1 neutral, < 1 risk-off). */
  riskBias: number;
  /** The intent lowers a held position (on Spot long-only: every sell). */
  reducing: boolean;
  /** Data QA flagged the bar (gap, outlier, rejected by the feature engine). @default {false} */
  dataFlagged?: boolean;
  /** Data QA flagged the stream as stalled. @default {false} */
  staleFlagged?: boolean;
}

/** The symbol-guard fields of a `SymbolConfig` (`config.symbols.<SYMBOL>` satisfies it). */
export interface SymbolGuardLimits extends SpreadLimits {
  /** Smallest posterior confidence at neutral risk bias, [0, 1]. */
  minConf: number;
  /** Largest per-bar realized volatility, bp. */
  maxVolBp: number;
  /** Largest age of the newest bar at decision time, ms. */
  staleAfterMs: number;
}

/**
 * The symbol-level guardrails of one decision, in this order; every guard that fires is reported
 * (one block can carry several codes):
 * - `DATA`: QA flagged the bar, or an input is not finite or out of range (conf outside [0, 1],
 *   negative spread, volatility or bias). value = number of bad inputs, threshold 0.
 * - `STALE`: QA flagged the stream, or `ts − barCloseTs > staleAfterMs`. value = age ms,
 *   threshold = staleAfterMs (an age of exactly staleAfterMs passes).
 * - `CONF`: `conf < effectiveMinConf(minConf, riskBias)`. value = conf, threshold = effective
 *   minimum (conf equal to it passes).
 * - `SPREAD`: `spreadBp > spreadToleranceBp(volBp, riskBias)`. value = spread bp, threshold =
 *   tolerance bp.
 * - `VOL`: `volBp > maxVolBp` (not scaled by the bias). value = vol bp, threshold = maxVolBp.
 *
 * A reducing intent (an exit) is checked for DATA and STALE only: CONF, SPREAD and VOL never keep
 * a position open. A guard whose input is NaN does not fire on its own (DATA reports it).
 */
export function checkSymbolGuards(
  input: SymbolGuardInput,
  limits: SymbolGuardLimits,
  options: { scaling?: RiskBiasScaling } = {},
): RiskDecision {
  const scaling = options.scaling ?? DEFAULT_RISK_BIAS_SCALING;
  let hits: GuardHit[] | null = null;
  const add = (hit: GuardHit) => (hits ??= []).push(hit);

  const { ts, barCloseTs, conf, spreadBp, volBp, riskBias } = input;
  const timeOk = Number.isFinite(ts) && Number.isFinite(barCloseTs);
  const confOk = conf >= 0 && conf <= 1;
  const spreadOk = spreadBp >= 0 && spreadBp < Infinity;
  const volOk = volBp >= 0 && volBp < Infinity;
  const biasOk = riskBias >= 0 && riskBias < Infinity;
  const flagged = input.dataFlagged === true;
  if (flagged || !timeOk || !confOk || !spreadOk || !volOk || !biasOk) {
    const bad: string[] = [];
    if (flagged) bad.push("qaFlag=1");
    if (!timeOk) bad.push(`ts=${ts}`, `barCloseTs=${barCloseTs}`);
    if (!confOk) bad.push(`conf=${conf}`);
    if (!spreadOk) bad.push(`spreadBp=${spreadBp}`);
    if (!volOk) bad.push(`volBp=${volBp}`);
    if (!biasOk) bad.push(`riskBias=${riskBias}`);
    const count = (flagged ? 1 : 0) + (timeOk ? 0 : 1) + (confOk ? 0 : 1) + (spreadOk ? 0 : 1) +
      (volOk ? 0 : 1) + (biasOk ? 0 : 1);
    add({ code: ReasonCode.DATA, value: count, threshold: 0, detail: bad.join(";") });
  }

  if (timeOk) {
    const age = ts - barCloseTs;
    if (input.staleFlagged === true || age > limits.staleAfterMs) {
      add({
        code: ReasonCode.STALE,
        value: age,
        threshold: limits.staleAfterMs,
        detail: `ageMs=${age};staleAfterMs=${limits.staleAfterMs}${
          input.staleFlagged === true ? ";qaStale=1" : ""
        }`,
      });
    }
  } else if (input.staleFlagged === true) {
    add({
      code: ReasonCode.STALE,
      value: 0,
      threshold: limits.staleAfterMs,
      detail: `qaStale=1;staleAfterMs=${limits.staleAfterMs}`,
    });
  }

  if (!input.reducing) {
    if (confOk && biasOk) {
      const minConf = effectiveMinConf(limits.minConf, riskBias, scaling);
      if (conf < minConf) {
        add({
          code: ReasonCode.CONF,
          value: conf,
          threshold: minConf,
          detail: `conf=${detailNumber(conf)};minConf=${detailNumber(minConf)};baseMinConf=${
            detailNumber(limits.minConf)
          };riskBias=${detailNumber(riskBias)}`,
        });
      }
    }
    if (spreadOk && volOk && biasOk) {
      const tolerance = spreadToleranceBp(volBp, riskBias, limits, scaling);
      if (spreadBp > tolerance) {
        add({
          code: ReasonCode.SPREAD,
          value: spreadBp,
          threshold: tolerance,
          detail: `spreadBp=${detailNumber(spreadBp)};toleranceBp=${
            detailNumber(tolerance)
          };volBp=${detailNumber(volBp)};riskBias=${detailNumber(riskBias)}`,
        });
      }
    }
    if (volOk && volBp > limits.maxVolBp) {
      add({
        code: ReasonCode.VOL,
        value: volBp,
        threshold: limits.maxVolBp,
        detail: `volBp=${detailNumber(volBp)};maxVolBp=${detailNumber(limits.maxVolBp)}`,
      });
    }
  }
  return blockOrPass(hits);
}
