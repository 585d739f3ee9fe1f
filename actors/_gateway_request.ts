import type { GatewayOrderRequest } from "../data/gateway.ts";
import type { SymbolRules } from "../data/sim/exchange_info.ts";
import { fixed8FromNumber, formatFixed8, Rounding, roundToStep } from "../data/sim/fixed8.ts";
import type { OrderSubmit } from "./messages/order_submit.ts";

/**
 * The gateway request of an order request: the float quantity and price are taken to 8 decimals
 * (`fixed8FromNumber`, half up, which removes float noise such as 0.01597999999), then snapped to
 * the exchange grid exactly: quantity down to the LOT_SIZE step, a buy price down and a sell price
 * up to the tick (away from the market, never crossing what risk decided). A quantity that snaps
 * to 0 is still sent: the exchange rejects it with its own code.
 */
export function gatewayRequest(order: OrderSubmit, rules: SymbolRules): GatewayOrderRequest {
  const step = rules.lotSize?.stepSize ?? 0n;
  const tick = rules.priceFilter?.tickSize ?? 0n;
  const qty = roundToStep(fixed8FromNumber(order.qty), step, Rounding.FLOOR);
  let price: string | null = null;
  if (order.orderType === "LIMIT" && order.price !== null) {
    const raw = fixed8FromNumber(order.price);
    price = formatFixed8(
      roundToStep(raw, tick, order.side === "BUY" ? Rounding.FLOOR : Rounding.CEIL),
    );
  }
  return {
    symbol: order.symbol,
    side: order.side,
    type: order.orderType,
    timeInForce: order.timeInForce,
    quantity: formatFixed8(qty),
    price,
    clientOrderId: order.clientOrderId,
    confidence: order.conf,
  };
}
