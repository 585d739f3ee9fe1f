import { Rounding, roundToStep } from "./fixed8.ts";
import { Side } from "./sim_records.ts";

/** How a bar reached a resting order's price. */
export const MakerRule = { NONE: "none", TOUCH: "touch", THROUGH: "through" } as const;
/** How a bar reached a resting order's price. */
export type MakerRule = typeof MakerRule[keyof typeof MakerRule];

/** The part of a bar the queue rule needs, fixed8. */
export interface MakerBar {
  high: bigint;
  low: bigint;
  volume: bigint;
}

/** What one bar does to one resting order. */
export interface MakerFill {
  /** Quantity filled (on the lot step), 0 when nothing. */
  qty: bigint;
  /** Queue ahead after the bar. */
  queueAhead: bigint;
  rule: MakerRule;
}

/**
 * The queue rule for a resting limit order over one later bar (fixed8 throughout):
 *
 * - **through** — the bar traded strictly beyond the price (low < price for a BUY, high > price
 *   for a SELL). Under price–time priority every order resting at that price, ours included, had
 *   to be filled before a trade could print beyond it: the queue is cleared and the remainder
 *   fills, capped at the bar's whole volume (floored to the lot step) so that one bar never fills
 *   more than was traded in it; the rest waits for later bars.
 * - **touch** — the bar's extreme equals the price. The volume traded at the price is estimated
 *   by spreading the bar's volume uniformly over the ticks of [low, high]:
 *   `volume / ((high − low)/tick + 1)`, floored to 1e-8. It consumes `queueAhead` first; what is
 *   left fills the order, floored to the lot step (partial fills are normal).
 * - **none** — the bar never reached the price.
 *
 * Only traded volume shortens the queue (cancellations ahead of us are not modelled, which is
 * conservative). A maker fill is at the order's own limit price, with no slippage.
 */
export function makerFill(
  order: { side: Side; price: bigint; remaining: bigint; queueAhead: bigint },
  bar: MakerBar,
  options: { tickSize: bigint; stepSize: bigint },
): MakerFill {
  const isBuy = order.side === Side.BUY;
  const edge = isBuy ? bar.low : bar.high;
  const through = isBuy ? edge < order.price : edge > order.price;
  if (through) {
    const cap = roundToStep(bar.volume > 0n ? bar.volume : 0n, options.stepSize, Rounding.FLOOR);
    const qty = order.remaining < cap ? order.remaining : cap;
    return { qty, queueAhead: 0n, rule: MakerRule.THROUGH };
  }
  if (edge !== order.price) return { qty: 0n, queueAhead: order.queueAhead, rule: MakerRule.NONE };
  const tick = options.tickSize > 0n ? options.tickSize : 1n;
  const ticks = (bar.high - bar.low) / tick + 1n;
  const atPrice = bar.volume > 0n ? bar.volume / ticks : 0n;
  const consumed = atPrice < order.queueAhead ? atPrice : order.queueAhead;
  const left = atPrice - consumed;
  const want = left < order.remaining ? left : order.remaining;
  return {
    qty: roundToStep(want, options.stepSize, Rounding.FLOOR),
    queueAhead: order.queueAhead - consumed,
    rule: MakerRule.TOUCH,
  };
}
