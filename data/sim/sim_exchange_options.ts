import { z } from "zod";
import { tryParseFixed8 } from "./fixed8.ts";

/** A non-negative amount as a JSON number or a decimal string, exact on the 8-decimal grid. */
const Amount = z.union([z.number(), z.string()]).refine((v) => {
  const text = typeof v === "number" ? String(v) : v;
  return tryParseFixed8(text).ok;
}, "must be a non-negative decimal with at most 8 decimals");

/** A fee rate (fraction of the notional), exact on the 8-decimal grid. */
const Rate = z.number().min(0).max(1).refine(
  (v) => tryParseFixed8(String(v)).ok,
  "must have at most 8 decimals",
);

/**
 * How a book is derived from bars (see `derived_book.ts`). The book is **derived, not recorded**:
 * only 1m OHLCV bars exist for the replayed spans.
 */
export const BookOptions = z.object({
  /** Price levels shown on each side. @default {20} */
  levels: z.number().int().min(1).max(5000).default(20),
  /** Share of the bar's base volume displayed on each side, over all levels. @default {0.5} */
  depthFraction: z.number().positive().max(100).default(0.5),
  /** Geometric decay of quantity from one level to the next away from the touch (1 = flat). @default {0.85} */
  decay: z.number().positive().max(1).default(0.85),
  /** Distance between consecutive levels, in ticks. @default {1} */
  levelSpacingTicks: z.number().int().min(1).max(1_000_000).default(1),
  /** Upper cap on the derived spread in bp of the mid; 0 turns the cap off. @default {20} */
  maxSpreadBp: z.number().min(0).default(20),
  /** Apply Corwin–Schultz's gap adjustment with the previous close. @default {true} */
  gapAdjust: z.boolean().default(true),
});
/** Book derivation parameters, all present after parsing. */
export type BookOptions = z.infer<typeof BookOptions>;

/**
 * Taker slippage in bp: `clamp(baseBp + volCoef·volBp + scatterCoef·scatterBp +
 * confidenceBp·(1 − confidence), 0, maxBp)` (see `slippage_bp.ts`).
 */
export const SlippageOptions = z.object({
  /** Constant part, bp. @default {0} */
  baseBp: z.number().min(0).default(0),
  /** Weight of the recent volatility (stdev of 1-bar log returns, bp). @default {0.1} */
  volCoef: z.number().min(0).default(0.1),
  /** Weight of the current bar's scatter ((high − low)/close, bp). @default {0.05} */
  scatterCoef: z.number().min(0).default(0.05),
  /** bp added at confidence 0, scaled by (1 − confidence). @default {1} */
  confidenceBp: z.number().min(0).default(1),
  /** Upper cap, bp. @default {50} */
  maxBp: z.number().min(0).default(50),
  /** Bars in the volatility window (returns = bars − 1). @default {30} */
  volWindow: z.number().int().min(2).max(10_000).default(30),
});
/** Slippage parameters, all present after parsing. */
export type SlippageOptions = z.infer<typeof SlippageOptions>;

/** Every parameter of the simulated exchange, with its default. */
export const SimExchangeOptions = z.object({
  /** Maker fee rate (Binance spot default 0.1 %). @default {0.001} */
  makerCommission: Rate.default(0.001),
  /** Taker fee rate (Binance spot default 0.1 %). @default {0.001} */
  takerCommission: Rate.default(0.001),
  /** Balances of every new account (asset → free amount). @default {{ USDT: 10000 }} */
  startingBalances: z.record(z.string().min(1), Amount).default({ USDT: 10000 }),
  /** Account used when a call names none (one account is enough for a backtest). @default {"default"} */
  defaultAccount: z.string().min(1).default("default"),
  /** Confidence used by the slippage model when an order carries none (e.g. via ccxt). @default {0.5} */
  defaultConfidence: z.number().min(0).max(1).default(0.5),
  /** Bar length; a bar covers [openTime, openTime + barIntervalMs − 1]. @default {60000} */
  barIntervalMs: z.number().int().positive().default(60_000),
  /** Closed orders and trades kept per account for queries and snapshots (oldest dropped). @default {100000} */
  historyLimit: z.number().int().positive().default(100_000),
  book: BookOptions.prefault({}),
  slippage: SlippageOptions.prefault({}),
});
/** The simulated exchange's parameters as a caller writes them (everything optional). */
export type SimExchangeOptionsInput = z.input<typeof SimExchangeOptions>;
/** The simulated exchange's parameters after parsing (everything present). */
export type SimExchangeOptions = z.infer<typeof SimExchangeOptions>;
