import { z } from "zod";
import { Decimal, SymbolName, Ts } from "./_fields.ts";
import { FillReceived } from "./fill_received.ts";
import { OrderUpdated } from "./order_updated.ts";

/** One order update or fill, in the order the exchange reported them. */
export const ExecutionEvent = z.discriminatedUnion("type", [OrderUpdated, FillReceived]);
/** One order update or fill. */
export type ExecutionEvent = z.infer<typeof ExecutionEvent>;

/** The touch of one symbol's book. */
export const Quote = z.object({ symbol: SymbolName, bestBid: Decimal, bestAsk: Decimal });
/** The touch of one symbol's book. */
export type Quote = z.infer<typeof Quote>;

/**
 * What the exchange reported while the execution actor handled one command: order updates and
 * fills in exchange order, each tagged in `minute` with the index of the market minute during
 * which it happened (−1 when it was not caused by market data, e.g. an order placement), and the
 * touch of every symbol's book afterwards. The execution actor's reply, and the portfolio-risk
 * actor's input (`execution.reported`).
 */
export const ExecutionReported = z.object({
  type: z.literal("execution.reported"),
  ts: Ts,
  events: z.array(ExecutionEvent),
  minute: z.array(z.number().int().min(-1)),
  quotes: z.array(Quote),
}).refine((r) => r.minute.length === r.events.length, {
  message: "minute must tag every event",
});
/** A parsed execution report. */
export type ExecutionReported = z.infer<typeof ExecutionReported>;
