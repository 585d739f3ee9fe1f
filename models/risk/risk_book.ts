import { z } from "zod";
import { PolicySide } from "../policy/policy_decision.ts";

/** Which asset a fill's fee was taken in (Binance takes it in the asset received by default). */
export const FeeAsset = { BASE: "base", QUOTE: "quote" } as const;
/** One fee asset. */
export type FeeAsset = typeof FeeAsset[keyof typeof FeeAsset];

/** One execution of one order, as the risk book needs it. */
export interface BookFill {
  symbol: string;
  side: PolicySide;
  /** Executed base quantity, > 0. */
  qty: number;
  /** Execution price, quote per base, > 0. */
  price: number;
  /** Fee amount in `feeAsset` units, ≥ 0. */
  fee: number;
  feeAsset: FeeAsset;
  /** Event time of the fill, ms. */
  ts: number;
}

/** One symbol in the book; read it through `RiskBook.position()`. */
export interface PositionView {
  /** Base units held, ≥ 0. */
  readonly qty: number;
  /** Quote paid for what is held (cost basis, fees included); 0 when flat. */
  readonly costQuote: number;
  /** Last mark price; NaN until the first mark or fill. */
  readonly mark: number;
  /** Time of the last mark, ms; NaN until the first. */
  readonly markTs: number;
  /** Unfilled base quantity of resting buy orders. */
  readonly openBuyQty: number;
  /** Unfilled base quantity of resting sell orders. */
  readonly openSellQty: number;
  /** Time of the last order placed on this symbol, ms; −Infinity before the first. */
  readonly lastOrderTs: number;
  /** Realized profit and loss of the sells, quote, fees included. */
  readonly realizedPnlQuote: number;
}

/** One row of `equity.csv` (`ts,cash,positions_value,equity,drawdown,gross_exposure,net_exposure`). */
export interface EquityRow {
  ts: number;
  cash: number;
  positionsValue: number;
  /** Exactly cash + positionsValue. */
  equity: number;
  /** (all-time peak − equity) / all-time peak, a fraction ≥ 0 (not the DD guard's window). */
  drawdown: number;
  grossExposure: number;
  netExposure: number;
}

const Num = z.number();
const NullableNum = z.number().nullable();
/** The whole state of a `RiskBook` as plain JSON (no NaN or Infinity: null stands for none). */
export const RiskBookSnapshot = z.object({
  format: z.literal(1),
  cash: Num,
  peakEquity: Num,
  /** The drawdown window, ms; null: all-time. */
  drawdownWindowMs: Num.positive().nullable(),
  /**
   * The window's candidate peaks, oldest first: [ts, equity] pairs with strictly increasing ts
   * and strictly decreasing equity (a monotonic queue); empty before the first sample and for an
   * all-time window.
   */
  windowPeaks: z.array(z.tuple([Num, Num])),
  lastOrderTs: NullableNum,
  killed: z.boolean(),
  /** By symbol, sorted by symbol name. */
  positions: z.record(
    z.string().min(1),
    z.object({
      qty: Num.nonnegative(),
      costQuote: Num,
      mark: NullableNum,
      markTs: NullableNum,
      openBuyQty: Num.nonnegative(),
      openSellQty: Num.nonnegative(),
      lastOrderTs: NullableNum,
      realizedPnlQuote: Num,
    }),
  ),
});
/** The whole state of a `RiskBook`. */
export type RiskBookSnapshot = z.infer<typeof RiskBookSnapshot>;

interface Position {
  qty: number;
  costQuote: number;
  mark: number;
  markTs: number;
  openBuyQty: number;
  openSellQty: number;
  lastOrderTs: number;
  realizedPnlQuote: number;
}

const FLAT: PositionView = Object.freeze({
  qty: 0,
  costQuote: 0,
  mark: Number.NaN,
  markTs: Number.NaN,
  openBuyQty: 0,
  openSellQty: 0,
  lastOrderTs: -Infinity,
  realizedPnlQuote: 0,
});

/** Quantities within this relative distance of zero after a sell count as flat. */
const DUST = 1e-12;

