import type { BookLevel } from "./derived_book.ts";
import { divFixed8, fixed8ToNumber, mulFixed8, Rounding, roundToStep } from "./fixed8.ts";
import { Side } from "./sim_records.ts";

/** One planned taker fill, fixed8. */
export interface WalkFill {
  /** Index of the level in the list walked. */
  level: number;
  /** The level's price (what the taker hit). */
  levelPrice: bigint;
  /** The fill price after slippage (never better than `levelPrice` for the taker). */
  price: bigint;
  qty: bigint;
  /** price × qty on the 8-decimal grid: rounded up for a buyer, down for a seller. */
  quoteQty: bigint;
}

/** The plan of a taker order over a book side, before anything is applied. */
export interface WalkPlan {
  fills: WalkFill[];
  qty: bigint;
  quote: bigint;
  /**
   * Why the walk ended: `complete` (the quantity is reached, or no further lot step fits the
   * quote amount left), `limit` (the next level is beyond the limit price) or `levels` (the
   * displayed levels ran out first).
   */
  end: "complete" | "limit" | "levels";
}

/** What a taker wants: a base quantity or a quote amount, optionally bounded by a limit price. */
export interface WalkRequest {
  side: Side;
  /** Worst acceptable level price; null for MARKET. */
  limitPrice: bigint | null;
  /** Base quantity to trade (LIMIT, MARKET quantity), or null for quoteOrderQty. */
  qty: bigint | null;
  /** Quote amount to spend or receive (MARKET quoteOrderQty), or null. */
  quoteQty: bigint | null;
}

/**
 * Plans a taker order walking the opposite side of the book, best level first. Each level's
 * price is moved `slipBp` basis points against the taker and snapped to the tick away from the
 * taker (up for a buy, down for a sell; a 1e-9-tick tolerance absorbs float noise), then bounded
 * by the limit price, so a buy never fills below the level it hits nor a sell above it. Levels
 * beyond the limit are not touched. Quantities stay on the lot step; a quote-amount order takes
 * at each level the largest step multiple whose cost fits what is left.
 */
export function planTakerWalk(
  levels: readonly BookLevel[],
  req: WalkRequest,
  options: { slipBp: number; tickSize: bigint; stepSize: bigint; minPrice: bigint },
): WalkPlan {
  const isBuy = req.side === Side.BUY;
  const tick = options.tickSize > 0n ? options.tickSize : 1n;
  const tickNum = fixed8ToNumber(tick);
  const floorPrice = options.minPrice > tick ? options.minPrice : tick;
  const fills: WalkFill[] = [];
  let qty = 0n;
  let quote = 0n;
  let end: WalkPlan["end"] = "levels";
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i];
    if (req.limitPrice !== null) {
      if (isBuy ? level.price > req.limitPrice : level.price < req.limitPrice) {
        end = "limit";
        break;
      }
    }
    const extra = options.slipBp > 0
      ? BigInt(
        Math.max(
          0,
          Math.ceil((fixed8ToNumber(level.price) * options.slipBp) / 1e4 / tickNum - 1e-9),
        ),
      )
      : 0n;
    let price = isBuy ? level.price + extra * tick : level.price - extra * tick;
    if (!isBuy && price < floorPrice) price = floorPrice < level.price ? floorPrice : level.price;
    if (req.limitPrice !== null) {
      if (isBuy && price > req.limitPrice) price = req.limitPrice;
      if (!isBuy && price < req.limitPrice) price = req.limitPrice;
    }
    let q: bigint;
    if (req.qty !== null) {
      const left = req.qty - qty;
      q = left < level.qty ? left : level.qty;
    } else {
      const leftQuote = (req.quoteQty ?? 0n) - quote;
      q = roundToStep(
        divFixed8(leftQuote, price, Rounding.FLOOR),
        options.stepSize,
        Rounding.FLOOR,
      );
      if (q > level.qty) q = level.qty;
      if (isBuy && q > 0n && mulFixed8(price, q, Rounding.CEIL) > leftQuote) {
        q -= options.stepSize > 0n ? options.stepSize : 1n;
      }
    }
    if (q <= 0n) {
      end = "complete";
      break;
    }
    const quoteQty = mulFixed8(price, q, isBuy ? Rounding.CEIL : Rounding.FLOOR);
    fills.push({ level: i, levelPrice: level.price, price, qty: q, quoteQty });
    qty += q;
    quote += quoteQty;
    if (req.qty !== null && qty >= req.qty) {
      end = "complete";
      break;
    }
  }
  if (req.qty !== null && qty >= req.qty) end = "complete";
  return { fills, qty, quote, end };
}
