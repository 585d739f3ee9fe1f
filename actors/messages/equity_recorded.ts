import { z } from "zod";
import { Ts } from "./_fields.ts";

const F64 = z.instanceof(Float64Array);

/**
 * `equity.csv` rows of the portfolio-risk actor's book, one per market minute of the traded span,
 * as columns of length `rows` (floats; the recorder writes them on the 8-decimal grid so that
 * `equity = cash + positions_value` holds exactly in every written row). `barTs` is the minute's
 * close time; `drawdown` is a fraction of peak equity.
 */
export const EquityRecorded = z.object({
  type: z.literal("equity.recorded"),
  ts: Ts,
  rows: z.number().int().nonnegative(),
  barTs: F64,
  cash: F64,
  positionsValue: F64,
  drawdown: F64,
  grossExposure: F64,
  netExposure: F64,
}).refine(
  (e) =>
    [e.barTs, e.cash, e.positionsValue, e.drawdown, e.grossExposure, e.netExposure].every((c) =>
      c.length === e.rows
    ),
  { message: "every column must hold `rows` values" },
);
/** A parsed equity batch. */
export type EquityRecorded = z.infer<typeof EquityRecorded>;
