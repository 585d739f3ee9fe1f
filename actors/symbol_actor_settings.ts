import type { ShoalConfig } from "../ops/config.ts";
import type { SymbolActorConfigInput } from "./symbol_actor.ts";

/**
 * The symbol actor's configuration for `symbol` from a run configuration (sizing, policy, drift
 * monitor, symbol guards, risk-bias scaling, the derived book's spread cap) plus what the run
 * knows: the model file text, the exchange's tick size and the first traded minute.
 *
 * @throws RangeError when the configuration has no settings for `symbol`.
 */
export function symbolActorSettings(
  config: ShoalConfig,
  symbol: string,
  run: { modelText: string; tickSize: number; tradeFrom: number },
): SymbolActorConfigInput {
  const s = config.symbols[symbol];
  if (s === undefined) throw new RangeError(`Cannot trade ${symbol}: no settings in the config`);
  return {
    symbol,
    modelText: run.modelText,
    sizing: {
      k: s.k,
      minQty: s.minQty,
      maxQty: s.maxQty,
      minVolBp: s.minVolBp,
      notionalFloorQuote: s.notionalFloorQuote,
    },
    policy: {
      horizonBars: s.priorHorizonBars,
      edgeHalfLifeBars: s.edgeHalfLifeBars,
      entryEdgeBp: s.entryEdgeBp,
      exitEdgeBp: s.exitEdgeBp,
      minHoldBars: s.minHoldBars,
      earlyExitEdgeBp: s.earlyExitEdgeBp,
    },
    retargetFraction: s.retargetFraction,
    drift: {
      threshold: s.drift.thresholdNats,
      clearBelow: s.drift.clearBelowNats,
      forgetting: s.drift.forgetting,
      priorWeight: s.drift.priorWeight,
      warmup: s.drift.warmupBars,
    },
    guards: {
      minConf: s.minConf,
      baseSpreadBp: s.baseSpreadBp,
      spreadVolMultiplier: s.spreadVolMultiplier,
      maxSpreadBp: s.maxSpreadBp,
      maxVolBp: s.maxVolBp,
      staleAfterMs: s.staleAfterMs,
    },
    scaling: config.risk.riskBiasScaling,
    tickSize: run.tickSize,
    spreadCapBp: config.exchange.book.maxSpreadBp,
    gapAdjust: config.exchange.book.gapAdjust,
    intervalMs: config.exchange.barIntervalMs,
    tradeFrom: run.tradeFrom,
  };
}