/** Options of `RiskBook`. */
export interface RiskBookOptions {
  /** Starting quote balance, ≥ 0. */
  cashQuote: number;
  /**
   * Length of the trailing window of the DD guard's peak, ms (> 0); Infinity: the all-time peak.
   * @default {Infinity}
   */
  drawdownWindowMs?: number;
}

/**
 * The portfolio-risk actor's book: cash, positions with cost basis and marks, resting order
 * quantities, last order times (per symbol and global), the kill switch and the peak equity.
 * Pure state: every time comes in as a `ts` argument.
 *
 * - equity = cash + positions value, positions value = Σ qty · mark (Spot is long only, so gross
 *   exposure Σ |qty · mark| equals net exposure Σ qty · mark while no position is negative);
 * - equity is sampled after every fill and every mark, at the fill's or mark's ts (never earlier
 *   than the previous sample); the starting cash counts as a sample at the first sample's ts;
 * - peak equity (all-time) starts at the starting cash and rises whenever a sample is above it;
 *   drawdown = max(0, (peak − equity) / peak): the figure of `equity.csv` and the run summary;
 * - the DD guard's peak is the window peak: the highest sample with ts in (t − W, t] for
 *   W = `drawdownWindowMs`, and never below current equity; windowDrawdown(t) =
 *   max(0, (windowPeak(t) − equity) / windowPeak(t)). A loss therefore stops blocking new risk
 *   once its peak is older than W, so a book that went flat after a drawdown can trade again
 *   (the all-time drawdown of a flat book never recovers). Kept as a monotonic queue of
 *   (ts, equity) with at most one entry per distinct sample ts in the window;
 * - a buy fill pays qty · price from cash; a base fee lowers the quantity received, a quote fee is
 *   paid from cash; both raise the cost basis per unit. A sell fill releases the average cost
 *   of the quantity sold and books realized PnL = proceeds − quote fee − released cost;
 * - the first fill of a symbol without a mark sets its mark to the fill price.
 */
export class RiskBook {
  #cash: number;
  #peak: number;
  readonly #windowMs: number;
  /** Monotonic queue of window peak candidates from `#head` on (older entries are dead). */
  #qTs: number[] = [];
  #qEq: number[] = [];
  #head = 0;
  #lastSampleTs = -Infinity;
  #lastOrderTs = -Infinity;
  #killed = false;
  readonly #positions = new Map<string, Position>();

  /**
   * Throws `RangeError` for a non-finite or negative starting cash, or a drawdown window that is
   * not > 0.
   */
  constructor(options: RiskBookOptions) {
    const cash = options.cashQuote;
    if (!(cash >= 0 && cash < Infinity)) {
      throw new RangeError(`Cannot open a risk book: cashQuote is ${cash}`);
    }
    const w = options.drawdownWindowMs ?? Infinity;
    if (!(w > 0)) throw new RangeError(`Cannot open a risk book: drawdownWindowMs is ${w}`);
    this.#windowMs = w;
    this.#cash = cash;
    this.#peak = cash;
  }

  /** The DD guard's window, ms; Infinity for the all-time peak. */
  get drawdownWindowMs(): number {
    return this.#windowMs;
  }

  /** Free quote balance (what is not in positions). */
  get cash(): number {
    return this.#cash;
  }

  /** Highest equity seen. */
  get peakEquity(): number {
    return this.#peak;
  }

  /** Time of the last order on any symbol, ms; −Infinity before the first. */
  get lastOrderTs(): number {
    return this.#lastOrderTs;
  }

  /** True while the kill switch is on: no new order passes. */
  get killed(): boolean {
    return this.#killed;
  }

  /** Turns the kill switch on or off. */
  setKill(on: boolean): void {
    this.#killed = on;
  }

  /** Symbols with a book entry (filled, marked or ordered at least once), in first-seen order. */
  symbols(): IterableIterator<string> {
    return this.#positions.keys();
  }

  /** The state of one symbol; a flat, never-marked view for a symbol never seen. */
  position(symbol: string): PositionView {
    return this.#positions.get(symbol) ?? FLAT;
  }

