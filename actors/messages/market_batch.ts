import { z } from "zod";
import { SymbolName, Ts } from "./_fields.ts";

const F64 = z.instanceof(Float64Array);

/**
 * One symbol's next bars, sent to its symbol actor with `tellBatch` (the columns are transferred,
 * not copied) and validated once per batch. The bars are a `replayBars` batch entry plus the data
 * QA flag byte of each bar (`QaFlag` bits: gap, volume outlier, stale, stream stopped), in
 * ascending `openTime`. `ts` is the close time of the last bar (event time of the batch).
 */
export const MarketBatch = z.object({
  type: z.literal("market.batch"),
  symbol: SymbolName,
  /** The replay batch this comes from (0, 1, 2, …); the decision batch echoes it. */
  seq: z.number().int().nonnegative(),
  ts: Ts,
  openTime: F64,
  open: F64,
  high: F64,
  low: F64,
  close: F64,
  volume: F64,
  flags: z.instanceof(Uint8Array),
  length: z.number().int().positive(),
}).refine(
  (b) =>
    [b.openTime, b.open, b.high, b.low, b.close, b.volume, b.flags].every((c) =>
      c.length === b.length
    ),
  { message: "every column must hold exactly `length` values" },
);
/** A parsed market batch. */
export type MarketBatch = z.infer<typeof MarketBatch>;
