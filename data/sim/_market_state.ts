import { type BookLevel, deriveBook, type DerivedBook, type PriceGrid } from "./derived_book.ts";
import { divRound, fixed8ToNumber, formatFixed8, Rounding } from "./fixed8.ts";
import type { SymbolRules } from "./exchange_info.ts";
import type { BarRecord } from "./sim_records.ts";
import type { SimExchangeOptions } from "./sim_exchange_options.ts";
import { volatilityBp } from "./slippage_bp.ts";

/** A bar as kept by the engine: fixed8 prices and volume, plus the close as a float. */
export interface StoredBar {
  openTime: number;
  closeTime: number;
  open: bigint;
  high: bigint;
  low: bigint;
  close: bigint;
  volume: bigint;
  closeNum: number;
}

const DAY_MS = 86_400_000;

/**
 * Market state of one symbol: the recent bars (enough for the 24 h ticker, the volatility window
 * and the average price), the derived book of the last bar (cached), and the quantity takers have
 * already consumed from each displayed level since that bar. `lastUpdateId` counts book changes:
 * +1 per bar and +1 per taker order that consumed levels.
 */
export class SymbolMarket {
  readonly rules: SymbolRules;
  readonly grid: PriceGrid;
  lastUpdateId = 0;
  #options: SimExchangeOptions;
  #bars: StoredBar[] = [];
  #start = 0;
  #keep: number;
  #book: DerivedBook | null = null;
  /** Consumed quantity per level price, per side (reset by each bar). */
  readonly consumed = { bids: new Map<bigint, bigint>(), asks: new Map<bigint, bigint>() };

  constructor(rules: SymbolRules, options: SimExchangeOptions) {
    this.rules = rules;
    this.#options = options;
    this.grid = {
      tickSize: rules.priceFilter?.tickSize ?? 0n,
      stepSize: rules.lotSize?.stepSize ?? 0n,
      minPrice: rules.priceFilter?.minPrice ?? 0n,
      maxPrice: rules.priceFilter?.maxPrice ?? 0n,
    };
    const avgMins = Math.max(
      rules.notional?.avgPriceMins ?? 0,
      rules.percentPrice?.avgPriceMins ?? 0,
    );
    this.#keep = Math.max(
      Math.ceil(DAY_MS / options.barIntervalMs),
      options.slippage.volWindow,
      Math.ceil((avgMins * 60_000) / options.barIntervalMs),
      2,
    ) + 1;
  }

  /** Number of bars kept. */
  get barCount(): number {
    return this.#bars.length - this.#start;
  }

  /** The last bar, or null before the first. */
  get last(): StoredBar | null {
    return this.#bars.length > this.#start ? this.#bars[this.#bars.length - 1] : null;
  }

  /** The bar before the last, or null. */
  get previous(): StoredBar | null {
    return this.#bars.length - this.#start >= 2 ? this.#bars[this.#bars.length - 2] : null;
  }

  /** The kept bars, oldest first (a copy). */
  bars(): StoredBar[] {
    return this.#bars.slice(this.#start);
  }

  /** Appends a bar (already validated and in order) and resets the derived book. */
  addBar(bar: StoredBar): void {
    this.#bars.push(bar);
    if (this.#bars.length - this.#start > this.#keep) this.#start++;
    if (this.#start > 4096) {
      this.#bars = this.#bars.slice(this.#start);
      this.#start = 0;
    }
    this.#book = null;
    this.consumed.bids.clear();
    this.consumed.asks.clear();
    this.lastUpdateId++;
  }

  /** The book derived from the last bar (and the one before it), or null before any bar. */
  book(): DerivedBook | null {
    if (this.#book !== null) return this.#book;
    const last = this.last;
    if (last === null) return null;
    this.#book = deriveBook(last, this.grid, {
      prev: this.previous ?? undefined,
      book: this.#options.book,
    });
    return this.#book;
  }

  /** Displayed levels of one side after what takers consumed, best first, empty ones left out. */
  levels(side: "bids" | "asks"): BookLevel[] {
    const book = this.book();
    if (book === null) return [];
    const used = this.consumed[side];
    const out: BookLevel[] = [];
    for (const l of book[side]) {
      const left = l.qty - (used.get(l.price) ?? 0n);
      if (left > 0n) out.push({ price: l.price, qty: left });
    }
    return out;
  }

  /** Records that a taker took `qty` from the level at `price` of `side`. */
  consume(side: "bids" | "asks", price: bigint, qty: bigint): void {
    const used = this.consumed[side];
    used.set(price, (used.get(price) ?? 0n) + qty);
  }

  /**
   * The average price over the last `mins` minutes of bars, as Binance's avgPrice approximated
   * from bars: Σ typical × volume / Σ volume with typical = (high + low + close)/3, rounded to
   * 1e-8; the last close when `mins` is 0 or the window has no volume. Null before any bar.
   */
  avgPrice(mins: number): bigint | null {
    const last = this.last;
    if (last === null) return null;
    if (mins <= 0) return last.close;
    const from = last.closeTime + 1 - mins * 60_000;
    let pv = 0n;
    let v = 0n;
    for (let i = this.#bars.length - 1; i >= this.#start; i--) {
      const b = this.#bars[i];
      if (b.openTime < from) break;
      pv += (b.high + b.low + b.close) * b.volume;
      v += b.volume;
    }
    if (v === 0n) return last.close;
    return divRound(pv, 3n * v, Rounding.HALF_UP);
  }

  /** Stdev of 1-bar log returns over the last `volWindow` bars, bp (0 with fewer than 3 bars). */
  volBp(): number {
    const n = Math.min(this.#options.slippage.volWindow, this.barCount);
    const closes = new Float64Array(n);
    for (let i = 0; i < n; i++) closes[i] = this.#bars[this.#bars.length - n + i].closeNum;
    return volatilityBp(closes);
  }

  /** (high − low) / close of the last bar, bp (0 before any bar). */
  scatterBp(): number {
    const last = this.last;
    if (last === null || last.close === 0n) return 0;
    return (fixed8ToNumber(last.high - last.low) / last.closeNum) * 1e4;
  }

  /** The bars whose open time is within 24 h of the last bar's close. */
  dayBars(): StoredBar[] {
    const last = this.last;
    if (last === null) return [];
    const from = last.closeTime + 1 - DAY_MS;
    const out: StoredBar[] = [];
    for (let i = this.#start; i < this.#bars.length; i++) {
      if (this.#bars[i].openTime >= from) out.push(this.#bars[i]);
    }
    return out;
  }

  /** The bar just before the 24 h window, or null. */
  beforeDay(): StoredBar | null {
    const last = this.last;
    if (last === null) return null;
    const from = last.closeTime + 1 - DAY_MS;
    let prev: StoredBar | null = null;
    for (let i = this.#start; i < this.#bars.length; i++) {
      if (this.#bars[i].openTime >= from) break;
      prev = this.#bars[i];
    }
    return prev;
  }
}

/** A stored bar as a Binance-like kline record. */
export function barRecord(b: StoredBar): BarRecord {
  return {
    openTime: b.openTime,
    open: formatFixed8(b.open),
    high: formatFixed8(b.high),
    low: formatFixed8(b.low),
    close: formatFixed8(b.close),
    volume: formatFixed8(b.volume),
    closeTime: b.closeTime,
  };
}
