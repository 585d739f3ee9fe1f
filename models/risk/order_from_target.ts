import { PolicySide } from "../policy/policy_decision.ts";
import { snapDown } from "./_step.ts";

/** Where one symbol stands and where the policy wants it, in base units. */
export interface TargetInput {
  /** Position the policy wants, ≥ 0 (Spot is long only). */
  targetQty: number;
  /** Position held now, ≥ 0. */
  positionQty: number;
  /** Unfilled quantity of resting buy orders, ≥ 0. @default {0} */
  openBuyQty?: number;
  /** Unfilled quantity of resting sell orders, ≥ 0. @default {0} */
  openSellQty?: number;
  /** LOT_SIZE step; 0 means no step rule. */
  stepSize: number;
  /** LOT_SIZE minimum quantity. @default {0} */
  minQty?: number;
  /** LOT_SIZE maximum quantity per order; larger orders are cut to it. @default {Infinity} */
  maxQty?: number;
}

/**
 * What to do for one target: nothing, cancel the resting orders on one side first, or send one
 * order of `qty` (on the LOT_SIZE step, ≥ minQty).
 */
export type TargetOrder =
  | { readonly kind: "none" }
  | { readonly kind: "cancel"; readonly side: PolicySide }
  | { readonly kind: "order"; readonly side: PolicySide; readonly qty: number };

const NONE: TargetOrder = Object.freeze({ kind: "none" });

/**
 * The order that moves a symbol from where it will stand once its resting orders fill
 * (`pending = positionQty + openBuyQty − openSellQty`) to `targetQty`:
 * - the difference `delta = targetQty − pending` is positive → buy, negative → sell;
 * - resting orders on the opposite side of `delta` are cancelled first (`cancel`, the side of the
 *   orders to cancel); the caller re-evaluates once the cancel is confirmed;
 * - a sell never exceeds what is held and not already offered (`positionQty − openSellQty`):
 *   no short on Spot;
 * - the quantity is snapped down to `stepSize` and cut to `maxQty`; below `minQty` or zero →
 *   `none`. So dust below one step stays held.
 * The notional checks (exchange minimum, floor, cap) are the risk guards' job, not this one's.
 * Throws `RangeError` for a negative or non-finite quantity.
 */
export function orderFromTarget(input: TargetInput): TargetOrder {
  const openBuy = input.openBuyQty ?? 0;
  const openSell = input.openSellQty ?? 0;
  const minQty = input.minQty ?? 0;
  const maxQty = input.maxQty ?? Infinity;
  const fields: Array<[string, number]> = [
    ["targetQty", input.targetQty],
    ["positionQty", input.positionQty],
    ["openBuyQty", openBuy],
    ["openSellQty", openSell],
    ["stepSize", input.stepSize],
    ["minQty", minQty],
  ];
  for (const [name, v] of fields) {
    if (!(v >= 0 && v < Infinity)) {
      throw new RangeError(`Cannot compute an order from a target: ${name} is ${v}`);
    }
  }
  if (!(maxQty > 0)) {
    throw new RangeError(`Cannot compute an order from a target: maxQty is ${maxQty}`);
  }
  const delta = input.targetQty - (input.positionQty + openBuy - openSell);
  if (delta > 0) {
    if (openSell > 0) return Object.freeze({ kind: "cancel", side: PolicySide.SELL });
    return order(PolicySide.BUY, delta, input.stepSize, minQty, maxQty);
  }
  if (delta < 0) {
    if (openBuy > 0) return Object.freeze({ kind: "cancel", side: PolicySide.BUY });
    const sellable = input.positionQty - openSell;
    return order(PolicySide.SELL, Math.min(-delta, sellable), input.stepSize, minQty, maxQty);
  }
  return NONE;
}

function order(
  side: PolicySide,
  raw: number,
  step: number,
  minQty: number,
  maxQty: number,
): TargetOrder {
  const qty = snapDown(Math.min(raw, maxQty), step);
  if (!(qty > 0) || qty < minQty) return NONE;
  return Object.freeze({ kind: "order", side, qty });
}
