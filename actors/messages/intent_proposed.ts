import { z } from "zod";
import { IntentSide, ModelVersion, Num, SymbolName, Ts } from "./_fields.ts";

/**
 * What a symbol actor wants to hold after a bar (an `Intent`): proposed only when the wanted
 * position differs from the last one it proposed by at least the notional floor (or crosses zero),
 * and only when its symbol guards pass. `ts` is the decision time: the close time of the bar
 * (`openTime + interval − 1`). Prices are quote per base; `volBp` is the per-bar realized
 * volatility in bp, `spreadBp` the Corwin–Schultz spread of the last two bars (≥ one tick).
 */
export const IntentProposed = z.object({
  type: z.literal("intent.proposed"),
  ts: Ts,
  symbol: SymbolName,
  modelVersion: ModelVersion,
  side: IntentSide,
  /** Target position in base units: the sized quantity for `buy`, 0 for `sell`. */
  targetQty: Num.nonnegative(),
  /** statePriors[state] · conf, log-return units over the prior's horizon. */
  edge: Num,
  conf: Num.min(0).max(1),
  /** Flat (micro) state, argmax of the filtered posterior. */
  state: z.number().int().nonnegative(),
  macroState: z.number().int().nonnegative(),
  riskBias: Num.nonnegative(),
  /** The bar's close. */
  price: Num.positive(),
  /** Session (UTC day) VWAP of the symbol's feature engine. */
  vwap: Num.positive(),
  spreadBp: Num.nonnegative(),
  volBp: Num.nonnegative(),
});
/** A parsed intent. */
export type IntentProposed = z.infer<typeof IntentProposed>;
