import { corwinSchultzSpread } from "./corwin_schultz.ts";
import { fixed8ToNumber, Rounding, roundToStep } from "./fixed8.ts";
import type { BookOptions } from "./sim_exchange_options.ts";

/** The bar fields a derived book needs, in fixed8 (units of 1e-8). */
export interface BookBar {
  high: bigint;
  low: bigint;
  close: bigint;
  /** Base-asset volume of the bar. */
  volume: bigint;
}

/** The price grid of a symbol, in fixed8 (from PRICE_FILTER and LOT_SIZE; 0 = no rule). */
export interface PriceGrid {
  tickSize: bigint;
  stepSize: bigint;
  minPrice: bigint;
  maxPrice: bigint;
}

/** One displayed price level, fixed8. */
export interface BookLevel {
  price: bigint;
  qty: bigint;
}

/** A book derived from the last bar(s). Prices and quantities are fixed8. */
export interface DerivedBook {
  /** Best bid; a bid level is at `bestBid − k·spacing` for k = 0..levels−1. */
  bestBid: bigint;
  /** Best ask, always ≥ bestBid + one tick. */
  bestAsk: bigint;
  /** Distance between consecutive levels (levelSpacingTicks × tick), fixed8. */
  spacing: bigint;
  /** bestAsk − bestBid in ticks, ≥ 1. */
  spreadTicks: bigint;
  /** The raw Corwin–Schultz estimate (fraction of price; NaN with one bar). */
  estimate: number;
  /** Bid levels, best first; levels whose quantity rounds to 0 are left out. */
  bids: BookLevel[];
  /** Ask levels, best first; levels whose quantity rounds to 0 are left out. */
  asks: BookLevel[];
}

/**
 * Derives an order book from bars, for replays where only 1m OHLCV exists. The book is
 * **derived, not recorded**:
 *
 * - mid = the bar's close;
 * - spread = the Corwin–Schultz (2012) estimate from the previous and the current bar
 *   (`corwinSchultzSpread`, gap-adjusted with the previous close when `book.gapAdjust`),
 *   negative or missing (first bar) estimates → 0; times the close, rounded to whole ticks,
 *   never below one tick and capped at `book.maxSpreadBp` of the close (when > 0);
 * - best bid = floor(close / tick) − ⌊n/2⌋ ticks and best ask = best bid + n ticks for a spread of
 *   n ticks, so bid ≤ close < ask and bid < ask always;
 * - `book.levels` levels per side, `book.levelSpacingTicks` ticks apart, the k-th (0 = touch)
 *   holding `levelQuantity(volume, k)` = volume × depthFraction × w_k floored to the lot step, with
 *   geometric weights w_k = (1 − r) r^k / (1 − r^L) (r = `book.decay`; r = 1 gives 1/L each), so
 *   each side shows `depthFraction` of the bar's volume in total.
 *
 * A bar with zero volume gives an empty book (no levels) with the touch still set.
 */
export function deriveBook(
  bar: BookBar,
  grid: PriceGrid,
  options: { prev?: BookBar; book: BookOptions },
): DerivedBook {
  const book = options.book;
  const tick = grid.tickSize > 0n ? grid.tickSize : 1n;
  const close = fixed8ToNumber(bar.close);
  let estimate = Number.NaN;
  if (options.prev !== undefined) {
    const p = options.prev;
    estimate = corwinSchultzSpread(
      { high: fixed8ToNumber(p.high), low: fixed8ToNumber(p.low) },
      { high: fixed8ToNumber(bar.high), low: fixed8ToNumber(bar.low) },
      book.gapAdjust ? { prevClose: fixed8ToNumber(p.close) } : {},
    );
  }
  const tickNum = fixed8ToNumber(tick);
  const rel = Number.isFinite(estimate) && estimate > 0 ? estimate : 0;
  let n = Math.max(1, Math.round((rel * close) / tickNum));
  if (book.maxSpreadBp > 0) {
    n = Math.min(n, Math.max(1, Math.floor((book.maxSpreadBp / 1e4) * close / tickNum)));
  }
  const spreadTicks = BigInt(n);
  const lowest = grid.minPrice > tick ? roundToStep(grid.minPrice, tick, Rounding.CEIL) : tick;
  let bestBid = (bar.close / tick - spreadTicks / 2n) * tick;
  if (bestBid < lowest) bestBid = lowest;
  const bestAsk = bestBid + spreadTicks * tick;
  const spacing = BigInt(book.levelSpacingTicks) * tick;
  const bids: BookLevel[] = [];
  const asks: BookLevel[] = [];
  for (let k = 0; k < book.levels; k++) {
    const qty = levelQuantity(bar.volume, k, { book, stepSize: grid.stepSize });
    if (qty === 0n) continue;
    const bidPrice = bestBid - BigInt(k) * spacing;
    if (bidPrice >= lowest) bids.push({ price: bidPrice, qty });
    const askPrice = bestAsk + BigInt(k) * spacing;
    if (grid.maxPrice === 0n || askPrice <= grid.maxPrice) asks.push({ price: askPrice, qty });
  }
  return { bestBid, bestAsk, spacing, spreadTicks, estimate, bids, asks };
}

const WEIGHT_SCALE = 1_000_000_000_000n;
const weightCache = new WeakMap<BookOptions, bigint[]>();

/**
 * Quantity displayed at level k (0 = touch) of a derived book: volume × depthFraction × w_k
 * (see `deriveBook`), floored to the lot step. The factor depthFraction × w_k is rounded to
 * 1e-12 once per options object and applied in integer arithmetic, so the result is exact and
 * cheap. Also used past the last displayed level, where the geometric decay is continued.
 * Zero or negative volume gives 0.
 */
export function levelQuantity(
  volume: bigint,
  k: number,
  options: { book: BookOptions; stepSize: bigint },
): bigint {
  if (volume <= 0n || k < 0 || !Number.isSafeInteger(k)) return 0n;
  const raw = (volume * levelWeight(options.book, k)) / WEIGHT_SCALE;
  return roundToStep(raw, options.stepSize, Rounding.FLOOR);
}

/** depthFraction × w_k scaled by 1e12, cached for the displayed levels. */
function levelWeight(book: BookOptions, k: number): bigint {
  let cache = weightCache.get(book);
  if (cache === undefined) {
    cache = [];
    weightCache.set(book, cache);
  }
  if (k < book.levels) {
    const hit = cache[k];
    if (hit !== undefined) return hit;
  }
  const { levels, decay, depthFraction } = book;
  const w = decay === 1 ? 1 / levels : ((1 - decay) * decay ** k) / (1 - decay ** levels);
  const scaled = BigInt(Math.floor(depthFraction * w * 1e12));
  if (k < book.levels) cache[k] = scaled;
  return scaled;
}
