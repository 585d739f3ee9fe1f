import { z } from "zod";
import {
  BookOptions,
  SimExchangeOptions,
  SlippageOptions,
} from "../data/sim/sim_exchange_options.ts";

/** A Binance symbol name: upper-case letters and digits (`BTCUSDT`). */
const SymbolName = z.string().regex(/^[A-Z0-9]{2,20}$/, "must be upper-case letters and digits");

const Int = z.number().int();
const Fraction = z.number().positive().max(1);

/** The transition monitor of a symbol actor (drift of the live chain from the trained one). */
export const DriftConfig = z.strictObject({
  thresholdNats: z.number().positive().describe(
    "KL rate of the live transition matrix from the trained one, nats per bar, above which drift is flagged",
  ),
  clearBelowNats: z.number().min(0).describe(
    "KL rate, nats per bar, below which a flagged drift clears again (< thresholdNats: a hysteresis)",
  ),
  forgetting: z.number().gt(0).lt(1).describe(
    "Forgetting factor of the live transition counts per bar (memory ≈ 1 / (1 − forgetting) bars)",
  ),
  priorWeight: z.number().positive().describe(
    "Pseudo-transitions per row drawn from the trained matrix, so rarely visited rows stay near it",
  ),
  warmupBars: Int.min(0).describe("Decided bars before drift may be flagged"),
});
/** A symbol's transition monitor settings. */
export type DriftConfig = z.infer<typeof DriftConfig>;

/**
 * One traded symbol: the policy's sizing and hysteresis, the order limits, the symbol guards and
 * the transition monitor. Field names carry their unit (`Ms`, `Bp`, `Quote`, `Bars`; `Qty` is
 * base units).
 */
export const SymbolConfig = z.strictObject({
  model: z.string().min(1).describe(
    'Model of the symbol: "auto" (the newest promoted model in the store; trained first when the store is empty) or a model id',
  ),
  k: z.number().positive().describe(
    "Policy sizing constant, base units per unit of |edge| / vol_bp: qty = k · riskBias · |edge| / vol_bp",
  ),
  minQty: z.number().min(0).describe(
    "Smallest non-zero target position, base units (a smaller size is lifted to it, a zero size stays 0)",
  ),
  maxQty: z.number().positive().describe("Largest target position, base units"),
  minVolBp: z.number().positive().describe(
    "Floor on vol_bp in the sizing, so a quiet market cannot blow the size up, bp per bar",
  ),
  priorHorizonBars: Int.positive().max(10_000).describe(
    'Forward horizon of the model\'s state priors, bars: the edge is the expected log return over it and the edge thresholds are bp over it; "auto" trains models with it, a model with another horizon is refused',
  ),
  edgeHalfLifeBars: z.number().min(0).describe(
    "Half-life of the exponential average of the edge (state prior · conf) that the thresholds and the size read (the signal), bars; 0 reads the edge itself",
  ),
  entryEdgeBp: z.number().describe(
    "Smallest signal, bp of log return over priorHorizonBars, that opens a position from flat or re-sizes a held one",
  ),
  exitEdgeBp: z.number().describe(
    "Signal, bp, at or below which a held position is closed once it has been held minHoldBars (≤ entryEdgeBp; in between the position is held as it is)",
  ),
  minHoldBars: Int.min(0).describe(
    "Decided bars a position is held before an exit at exitEdgeBp",
  ),
  earlyExitEdgeBp: z.number().describe(
    "Signal, bp, at or below which a held position is closed before minHoldBars: a strong opposite signal (≤ exitEdgeBp)",
  ),
  retargetFraction: z.number().min(0).max(1).describe(
    "Hysteresis of a held target: a re-size is proposed only when it changes the target by at least this fraction of the larger of the old and new target (entries and exits always pass)",
  ),
  notionalFloorQuote: z.number().min(0).describe(
    "Smallest notional worth trading, quote: the policy's dead band and the floor of orders that add risk (NOTIONAL); keep it above the exchange minimum",
  ),
  maxOrderNotionalQuote: z.number().positive().describe(
    "Largest notional of one order, quote; larger orders are scaled down to it (NOTIONAL)",
  ),
  cooldownMs: Int.min(0).describe(
    "Least time between two orders of this symbol that add risk, ms (COOLDOWN)",
  ),
  minConf: z.number().min(0).max(1).describe(
    "Smallest posterior confidence of an entry at neutral risk bias (CONF)",
  ),
  baseSpreadBp: z.number().min(0).describe(
    "Spread tolerance at zero volatility, bp of mid (SPREAD)",
  ),
  spreadVolMultiplier: z.number().min(0).describe(
    "bp of spread tolerance added per bp of per-bar realized volatility (SPREAD)",
  ),
  maxSpreadBp: z.number().positive().describe("Cap of the spread tolerance, bp of mid (SPREAD)"),
  maxVolBp: z.number().positive().describe(
    "Largest per-bar realized volatility (rv_60 · 1e4) for an entry, bp (VOL)",
  ),
  staleAfterMs: Int.positive().describe(
    "Largest age of the newest bar at decision time, ms (STALE)",
  ),
  vwapBandBp: z.number().positive().describe(
    "Half-width of the band around the session VWAP that limit prices never leave, bp",
  ),
  drift: DriftConfig.describe(
    "The transition monitor (drift of the live chain from the trained one)",
  ),
});
/** One traded symbol's settings. */
export type SymbolConfig = z.infer<typeof SymbolConfig>;