  /**
   * Exposure the symbol will have once its resting buys fill: (qty + openBuyQty) · mark, quote;
   * 0 for an unmarked symbol without quantity.
   */
  committedQuote(symbol: string): number {
    const p = this.#positions.get(symbol);
    if (p === undefined) return 0;
    const q = p.qty + p.openBuyQty;
    return q === 0 ? 0 : q * p.mark;
  }

  /** Σ qty · mark over all symbols, quote. */
  positionsValue(): number {
    let v = 0;
    for (const p of this.#positions.values()) if (p.qty !== 0) v += p.qty * p.mark;
    return v;
  }

  /** Σ |qty · mark|, quote. */
  grossExposure(): number {
    let v = 0;
    for (const p of this.#positions.values()) if (p.qty !== 0) v += Math.abs(p.qty * p.mark);
    return v;
  }

  /** Σ committedQuote over all symbols: positions plus resting buys, at mark. */
  committedGross(): number {
    let v = 0;
    for (const s of this.#positions.keys()) v += this.committedQuote(s);
    return v;
  }

  /** cash + positionsValue. */
  equity(): number {
    return this.#cash + this.positionsValue();
  }

  /** max(0, (peak − equity) / peak) against the all-time peak; 0 when the peak is not positive. */
  drawdown(): number {
    const e = this.equity();
    return this.#peak > 0 ? Math.max(0, (this.#peak - e) / this.#peak) : 0;
  }

  /**
   * The highest equity sampled with ts in (ts − drawdownWindowMs, ts], and at least the current
   * equity (see the class comment). Reads only: pass the decision time.
   */
  windowPeakEquity(ts: number): number {
    if (this.#windowMs === Infinity) return Math.max(this.#peak, this.equity());
    const from = ts - this.#windowMs;
    let i = this.#head;
    while (i < this.#qTs.length && this.#qTs[i] <= from) i++;
    const e = this.equity();
    return i < this.#qTs.length && this.#qEq[i] > e ? this.#qEq[i] : e;
  }

  /** max(0, (windowPeak − equity) / windowPeak) at `ts`; 0 when the window peak is not positive. */
  windowDrawdown(ts: number): number {
    const peak = this.windowPeakEquity(ts);
    return peak > 0 ? Math.max(0, (peak - this.equity()) / peak) : 0;
  }

  /**
   * Records an order sent at `ts` at reference `price` (its limit price, or the mark for a market
   * order): its quantity becomes resting on its side, the symbol's and the global last-order times
   * move to `ts` (the cooldowns count from here), and a symbol without a mark is marked at `price`
   * so its resting quantity has a value. Throws `RangeError` for a non-positive or non-finite
   * quantity or price, or a non-finite ts.
   */
  orderPlaced(symbol: string, side: PolicySide, qty: number, price: number, ts: number): void {
    check(
      qty > 0 && qty < Infinity && price > 0 && price < Infinity && Number.isFinite(ts),
      "place an order",
      { qty, price, ts },
    );
    const p = this.#entry(symbol);
    if (side === PolicySide.BUY) p.openBuyQty += qty;
    else p.openSellQty += qty;
    p.lastOrderTs = ts;
    this.#lastOrderTs = Math.max(this.#lastOrderTs, ts);
    if (Number.isNaN(p.mark)) {
      p.mark = price;
      p.markTs = ts;
    }
  }

  /**
   * Releases the unfilled rest of an order that will not fill any more (cancelled, expired,
   * rejected): its quantity leaves the resting side (never below 0; a float residue within 1e-9
   * of the resting quantity counts as 0).
   */
  orderReleased(symbol: string, side: PolicySide, qty: number): void {
    check(qty >= 0 && qty < Infinity, "release an order", { qty });
    const p = this.#entry(symbol);
    if (side === PolicySide.BUY) p.openBuyQty = reduce(p.openBuyQty, qty);
    else p.openSellQty = reduce(p.openSellQty, qty);
  }

  /**
   * Applies one fill (see the class comment). The filled quantity leaves the resting side.
   * Throws `RangeError` for a non-positive quantity or price, a negative fee, or a sell of more
   * than is held (beyond a relative 1e-9).
   */
  applyFill(fill: BookFill): void {
    const { qty, price, fee } = fill;
    check(
      qty > 0 && qty < Infinity && price > 0 && price < Infinity && fee >= 0 && fee < Infinity &&
        Number.isFinite(fill.ts),
      "apply a fill",
      { qty, price, fee, ts: fill.ts },
    );
    const p = this.#entry(fill.symbol);
    const quoteFee = fill.feeAsset === FeeAsset.QUOTE ? fee : 0;
    const baseFee = fill.feeAsset === FeeAsset.BASE ? fee : 0;
    if (fill.side === PolicySide.BUY) {
      this.#cash -= qty * price + quoteFee;
      p.qty += qty - baseFee;
      p.costQuote += qty * price + quoteFee;
      p.openBuyQty = reduce(p.openBuyQty, qty);
    } else {
      const out = qty + baseFee;
      if (out > p.qty * (1 + 1e-9)) {
        throw new RangeError(
          `Cannot apply a sell fill of ${fill.symbol}: sells ${out}, holds ${p.qty}`,
        );
      }
      const released = p.qty > 0 ? p.costQuote * Math.min(1, out / p.qty) : 0;
      const proceeds = qty * price - quoteFee;
      this.#cash += proceeds;
      p.realizedPnlQuote += proceeds - released;
      p.costQuote -= released;
      p.qty -= out;
      if (p.qty <= DUST * out) {
        p.qty = 0;
        p.costQuote = 0;
      }
      p.openSellQty = reduce(p.openSellQty, qty);
    }
    if (Number.isNaN(p.mark)) {
      p.mark = price;
      p.markTs = fill.ts;
    }
    this.#sample(fill.ts);
  }

  /** Marks one symbol at `price` (> 0, finite) at `ts`, then updates the peak. Allocates nothing. */
  setMark(symbol: string, price: number, ts: number): void {
    if (!(price > 0 && price < Infinity && Number.isFinite(ts))) {
      throw new RangeError(`Cannot mark ${symbol}: price=${price}, ts=${ts}`);
    }
    const p = this.#entry(symbol);
    p.mark = price;
    p.markTs = ts;
    this.#sample(ts);
  }

  /** Marks every symbol in `prices` at `ts` (see `setMark`). */
  markToMarket(ts: number, prices: Readonly<Record<string, number>>): void {
    for (const symbol of Object.keys(prices)) this.setMark(symbol, prices[symbol], ts);
  }

  /** The `equity.csv` row at `ts`, written into `out` when given (reuse one per actor). */
  equityRow(ts: number, out?: EquityRow): EquityRow {
    const row = out ?? {
      ts: 0,
      cash: 0,
      positionsValue: 0,
      equity: 0,
      drawdown: 0,
      grossExposure: 0,
      netExposure: 0,
    };
    const pv = this.positionsValue();
    row.ts = ts;
    row.cash = this.#cash;
    row.positionsValue = pv;
    row.equity = this.#cash + pv;
    row.drawdown = this.drawdown();
    row.grossExposure = this.grossExposure();
    row.netExposure = pv;
    return row;
  }

  /** The whole state as plain JSON (positions sorted by symbol). */
  snapshot(): RiskBookSnapshot {
    const positions: RiskBookSnapshot["positions"] = {};
    for (const symbol of [...this.#positions.keys()].sort()) {
      const p = this.#positions.get(symbol)!;
      positions[symbol] = {
        qty: p.qty,
        costQuote: p.costQuote,
        mark: orNull(p.mark),
        markTs: orNull(p.markTs),
        openBuyQty: p.openBuyQty,
        openSellQty: p.openSellQty,
        lastOrderTs: orNull(p.lastOrderTs),
        realizedPnlQuote: p.realizedPnlQuote,
      };
    }
    const windowPeaks: Array<[number, number]> = [];
    for (let i = this.#head; i < this.#qTs.length; i++) {
      windowPeaks.push([this.#qTs[i], this.#qEq[i]]);
    }
    return {
      format: 1,
      cash: this.#cash,
      peakEquity: this.#peak,
      drawdownWindowMs: Number.isFinite(this.#windowMs) ? this.#windowMs : null,
      windowPeaks,
      lastOrderTs: orNull(this.#lastOrderTs),
      killed: this.#killed,
      positions,
    };
  }

  /** A book from a snapshot. Throws `TypeError` when it does not parse. */
  static restore(snapshot: unknown): RiskBook {
    const parsed = RiskBookSnapshot.safeParse(snapshot);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new TypeError(
        `Cannot restore a risk book at ${issue.path.join(".") || "(root)"}: ${issue.message}`,
      );
    }
    const s = parsed.data;
    const book = new RiskBook({ cashQuote: 0, drawdownWindowMs: s.drawdownWindowMs ?? Infinity });
    book.#cash = s.cash;
    book.#peak = s.peakEquity;
    book.#qTs = s.windowPeaks.map(([ts]) => ts);
    book.#qEq = s.windowPeaks.map(([, eq]) => eq);
    book.#head = 0;
    book.#lastSampleTs = book.#qTs.length > 0 ? book.#qTs[book.#qTs.length - 1] : -Infinity;
    book.#lastOrderTs = s.lastOrderTs ?? -Infinity;
    book.#killed = s.killed;
    for (const [symbol, p] of Object.entries(s.positions)) {
      book.#positions.set(symbol, {
        qty: p.qty,
        costQuote: p.costQuote,
        mark: p.mark ?? Number.NaN,
        markTs: p.markTs ?? Number.NaN,
        openBuyQty: p.openBuyQty,
        openSellQty: p.openSellQty,
        lastOrderTs: p.lastOrderTs ?? -Infinity,
        realizedPnlQuote: p.realizedPnlQuote,
      });
    }
    return book;
  }

  #entry(symbol: string): Position {
    let p = this.#positions.get(symbol);
    if (p === undefined) {
      p = { ...FLAT };
      this.#positions.set(symbol, p);
    }
    return p;
  }

  /** Records the equity after a fill or a mark at `ts` (see the class comment). */
  #sample(ts: number): void {
    const e = this.equity();
    const t = Math.max(ts, this.#lastSampleTs);
    const qTs = this.#qTs, qEq = this.#qEq;
    if (this.#lastSampleTs === -Infinity && this.#windowMs < Infinity) {
      qTs.push(t); // the starting cash: the peak before any sample
      qEq.push(this.#peak);
    }
    this.#lastSampleTs = t;
    if (e > this.#peak) this.#peak = e;
    if (this.#windowMs === Infinity) return; // the window peak is the all-time peak
    // Entries at or below e can never be the window's peak again: e is newer and at least as high.
    while (qTs.length > this.#head && qEq[qEq.length - 1] <= e) {
      qTs.pop();
      qEq.pop();
    }
    // A higher entry at the same ts expires with e: e is never the peak while it is there.
    if (qTs.length === this.#head || qTs[qTs.length - 1] < t) {
      qTs.push(t);
      qEq.push(e);
    }
    const from = t - this.#windowMs;
    while (this.#head < qTs.length - 1 && qTs[this.#head] <= from) this.#head++;
    if (this.#head > 64 && this.#head * 2 > qTs.length) {
      qTs.splice(0, this.#head);
      qEq.splice(0, this.#head);
      this.#head = 0;
    }
  }
}

/** current − qty, with 0 for anything within 1e-9 (relative) of zero or below. */
function reduce(current: number, qty: number): number {
  const left = current - qty;
  return left > 1e-9 * current ? left : 0;
}

function orNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function check(ok: boolean, what: string, values: Record<string, number>): void {
  if (ok) return;
  const shown = Object.entries(values).map(([k, v]) => `${k}=${v}`).join(", ");
  throw new RangeError(`Cannot ${what}: ${shown}`);
}
