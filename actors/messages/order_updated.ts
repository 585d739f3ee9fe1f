import { z } from "zod";
import {
  Decimal,
  ModelVersion,
  OrderSide,
  OrderStatusName,
  OrderTypeName,
  SymbolName,
  TimeInForceName,
  Ts,
} from "./_fields.ts";

/**
 * An order's status changed (one `orders.csv` row): accepted (`NEW`), partly or wholly filled,
 * cancelled (by TTL, a re-target, or a guard), expired (an IOC/MARKET remainder) or rejected.
 * Amounts are the exchange's exact decimals. `reason` is "" for a normal change, the Binance
 * reject as `<code> <msg>` for a reject, or why we cancelled (`ttl`, `retarget`).
 */
export const OrderUpdated = z.object({
  type: z.literal("order.updated"),
  ts: Ts,
  symbol: SymbolName,
  clientOrderId: z.string().min(1),
  /** The exchange's order id; null when the exchange rejected the order. */
  exchangeOrderId: z.number().int().nullable(),
  side: OrderSide,
  orderType: OrderTypeName,
  timeInForce: TimeInForceName,
  /** Limit price; "0" for a MARKET order. */
  price: Decimal,
  qty: Decimal,
  executedQty: Decimal,
  status: OrderStatusName,
  reason: z.string(),
  modelVersion: ModelVersion,
});
/** A parsed order update. */
export type OrderUpdated = z.infer<typeof OrderUpdated>;