/** The portfolio-wide risk budget of the portfolio-risk actor. */
export const RiskBudget = z.strictObject({
  globalNotionalBudgetQuote: z.number().positive().describe(
    "Cap on positions plus resting buys plus a new order, at mark, quote (BUDGET)",
  ),
  maxGrossExposureFraction: Fraction.describe(
    "Cap on the same committed exposure as a fraction of current equity, so the budget shrinks after losses (BUDGET)",
  ),
  globalCooldownMs: Int.min(0).describe(
    "Least time since the last order on any symbol before an order that adds risk, ms; 0 turns it off (COOLDOWN_GLOBAL)",
  ),
  drawdownWindowMs: Int.positive().describe(
    "Trailing window of the DD guard's peak, ms: drawdown is measured from the highest equity of the last drawdownWindowMs, so a flat book can add risk again once its peak is older (DD)",
  ),
  maxDrawdown: z.strictObject({
    defaultFraction: Fraction.describe(
      "Drawdown from the window's peak equity above which no order adds risk, fraction (DD)",
    ),
    byState: z.record(
      z.string().regex(/^(0|[1-9][0-9]{0,2})$/, "must be an HMM state number"),
      Fraction,
    ).describe('Overrides of defaultFraction by HMM state number ("0", "1", …) (DD)'),
  }),
  correlation: z.strictObject({
    ewmaHalfLifeBars: z.number().positive().describe(
      "Half-life of the EWMA covariance of 1-bar log returns, bars (CORR)",
    ),
    maxCorrelation: z.number().min(-1).max(1).describe(
      "Largest return correlation with a held symbol for an order that adds risk (CORR)",
    ),
    maxPortfolioVolBp: z.number().positive().describe(
      "Largest portfolio volatility per bar, bp of equity: orders are scaled to keep xᵀΣx within it (CORR)",
    ),
  }),
  riskBiasScaling: z.strictObject({
    confSensitivity: z.number().min(0).describe(
      "How strongly the macro risk bias moves 1 − minConf; 0 turns it off",
    ),
    spreadSensitivity: z.number().min(0).describe(
      "How strongly the macro risk bias moves the spread tolerance; 0 turns it off",
    ),
    maxLoosen: z.number().min(1).describe(
      "Largest loosening factor of a risk-on bias (1 = risk-on never loosens)",
    ),
  }),
});
/** The portfolio-wide risk budget. */
export type RiskBudget = z.infer<typeof RiskBudget>;

/** How orders are sent. */
export const ExecutionConfig = z.strictObject({
  orderStyle: z.enum(["limit", "market"]).describe(
    '"limit": passive limit orders anchored to the session VWAP band; "market": market orders',
  ),
  limitTtlMs: Int.positive().describe(
    "How long a limit order rests before it is cancelled (and re-decided), ms",
  ),
  maxOrderNotionalQuote: z.number().positive().describe(
    "Hard cap on any one order, enforced by the execution actor just before sending, quote; every symbol's maxOrderNotionalQuote must be within it",
  ),
});
/** How orders are sent. */
export type ExecutionConfig = z.infer<typeof ExecutionConfig>;

/** What to run. */
export const RunConfig = z.strictObject({
  symbols: z.array(SymbolName).min(1).describe("Traded symbols, each with an entry in symbols"),
  seed: Int.min(0).max(Number.MAX_SAFE_INTEGER).describe("Seed of every random choice of the run"),
  trainDays: Int.positive().describe(
    "Training window before the traded span when the model store is empty, days",
  ),
  batchBars: Int.positive().max(100_000).describe(
    "Bars per market batch sent to the symbol actors",
  ),
});
/** What to run. */
export type RunConfig = z.infer<typeof RunConfig>;

/** The simulated exchange's options, strict at every level (a typo is an error, not a default). */
export const StrictSimExchangeOptions = SimExchangeOptions.extend({
  book: BookOptions.strict().prefault({}),
  slippage: SlippageOptions.strict().prefault({}),
}).strict();

/**
 * The one run configuration file: strict objects at every level, every field documented. The
 * cross-field rules (`crossFieldIssues`) are separate so that they run even when a field has the
 * wrong type (zod skips an object's refinements then); `parseConfig` applies both.
 */
export const ShoalConfig = z.strictObject({
  run: RunConfig,
  symbols: z.record(SymbolName, SymbolConfig).describe("Settings by symbol"),
  risk: RiskBudget,
  execution: ExecutionConfig,
  exchange: StrictSimExchangeOptions.describe(
    "The simulated exchange of backtest and paper (data/sim/sim_exchange_options.ts); every field optional",
  ),
});
/** The parsed run configuration (defaults of the exchange block filled in). */
export type ShoalConfig = z.infer<typeof ShoalConfig>;
