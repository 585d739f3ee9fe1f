import { z } from "zod";
import { SymbolName, Ts } from "./_fields.ts";

/** Fields per bar in `MarketAdvanced.ohlcv`, in this order. */
export const OHLCV_FIELDS = 5;

/**
 * The market moved through `openTime.length` minutes (a segment of a replay batch, in event
 * time): for minute i and symbol j, `ohlcv[(i · symbols.length + j) · 5 + f]` holds open, high,
 * low, close, volume (f = 0..4); NaN in all five means the symbol printed no bar that minute.
 * Sent to the execution actor (a simulated venue matches resting orders against the bars) and,
 * inside `book.advance`, to the portfolio-risk actor (marks and returns). `ts` is the close time
 * of the last minute.
 */
export const MarketAdvanced = z.object({
  type: z.literal("market.advanced"),
  ts: Ts,
  /** The run's symbols, sorted by name. */
  symbols: z.array(SymbolName).min(1),
  openTime: z.instanceof(Float64Array),
  ohlcv: z.instanceof(Float64Array),
}).refine((m) => m.ohlcv.length === m.openTime.length * m.symbols.length * OHLCV_FIELDS, {
  message: "ohlcv must hold minutes × symbols × 5 values",
});
/** A parsed market advance. */
export type MarketAdvanced = z.infer<typeof MarketAdvanced>;
