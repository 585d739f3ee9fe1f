import { z } from "zod";
import {
  ModelVersion,
  Num,
  OrderKind,
  OrderSide,
  SymbolName,
  TimeInForceName,
  Ts,
} from "./_fields.ts";

/**
 * Binance's `newClientOrderId` pattern; ours are `sh-<symbol>-<ts base 36>-<n>` (at most 36
 * characters for any symbol of up to 20 characters).
 */
export const CLIENT_ORDER_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;

/**
 * An `OrderRequest` from the portfolio-risk actor to the execution actor. `clientOrderId` is
 * derived from the intent (symbol, decision time, a counter), so sending the same request twice
 * (a retry, a replay after a restart) never places two orders: the execution actor answers a
 * known id from its journal. `qty` is on the LOT_SIZE step and `price` on the tick (the gateway
 * re-checks both on the exact 8-decimal grid); `price` is null for a MARKET order.
 */
export const OrderSubmit = z.object({
  type: z.literal("order.submit"),
  ts: Ts,
  symbol: SymbolName,
  clientOrderId: z.string().regex(CLIENT_ORDER_ID),
  side: OrderSide,
  orderType: OrderKind,
  timeInForce: TimeInForceName,
  qty: Num.positive(),
  price: Num.positive().nullable(),
  modelVersion: ModelVersion,
  state: z.number().int(),
  macroState: z.number().int(),
  /** Posterior confidence of the decision (the simulated exchange's slippage reads it). */
  conf: Num.min(0).max(1),
});
/** A parsed order request. */
export type OrderSubmit = z.infer<typeof OrderSubmit>;

/**
 * The deterministic client order id of the `n`-th order (0, 1, …) of `symbol` decided at `ts`:
 * `sh-<symbol>-<ts in base 36>-<n>`.
 */
export function clientOrderIdFor(symbol: string, ts: number, n: number): string {
  return `sh-${symbol}-${ts.toString(36)}-${n}`;
}
