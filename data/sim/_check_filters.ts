import type { ParsedOrder } from "./_order_request.ts";
import { FilterType, type LotRule } from "./exchange_info.ts";
import { FIXED8_ONE } from "./fixed8.ts";
import { SimReject } from "./sim_reject.ts";
import { OrderType, Side } from "./sim_records.ts";

/** What the filters need besides the order: the average price and the open-order count. */
export interface FilterContext {
  /** Average price over `mins` minutes (fixed8), or null when no market data exists yet. */
  avgPrice: (mins: number) => bigint | null;
  /** Open orders of the account on the symbol. */
  openOrders: number;
}

/**
 * Applies the symbol's filters in the order the symbol lists them and returns the first failure
 * as Binance's `-1013 Filter failure: <NAME>`, or null when all pass. Exact in fixed8:
 *
 * - PRICE_FILTER (LIMIT, LIMIT_MAKER): minPrice ≤ price ≤ maxPrice, price % tickSize = 0; a 0
 *   turns a rule off.
 * - PERCENT_PRICE / PERCENT_PRICE_BY_SIDE (priced orders): avg × down ≤ price ≤ avg × up with
 *   the side's multipliers; skipped before any market data.
 * - LOT_SIZE (every order with a quantity): minQty ≤ qty ≤ maxQty (0 = off), qty % stepSize = 0.
 * - MARKET_LOT_SIZE (MARKET with a quantity): the same with its own bounds; step 0 = no step rule.
 * - MIN_NOTIONAL / NOTIONAL: price × qty ≥ minNotional (and ≤ maxNotional for NOTIONAL). For
 *   MARKET the min (max) side applies only with applyToMarket/applyMinToMarket
 *   (applyMaxToMarket), priced at the `avgPriceMins` average price, or taken as quoteOrderQty.
 * - MAX_NUM_ORDERS: fewer open orders than the maximum on the symbol.
 *
 * After the filters, a zero price × quantity gives -2010 "Price * QTY is zero or less.".
 */
export function checkFilters(o: ParsedOrder, ctx: FilterContext): SimReject | null {
  const r = o.rules;
  const isMarket = o.type === OrderType.MARKET;
  for (const name of r.filterOrder) {
    switch (name) {
      case FilterType.PRICE_FILTER: {
        const f = r.priceFilter;
        if (f === null || o.price === null) break;
        if (f.minPrice > 0n && o.price < f.minPrice) return SimReject.filter(name);
        if (f.maxPrice > 0n && o.price > f.maxPrice) return SimReject.filter(name);
        if (f.tickSize > 0n && o.price % f.tickSize !== 0n) return SimReject.filter(name);
        break;
      }
      case FilterType.PERCENT_PRICE:
      case FilterType.PERCENT_PRICE_BY_SIDE: {
        const f = r.percentPrice;
        if (f === null || o.price === null) break;
        const avg = ctx.avgPrice(f.avgPriceMins);
        if (avg === null) break;
        const up = o.side === Side.BUY ? f.bidMultiplierUp : f.askMultiplierUp;
        const down = o.side === Side.BUY ? f.bidMultiplierDown : f.askMultiplierDown;
        const scaled = o.price * FIXED8_ONE;
        if (scaled > avg * up || scaled < avg * down) return SimReject.filter(f.filterType);
        break;
      }
      case FilterType.LOT_SIZE:
        if (o.qty !== null && r.lotSize !== null && !lotOk(o.qty, r.lotSize)) {
          return SimReject.filter(name);
        }
        break;
      case FilterType.MARKET_LOT_SIZE:
        if (
          isMarket && o.qty !== null && r.marketLotSize !== null && !lotOk(o.qty, r.marketLotSize)
        ) {
          return SimReject.filter(name);
        }
        break;
      case FilterType.MIN_NOTIONAL:
      case FilterType.NOTIONAL: {
        const f = r.notional;
        if (f === null) break;
        let notional: bigint | null = null; // units of 1e-16
        if (!isMarket && o.price !== null && o.qty !== null) {
          notional = o.price * o.qty;
        } else if (isMarket && o.quoteQty !== null) {
          notional = o.quoteQty * FIXED8_ONE;
        } else if (isMarket && o.qty !== null) {
          const avg = ctx.avgPrice(f.avgPriceMins);
          notional = avg === null ? null : avg * o.qty;
        }
        if (notional === null) break;
        const checkMin = !isMarket || f.applyMinToMarket;
        const checkMax = f.maxNotional !== null && f.maxNotional > 0n &&
          (!isMarket || f.applyMaxToMarket);
        if (checkMin && notional < f.minNotional * FIXED8_ONE) {
          return SimReject.filter(f.filterType);
        }
        if (checkMax && notional > f.maxNotional! * FIXED8_ONE) {
          return SimReject.filter(f.filterType);
        }
        break;
      }
      case FilterType.MAX_NUM_ORDERS:
        if (r.maxNumOrders !== null && ctx.openOrders >= r.maxNumOrders) {
          return SimReject.filter(name);
        }
        break;
    }
  }
  if (o.qty === 0n || o.quoteQty === 0n || o.price === 0n) return SimReject.zeroNotional();
  return null;
}

function lotOk(qty: bigint, lot: LotRule): boolean {
  if (qty < lot.minQty) return false;
  if (lot.maxQty > 0n && qty > lot.maxQty) return false;
  if (lot.stepSize > 0n && qty % lot.stepSize !== 0n) return false;
  return true;
}
