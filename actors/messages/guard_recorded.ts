import { z } from "zod";
import { Num, ReasonList, SymbolName, Ts } from "./_fields.ts";

/**
 * One `guardrails.csv` row (`ts,symbol,action,reasons,value,threshold,detail`), from a symbol
 * guard (in the symbol actor) or a portfolio guard (in the portfolio-risk actor). `level` says
 * which; it is not a CSV column.
 */
export const GuardRecorded = z.object({
  type: z.literal("guard.recorded"),
  ts: Ts,
  symbol: SymbolName,
  level: z.enum(["symbol", "portfolio"]),
  action: z.enum(["block", "scale", "cancel"]),
  reasons: ReasonList,
  value: Num,
  threshold: Num,
  detail: z.string(),
});
/** A parsed guard row. */
export type GuardRecorded = z.infer<typeof GuardRecorded>;
