import { PolicySide } from "../policy/policy_decision.ts";
import { ReasonCode } from "../reason_code.ts";
import { snapDown, snapUp } from "./_step.ts";

/** The market around one limit order. */
export interface AnchorQuote {
  /** Best bid (observed, or of the derived book), > 0. */
  bestBid: number;
  /** Best ask, > bestBid. */
  bestAsk: number;
  /** Session VWAP (`FeatureEngine.session.vwap`), > 0. */
  vwap: number;
  /** Half-width of the band around the VWAP, bp (`SymbolConfig.vwapBandBp`), ≥ 0. */
  bandBp: number;
  /** PRICE_FILTER tick size, > 0. */
  tickSize: number;
}

/** A limit price, or no order with the reason. */
export type LimitAnchor =
  | {
    readonly kind: "price";
    /** The limit price, on the tick grid. */
    readonly price: number;
    /** The band edge on the order's side: vwap·(1 + band) for a buy, vwap·(1 − band) for a sell. */
    readonly bandEdge: number;
    /** True when the band held the price back from the touch (the market ran beyond the band). */
    readonly clamped: boolean;
  }
  | { readonly kind: "none"; readonly reason: ReasonCode; readonly detail: string };

/**
 * The limit price of a passive order anchored to the session VWAP (issue 6, "VWAP anchoring"):
 * - buy: `min(bestBid, bestAsk − tick, vwap·(1 + bandBp/1e4))`, snapped down to the tick;
 * - sell: `max(bestAsk, bestBid + tick, vwap·(1 − bandBp/1e4))`, snapped up to the tick.
 *
 * The order joins its own side of the book (never crosses the spread: it is a maker order) and
 * never chases beyond the band: when the market has run past the band edge (a bid above the
 * upper edge for a buy), the order rests at the band edge and `clamped` is true; it fills only if
 * the market comes back, and the execution actor cancels it after `limitTtlMs`. Snapping moves
 * away from the market (buys down, sells up), so the price never leaves the band.
 *
 * `options.exit`: an order that lowers a held position is not held back by the band (price = the
 * touch, `clamped` false): the band must never trap a position in a falling market.
 *
 * Returns `none` with `DATA` when a price is not finite or not positive, the book is crossed or
 * locked (bid ≥ ask), the band is negative, or the snapped price is not positive.
 */
export function anchorLimitPrice(
  side: PolicySide,
  quote: AnchorQuote,
  options: { exit?: boolean } = {},
): LimitAnchor {
  const { bestBid, bestAsk, vwap, bandBp, tickSize } = quote;
  const finite = [bestBid, bestAsk, vwap, bandBp, tickSize].every(Number.isFinite);
  if (!finite || bestBid <= 0 || vwap <= 0 || tickSize <= 0 || bandBp < 0 || bestBid >= bestAsk) {
    return none(
      `bestBid=${bestBid};bestAsk=${bestAsk};vwap=${vwap};bandBp=${bandBp};tickSize=${tickSize}`,
    );
  }
  const exit = options.exit === true;
  if (side === PolicySide.BUY) {
    const edge = vwap * (1 + bandBp / 1e4);
    const touch = Math.min(bestBid, bestAsk - tickSize);
    const clamped = !exit && edge < touch;
    const price = snapDown(clamped ? edge : touch, tickSize);
    if (!(price > 0)) return none(`price=${price};bandEdge=${edge};tickSize=${tickSize}`);
    return Object.freeze({ kind: "price", price, bandEdge: edge, clamped });
  }
  const edge = vwap * (1 - bandBp / 1e4);
  const touch = Math.max(bestAsk, bestBid + tickSize);
  const clamped = !exit && edge > touch;
  const price = snapUp(clamped ? edge : touch, tickSize);
  if (!(price > 0)) return none(`price=${price};bandEdge=${edge};tickSize=${tickSize}`);
  return Object.freeze({ kind: "price", price, bandEdge: edge, clamped });
}

function none(detail: string): LimitAnchor {
  return Object.freeze({ kind: "none", reason: ReasonCode.DATA, detail });
}
