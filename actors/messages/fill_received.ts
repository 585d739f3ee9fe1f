import { z } from "zod";
import { Decimal, ModelVersion, Num, OrderSide, SymbolName, Ts } from "./_fields.ts";

/**
 * One execution of one order (one `trades.csv` row), with what it saw: the touch of the book
 * (`bestBid`/`bestAsk`), the queue ahead of a maker order when it was placed, how far a taker
 * price is beyond the touch (`slippageBp`). Amounts are the exchange's exact decimals; `fee` is in
 * `feeAsset` (the asset received: base on a buy, quote on a sell). `state`/`macroState` are those
 * of the decision that placed the order.
 */
export const FillReceived = z.object({
  type: z.literal("fill.received"),
  ts: Ts,
  symbol: SymbolName,
  orderId: z.number().int(),
  clientOrderId: z.string().min(1),
  tradeId: z.number().int(),
  side: OrderSide,
  price: Decimal,
  qty: Decimal,
  quoteQty: Decimal,
  fee: Decimal,
  feeAsset: z.string().min(1),
  liquidity: z.enum(["maker", "taker"]),
  slippageBp: Num,
  bestBid: Decimal,
  bestAsk: Decimal,
  queueAhead: Decimal,
  modelVersion: ModelVersion,
  state: z.number().int(),
  macroState: z.number().int(),
});
/** A parsed fill. */
export type FillReceived = z.infer<typeof FillReceived>;
