import { checkFilters } from "./_check_filters.ts";
import { type MakerBar, makerFill } from "./_maker_fill.ts";
import { barRecord, type StoredBar, SymbolMarket } from "./_market_state.ts";
import { parseOrderRequest } from "./_order_request.ts";
import { planTakerWalk, type WalkPlan } from "./_taker_walk.ts";
import { levelQuantity } from "./derived_book.ts";
import type { ExchangeInfo } from "./exchange_info.ts";
import {
  divRound,
  FIXED8_ONE,
  fixed8FromNumber,
  fixed8ToNumber,
  formatFixed8,
  mulFixed8,
  parseFixed8,
  Rounding,
  roundToStep,
} from "./fixed8.ts";
import { SimExchangeOptions, type SimExchangeOptionsInput } from "./sim_exchange_options.ts";
import { type SimOutcome, SimReject } from "./sim_reject.ts";
import {
  type AccountPosition,
  type AccountRecord,
  type AccountScope,
  type AvgPriceRecord,
  type BalanceRecord,
  type BarInput,
  type BarRecord,
  type BookTickerRecord,
  type CancelResult,
  type DepthRecord,
  type ExecutionReport,
  ExecutionType,
  type FillRecord,
  type OrderFill,
  type OrderRecord,
  type OrderRef,
  type OrderResult,
  OrderStatus,
  OrderType,
  type PlaceOrderRequest,
  Side,
  type SimEvent,
  type Ticker24hRecord,
  TimeInForce,
  type TradeInput,
  type TradeRecord,
} from "./sim_records.ts";
import { SimSnapshot } from "./sim_snapshot.ts";
import { slippageBp } from "./slippage_bp.ts";

/** One order as the engine keeps it (fixed8 amounts). */
interface OrderState {
  account: string;
  symbol: string;
  orderId: number;
  clientOrderId: string;
  side: Side;
  type: OrderType;
  timeInForce: TimeInForce;
  price: bigint;
  origQty: bigint;
  origQuoteOrderQty: bigint;
  executedQty: bigint;
  cumQuote: bigint;
  status: OrderStatus;
  time: number;
  updateTime: number;
  /** Asset held for the order (quote for a LIMIT buy, base for a LIMIT sell; "" for MARKET). */
  lockAsset: string;
  /** Amount still held for the order. */
  locked: bigint;
  queueAhead: bigint;
  queueAtPlacement: bigint;
  confidence: number;
}

interface Balance {
  free: bigint;
  locked: bigint;
}

interface AccountState {
  id: string;
  uid: number;
  updateTime: number;
  balances: Map<string, Balance>;
  /** Open orders and the kept history of closed ones, by id. */
  orders: Map<number, OrderState>;
  /** Closed order ids, oldest first (for trimming the history). */
  closedIds: number[];
  /** Latest order id per client order id. */
  byClientId: Map<string, number>;
  /** Client order ids of open orders. */
  openClientIds: Map<string, number>;
  trades: FillRecord[];
  /** Assets whose balance changed since the last account event. */
  dirty: Set<string>;
}

/** What a fill saw, besides price and quantity. */
interface FillContext {
  isMaker: boolean;
  bestBid: bigint;
  bestAsk: bigint;
  queueAhead: bigint;
  slippageBp: number;
  time: number;
}

const ZERO = "0.00000000";
const OPEN = new Set<OrderStatus>([OrderStatus.NEW, OrderStatus.PARTIALLY_FILLED]);

/**
 * The simulated Binance Spot exchange: accounts with free/locked balances, LIMIT / MARKET /
 * LIMIT_MAKER orders with GTC / IOC / FOK, the symbol filters of a real exchangeInfo with
 * Binance's reject codes, maker/taker fees, and a queue-aware fill model over a book derived
 * from bars. One engine serves the deterministic backtest (in-process) and paper trading (a
 * server formats its records as Binance's REST/WebSocket answers).
 *
 * **Time** is event time only: it advances with `onBar` (to the bar's close time,
 * openTime + barIntervalMs − 1, i.e. openTime + 59 999 for 1m bars), `onTrade` and
 * `advanceTime`; nothing
 * reads the wall clock. Same inputs ⇒ same outputs, and `snapshot()`/`restore()` continue exactly.
 *
 * **Amounts** are fixed8 `bigint`s inside (units of 1e-8, `fixed8.ts`) and Binance's 8-decimal
 * strings outside. Rounding toward the exchange: a fill's quote amount is rounded up for the
 * buyer and down for the seller, commission is rounded up, all at 8 decimals. Commission is
 * charged in the asset received (base on a buy, quote on a sell), as on Binance without BNB.
 *
 * **Fill rules** (the book is derived from bars, see `derived_book.ts`):
 * - A taker (MARKET, or a LIMIT whose price reaches the opposite touch) walks the displayed
 *   levels best first; each level's price is moved by `slippageBp(volatility, scatter,
 *   confidence)` against the taker and snapped to the tick away from the taker, and bounded by the
 *   limit. A buy never fills below the best ask it hit, a sell never above the best bid. What the
 *   taker takes is removed from the displayed level until the next bar. MARKET and IOC
 *   remainders expire (`EXPIRED`), FOK fills all or nothing, a GTC remainder rests; liquidity is
 *   only what the derived book displays.
 * - A LIMIT_MAKER that would take is rejected (-2010 "Order would immediately match and take.").
 * - A resting order records `queueAhead` when placed: 0 if it improves the best price on its
 *   side, otherwise the displayed quantity of its level (the next level away from the touch when
 *   it sits between levels; the geometric decay continued past the last level) plus the
 *   remaining quantity of earlier open orders of any account at the same price. It fills only
 *   from bars that open at or after its placement time, by `makerFill` (`_maker_fill.ts`): a bar trading
 *   strictly through its price fills it (at most the bar's volume); a bar touching it exactly
 *   brings volume / ticks-in-range at its price, which consumes the queue first. Maker fills are
 *   at the limit price, with the maker fee and no slippage. A cancel moves later orders at the
 *   same price up by the canceled remainder.
 * - Accounts never trade with each other: takers trade with the derived book, makers with the
 *   bars' volume.
 */
export class SimExchange {
  readonly #info: ExchangeInfo;
  readonly #options: SimExchangeOptions;
  readonly #makerRate: bigint;
  readonly #takerRate: bigint;
  #clock = 0;
  #nextOrderId = 1;
  #nextTradeId = 1;
  #nextUid = 1;
  #markets = new Map<string, SymbolMarket>();
  #accounts = new Map<string, AccountState>();
  /** Open orders per symbol, in orderId order. */
  #open = new Map<string, OrderState[]>();
  #listeners = new Set<(event: SimEvent) => void>();
  #pending: SimEvent[] = [];

  /**
   * @param info the exchange's symbols and filters (`loadExchangeInfo`).
   * @param options every parameter, see `SimExchangeOptions` for the defaults.
   * @throws TypeError when the options do not parse.
   */
  constructor(info: ExchangeInfo, options: SimExchangeOptionsInput = {}) {
    const parsed = SimExchangeOptions.safeParse(options);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new TypeError(
        `Cannot build SimExchange as options.${issue.path.join(".")} is invalid: ${issue.message}`,
      );
    }
    this.#info = info;
    this.#options = parsed.data;
    this.#makerRate = parseFixed8(String(parsed.data.makerCommission));
    this.#takerRate = parseFixed8(String(parsed.data.takerCommission));
    this.addAccount(parsed.data.defaultAccount);
  }

  /** The parsed options (defaults filled in). */
  get options(): SimExchangeOptions {
    return this.#options;
  }

  /** The exchangeInfo the engine trades under. */
  get exchangeInfo(): ExchangeInfo {
    return this.#info;
  }

  /** Current event time, ms (0 before any market data). */
  now(): number {
    return this.#clock;
  }

  /**
   * Moves event time forward without market data (e.g. a server between bars). Orders placed
   * after this only fill from bars that open later.
   *
   * @throws RangeError when `ts` is before the current time or not an integer.
   */
  advanceTime(ts: number): void {
    if (!Number.isSafeInteger(ts) || ts < this.#clock) {
      throw new RangeError(`Cannot move event time to ${ts}: current time is ${this.#clock}`);
    }
    this.#clock = ts;
  }

  /**
   * Adds an account (e.g. one per API key) with the given balances, or `startingBalances`.
   *
   * @throws RangeError when the id exists; TypeError when a balance is not a decimal ≥ 0.
   */
  addAccount(id: string, options: { balances?: Record<string, string | number> } = {}): void {
    if (this.#accounts.has(id)) throw new RangeError(`Cannot add account: id "${id}" exists`);
    const balances = new Map<string, Balance>();
    for (
      const [asset, amount] of Object.entries(options.balances ?? this.#options.startingBalances)
    ) {
      let free: bigint;
      try {
        free = parseFixed8(String(amount));
      } catch {
        throw new TypeError(`Cannot add account "${id}" as balance ${asset} is ${amount}`);
      }
      if (free < 0n) {
        throw new TypeError(`Cannot add account "${id}" as balance ${asset} is ${amount}`);
      }
      balances.set(asset, { free, locked: 0n });
    }
    this.#accounts.set(id, {
      id,
      uid: this.#nextUid++,
      updateTime: this.#clock,
      balances,
      orders: new Map(),
      closedIds: [],
      byClientId: new Map(),
      openClientIds: new Map(),
      trades: [],
      dirty: new Set(),
    });
  }

  /** Whether an account exists. */
  hasAccount(id: string): boolean {
    return this.#accounts.has(id);
  }

  /**
   * Registers a listener for every event, in order: execution reports (NEW, TRADE, CANCELED,
   * EXPIRED, REJECTED) then, at the end of each call, one account-position event per account
   * whose balances changed. Listeners run synchronously after the call's state is complete.
   *
   * @returns a function that removes the listener.
   */
  onEvent(listener: (event: SimEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Feeds one bar of a symbol: resting orders of that symbol that were placed no later than the
   * bar opened are matched against it (queue rule), then the bar becomes the last one and the
   * book is derived again. Event time moves to the bar's close time. An order placed exactly at
   * a bar's open time (a client acting on the close of the previous bar, as the simulated
   * exchange server stamps it) sees the whole bar; one placed inside a bar waits for the next.
   *
   * @throws RangeError for an unknown symbol, an inconsistent bar (low ≤ 0, high below open,
   *   close or low, volume < 0) or a bar not after the previous bar of the symbol.
   */
  onBar(symbol: string, input: BarInput): void {
    const market = this.#market(symbol);
    if (market === null) throw new RangeError(`Cannot take a bar: symbol is ${symbol}`);
    const bar = storedBar(input, { intervalMs: this.#options.barIntervalMs, symbol });
    const last = market.last;
    if (last !== null && bar.openTime <= last.openTime) {
      throw new RangeError(
        `Cannot take a bar of ${symbol} out of order: openTime ${bar.openTime} after ${last.openTime}`,
      );
    }
    if (bar.closeTime > this.#clock) this.#clock = bar.closeTime;
    const open = this.#open.get(symbol) ?? [];
    for (const o of [...open]) {
      if (bar.openTime < o.time) continue;
      this.#fillResting(o, market, bar, bar.closeTime);
    }
    market.addBar(bar);
    this.#flush();
  }

  /**
   * Feeds one recorded trade of a symbol (tick data). Resting orders placed before the trade
   * meet it under the same queue rule as a bar whose high and low are the trade price: a trade
   * strictly beyond an order's price fills it (at most the trade's quantity); a trade at exactly
   * its price counts only if it hit the order's side (`isBuyerMaker` for a bid, not for an ask)
   * and consumes the queue first. The derived book still comes from bars. Event time moves to
   * the trade's time when that is later.
   *
   * @throws RangeError for an unknown symbol or a trade with a non-positive price or quantity.
   */
  onTrade(symbol: string, trade: TradeInput): void {
    const market = this.#market(symbol);
    if (market === null) throw new RangeError(`Cannot take a trade: symbol is ${symbol}`);
    const where = `Cannot take a trade of ${symbol} at ${trade.time}`;
    if (!Number.isSafeInteger(trade.time)) throw new RangeError(`${where}: time is ${trade.time}`);
    const read = (v: number | string, name: string): bigint => {
      let out: bigint;
      try {
        out = typeof v === "number" ? fixed8FromNumber(v) : parseFixed8(v);
      } catch {
        throw new RangeError(`${where}: ${name} is ${v}`);
      }
      if (out <= 0n) throw new RangeError(`${where}: ${name} is ${v}`);
      return out;
    };
    const price = read(trade.price, "price");
    const qty = read(trade.qty, "qty");
    if (trade.time > this.#clock) this.#clock = trade.time;
    for (const o of [...(this.#open.get(symbol) ?? [])]) {
      if (trade.time <= o.time) continue;
      const isBuy = o.side === Side.BUY;
      if (price === o.price && (isBuy ? !trade.isBuyerMaker : trade.isBuyerMaker)) continue;
      this.#fillResting(o, market, { high: price, low: price, volume: qty }, trade.time);
    }
    this.#flush();
  }

  /**
   * Places an order with Binance's parameters (plus an optional `confidence` for slippage).
   * Returns the FULL response, or the reject Binance would give; a reject changes nothing.
   *
   * @throws RangeError for an unknown account.
   */
  placeOrder(req: PlaceOrderRequest, scope: AccountScope = {}): SimOutcome<OrderResult> {
    const acct = this.#account(scope);
    const out = this.#place(acct, req);
    if (!out.ok) this.#emitReject(acct, req, out.reject);
    this.#flush();
    return out;
  }

  /**
   * Cancels an open order by `orderId` or `origClientOrderId`; `newClientOrderId` names the
   * cancel. -2011 "Unknown order sent." when no open order matches.
   */
  cancelOrder(
    symbol: string,
    ref: OrderRef & { newClientOrderId?: string },
    scope: AccountScope = {},
  ): SimOutcome<CancelResult> {
    const acct = this.#account(scope);
    if (!this.#info.symbols.has(symbol)) return fail(SimReject.invalidSymbol());
    if (ref.orderId === undefined && !ref.origClientOrderId) {
      return fail(SimReject.eitherParam("orderId", "origClientOrderId"));
    }
    const o = this.#find(acct, symbol, ref);
    if (o === null || !OPEN.has(o.status)) return fail(SimReject.unknownOrder());
    const cancelId = ref.newClientOrderId || `sim-cancel-${o.orderId}`;
    this.#cancel(o, cancelId);
    this.#flush();
    return { ok: true, value: this.#cancelResult(o, cancelId) };
  }

  /** Cancels every open order of the account on a symbol (`DELETE /api/v3/openOrders`). */
  cancelOpenOrders(symbol: string, scope: AccountScope = {}): SimOutcome<CancelResult[]> {
    const acct = this.#account(scope);
    if (!this.#info.symbols.has(symbol)) return fail(SimReject.invalidSymbol());
    const mine = (this.#open.get(symbol) ?? []).filter((o) => o.account === acct.id);
    const out: CancelResult[] = [];
    for (const o of mine) {
      const cancelId = `sim-cancel-${o.orderId}`;
      this.#cancel(o, cancelId);
      out.push(this.#cancelResult(o, cancelId));
    }
    this.#flush();
    return { ok: true, value: out };
  }

  /** One order by `orderId` or `origClientOrderId` (the latest with that id); -2013 if none. */
  getOrder(symbol: string, ref: OrderRef, scope: AccountScope = {}): SimOutcome<OrderRecord> {
    const acct = this.#account(scope);
    if (!this.#info.symbols.has(symbol)) return fail(SimReject.invalidSymbol());
    if (ref.orderId === undefined && !ref.origClientOrderId) {
      return fail(SimReject.eitherParam("orderId", "origClientOrderId"));
    }
    const o = this.#find(acct, symbol, ref);
    return o === null ? fail(SimReject.noSuchOrder()) : { ok: true, value: orderRecord(o) };
  }

  /** Open orders of the account, on one symbol or all, in orderId order. */
  openOrders(symbol?: string, scope: AccountScope = {}): SimOutcome<OrderRecord[]> {
    const acct = this.#account(scope);
    if (symbol !== undefined && !this.#info.symbols.has(symbol)) {
      return fail(SimReject.invalidSymbol());
    }
    const out: OrderState[] = [];
    for (const o of acct.orders.values()) {
      if (OPEN.has(o.status) && (symbol === undefined || o.symbol === symbol)) out.push(o);
    }
    out.sort((a, b) => a.orderId - b.orderId);
    return { ok: true, value: out.map(orderRecord) };
  }

  /**
   * Orders of the account on a symbol (open and kept history), ascending by orderId. With
   * `orderId`, the first `limit` orders from that id; otherwise the last `limit` in the time range.
   *
   * @param options.limit @default {500} (at most 1000)
   */
  allOrders(
    symbol: string,
    options: AccountScope & {
      orderId?: number;
      startTime?: number;
      endTime?: number;
      limit?: number;
    } = {},
  ): SimOutcome<OrderRecord[]> {
    const acct = this.#account(options);
    if (!this.#info.symbols.has(symbol)) return fail(SimReject.invalidSymbol());
    const list = [...acct.orders.values()]
      .filter((o) =>
        o.symbol === symbol &&
        (options.orderId === undefined || o.orderId >= options.orderId) &&
        (options.startTime === undefined || o.time >= options.startTime) &&
        (options.endTime === undefined || o.time <= options.endTime)
      )
      .sort((a, b) => a.orderId - b.orderId);
    const limit = clampLimit(options.limit, 500, 1000);
    const picked = options.orderId !== undefined ? list.slice(0, limit) : list.slice(-limit);
    return { ok: true, value: picked.map(orderRecord) };
  }

  /**
   * Trades of the account on a symbol, ascending by id (`GET /api/v3/myTrades`). With `fromId`,
   * the first `limit` from that id; otherwise the last `limit` matching the filters.
   *
   * @param options.limit @default {500} (at most 1000)
   */
  myTrades(
    symbol: string,
    options: AccountScope & {
      orderId?: number;
      startTime?: number;
      endTime?: number;
      fromId?: number;
      limit?: number;
    } = {},
  ): SimOutcome<TradeRecord[]> {
    const acct = this.#account(options);
    if (!this.#info.symbols.has(symbol)) return fail(SimReject.invalidSymbol());
    const list = acct.trades.filter((t) =>
      t.symbol === symbol &&
      (options.orderId === undefined || t.orderId === options.orderId) &&
      (options.startTime === undefined || t.time >= options.startTime) &&
      (options.endTime === undefined || t.time <= options.endTime) &&
      (options.fromId === undefined || t.tradeId >= options.fromId)
    );
    const limit = clampLimit(options.limit, 500, 1000);
    const picked = options.fromId !== undefined ? list.slice(0, limit) : list.slice(-limit);
    return { ok: true, value: picked.map(tradeRecord) };
  }

  /**
   * The account's fills with what they saw (the rows of `trades.csv`), ascending by tradeId.
   *
   * @param options.fromTradeId only fills with tradeId ≥ this. @default {1}
   */
  fills(options: AccountScope & { symbol?: string; fromTradeId?: number } = {}): FillRecord[] {
    const acct = this.#account(options);
    const from = options.fromTradeId ?? 1;
    // trades are kept in tradeId order: find the first one ≥ from by bisection
    let lo = 0;
    let hi = acct.trades.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (acct.trades[mid].tradeId < from) lo = mid + 1;
      else hi = mid;
    }
    const out: FillRecord[] = [];
    for (let i = lo; i < acct.trades.length; i++) {
      const t = acct.trades[i];
      if (options.symbol === undefined || t.symbol === options.symbol) out.push(t);
    }
    return out;
  }

  /** The account: commission rates and balances (assets ever held, sorted by name). */
  account(scope: AccountScope = {}): AccountRecord {
    const acct = this.#account(scope);
    const balances: BalanceRecord[] = [...acct.balances.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([asset, b]) => ({ asset, free: formatFixed8(b.free), locked: formatFixed8(b.locked) }));
    return {
      makerCommission: Number((this.#makerRate * 10_000n) / FIXED8_ONE),
      takerCommission: Number((this.#takerRate * 10_000n) / FIXED8_ONE),
      buyerCommission: 0,
      sellerCommission: 0,
      commissionRates: {
        maker: formatFixed8(this.#makerRate),
        taker: formatFixed8(this.#takerRate),
        buyer: ZERO,
        seller: ZERO,
      },
      canTrade: true,
      canWithdraw: false,
      canDeposit: false,
      brokered: false,
      requireSelfTradePrevention: false,
      preventSor: false,
      updateTime: acct.updateTime,
      accountType: "SPOT",
      balances,
      permissions: ["SPOT"],
      uid: acct.uid,
    };
  }

  /**
   * The derived book after what takers consumed (`GET /api/v3/depth`).
   *
   * @param options.limit levels per side. @default {100} (1..5000)
   */
  depth(symbol: string, options: { limit?: number } = {}): SimOutcome<DepthRecord> {
    const market = this.#market(symbol);
    if (market === null) return fail(SimReject.invalidSymbol());
    const limit = clampLimit(options.limit, 100, 5000);
    const fmt = (side: "bids" | "asks") =>
      market.levels(side).slice(0, limit).map((l): [string, string] => [
        formatFixed8(l.price),
        formatFixed8(l.qty),
      ]);
    return {
      ok: true,
      value: { lastUpdateId: market.lastUpdateId, bids: fmt("bids"), asks: fmt("asks") },
    };
  }

  /** Best bid and ask of the derived book (zeros before any bar). */
  bookTicker(symbol: string): SimOutcome<BookTickerRecord> {
    const market = this.#market(symbol);
    if (market === null) return fail(SimReject.invalidSymbol());
    const bid = market.levels("bids")[0];
    const ask = market.levels("asks")[0];
    return {
      ok: true,
      value: {
        symbol,
        bidPrice: bid ? formatFixed8(bid.price) : ZERO,
        bidQty: bid ? formatFixed8(bid.qty) : ZERO,
        askPrice: ask ? formatFixed8(ask.price) : ZERO,
        askQty: ask ? formatFixed8(ask.qty) : ZERO,
      },
    };
  }

  /** The average price the filters use (`GET /api/v3/avgPrice`), from bars. */
  avgPrice(symbol: string): SimOutcome<AvgPriceRecord> {
    const market = this.#market(symbol);
    if (market === null) return fail(SimReject.invalidSymbol());
    const r = market.rules;
    const mins = r.notional?.avgPriceMins ?? r.percentPrice?.avgPriceMins ?? 5;
    return {
      ok: true,
      value: {
        mins,
        price: formatFixed8(market.avgPrice(mins) ?? 0n),
        closeTime: market.last?.closeTime ?? 0,
      },
    };
  }

  /** 24 h statistics over the bars seen (see `Ticker24hRecord` for the estimated fields). */
  ticker24h(symbol: string): SimOutcome<Ticker24hRecord> {
    const market = this.#market(symbol);
    if (market === null) return fail(SimReject.invalidSymbol());
    const bars = market.dayBars();
    const bid = market.levels("bids")[0];
    const ask = market.levels("asks")[0];
    const first = bars[0];
    const last = bars[bars.length - 1];
    let high = 0n;
    let low = 0n;
    let volume = 0n;
    let pv = 0n;
    for (const b of bars) {
      if (high === 0n || b.high > high) high = b.high;
      if (low === 0n || b.low < low) low = b.low;
      volume += b.volume;
      pv += (b.high + b.low + b.close) * b.volume;
    }
    const quoteVolume = divRound(pv, 3n * FIXED8_ONE, Rounding.HALF_UP);
    const open = first?.open ?? 0n;
    const lastPrice = last?.close ?? 0n;
    const change = lastPrice - open;
    const pct = open > 0n
      ? roundToStep(
        divRound(change * 100n * FIXED8_ONE, open, Rounding.HALF_UP),
        100_000n,
        Rounding.HALF_UP,
      )
      : 0n;
    return {
      ok: true,
      value: {
        symbol,
        priceChange: formatFixed8(change),
        priceChangePercent: formatFixed8(pct, { decimals: 3 }),
        weightedAvgPrice: formatFixed8(
          volume > 0n ? divRound(quoteVolume * FIXED8_ONE, volume, Rounding.HALF_UP) : lastPrice,
        ),
        prevClosePrice: formatFixed8(market.beforeDay()?.close ?? open),
        lastPrice: formatFixed8(lastPrice),
        lastQty: ZERO,
        bidPrice: bid ? formatFixed8(bid.price) : ZERO,
        bidQty: bid ? formatFixed8(bid.qty) : ZERO,
        askPrice: ask ? formatFixed8(ask.price) : ZERO,
        askQty: ask ? formatFixed8(ask.qty) : ZERO,
        openPrice: formatFixed8(open),
        highPrice: formatFixed8(high),
        lowPrice: formatFixed8(low),
        volume: formatFixed8(volume),
        quoteVolume: formatFixed8(quoteVolume),
        openTime: first?.openTime ?? 0,
        closeTime: last?.closeTime ?? 0,
        firstId: -1,
        lastId: -1,
        count: 0,
      },
    };
  }

  /**
   * The last bars of a symbol kept by the engine (at most 24 h worth), oldest first.
   *
   * @param options.limit @default {500} (1..1000)
   */
  klines(symbol: string, options: { limit?: number } = {}): SimOutcome<BarRecord[]> {
    const market = this.#market(symbol);
    if (market === null) return fail(SimReject.invalidSymbol());
    const limit = clampLimit(options.limit, 500, 1000);
    return { ok: true, value: market.bars().slice(-limit).map(barRecord) };
  }

  /** The whole state as plain JSON (no bigint), for `SimExchange.restore`. */
  snapshot(): SimSnapshot {
    return {
      version: 1,
      options: this.#options,
      clock: this.#clock,
      nextOrderId: this.#nextOrderId,
      nextTradeId: this.#nextTradeId,
      nextUid: this.#nextUid,
      markets: [...this.#markets.values()].map((m) => ({
        symbol: m.rules.symbol,
        lastUpdateId: m.lastUpdateId,
        bars: m.bars().map(barRecord),
        consumedBids: pairs(m.consumed.bids),
        consumedAsks: pairs(m.consumed.asks),
      })),
      accounts: [...this.#accounts.values()].map((a) => ({
        id: a.id,
        uid: a.uid,
        updateTime: a.updateTime,
        balances: [...a.balances.entries()].map(([asset, b]) => ({
          asset,
          free: formatFixed8(b.free),
          locked: formatFixed8(b.locked),
        })),
        orders: [...a.orders.values()].map((o) => ({
          symbol: o.symbol,
          orderId: o.orderId,
          clientOrderId: o.clientOrderId,
          side: o.side,
          type: o.type,
          timeInForce: o.timeInForce,
          price: formatFixed8(o.price),
          origQty: formatFixed8(o.origQty),
          origQuoteOrderQty: formatFixed8(o.origQuoteOrderQty),
          executedQty: formatFixed8(o.executedQty),
          cumQuote: formatFixed8(o.cumQuote),
          status: o.status,
          time: o.time,
          updateTime: o.updateTime,
          lockAsset: o.lockAsset,
          locked: formatFixed8(o.locked),
          queueAhead: formatFixed8(o.queueAhead),
          queueAtPlacement: formatFixed8(o.queueAtPlacement),
          confidence: o.confidence,
        })),
        closedIds: [...a.closedIds],
        trades: a.trades.map((t) => ({ ...t })),
      })),
    };
  }

  /**
   * An engine that continues exactly where `snapshot()` left off (listeners are not part of
   * the state and must be registered again).
   *
   * @throws TypeError when the snapshot does not parse or names a symbol missing from `info`.
   */
  static restore(snapshot: unknown, info: ExchangeInfo): SimExchange {
    const parsed = SimSnapshot.safeParse(snapshot);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new TypeError(
        `Cannot restore SimExchange at ${issue.path.join(".") || "(root)"}: ${issue.message}`,
      );
    }
    const s = parsed.data;
    const ex = new SimExchange(info, s.options);
    ex.#accounts.clear();
    ex.#clock = s.clock;
    ex.#nextOrderId = s.nextOrderId;
    ex.#nextTradeId = s.nextTradeId;
    ex.#nextUid = s.nextUid;
    for (const ms of s.markets) {
      const market = ex.#market(ms.symbol);
      if (market === null) {
        throw new TypeError(`Cannot restore SimExchange: symbol is ${ms.symbol}`);
      }
      for (const b of ms.bars) {
        market.addBar(storedBar(b, { intervalMs: s.options.barIntervalMs, symbol: ms.symbol }));
      }
      market.lastUpdateId = ms.lastUpdateId;
      for (const [p, q] of ms.consumedBids) {
        market.consumed.bids.set(parseFixed8(p), parseFixed8(q));
      }
      for (const [p, q] of ms.consumedAsks) {
        market.consumed.asks.set(parseFixed8(p), parseFixed8(q));
      }
    }
    for (const as of s.accounts) {
      const acct: AccountState = {
        id: as.id,
        uid: as.uid,
        updateTime: as.updateTime,
        balances: new Map(as.balances.map((b) => [b.asset, {
          free: parseFixed8(b.free),
          locked: parseFixed8(b.locked),
        }])),
        orders: new Map(),
        closedIds: [...as.closedIds],
        byClientId: new Map(),
        openClientIds: new Map(),
        trades: as.trades.map((t) => ({ ...t })),
        dirty: new Set(),
      };
      const orders = [...as.orders].sort((a, b) => a.orderId - b.orderId);
      for (const os of orders) {
        if (!info.symbols.has(os.symbol)) {
          throw new TypeError(`Cannot restore SimExchange: order symbol is ${os.symbol}`);
        }
        const o: OrderState = {
          account: as.id,
          symbol: os.symbol,
          orderId: os.orderId,
          clientOrderId: os.clientOrderId,
          side: os.side,
          type: os.type,
          timeInForce: os.timeInForce,
          price: parseFixed8(os.price),
          origQty: parseFixed8(os.origQty),
          origQuoteOrderQty: parseFixed8(os.origQuoteOrderQty),
          executedQty: parseFixed8(os.executedQty),
          cumQuote: parseFixed8(os.cumQuote),
          status: os.status,
          time: os.time,
          updateTime: os.updateTime,
          lockAsset: os.lockAsset,
          locked: parseFixed8(os.locked),
          queueAhead: parseFixed8(os.queueAhead),
          queueAtPlacement: parseFixed8(os.queueAtPlacement),
          confidence: os.confidence,
        };
        acct.orders.set(o.orderId, o);
        acct.byClientId.set(o.clientOrderId, o.orderId);
        if (OPEN.has(o.status)) {
          acct.openClientIds.set(o.clientOrderId, o.orderId);
          ex.#openList(o.symbol).push(o);
        }
      }
      ex.#accounts.set(acct.id, acct);
    }
    for (const list of ex.#open.values()) list.sort((a, b) => a.orderId - b.orderId);
    return ex;
  }

  // ---------------------------------------------------------------- internals

  #account(scope: AccountScope): AccountState {
    const id = scope.account ?? this.#options.defaultAccount;
    const acct = this.#accounts.get(id);
    if (acct === undefined) {
      throw new RangeError(`Cannot act for an unknown account: id is "${id}"`);
    }
    return acct;
  }

  #market(symbol: string): SymbolMarket | null {
    let m = this.#markets.get(symbol);
    if (m !== undefined) return m;
    const rules = this.#info.symbols.get(symbol);
    if (rules === undefined) return null;
    m = new SymbolMarket(rules, this.#options);
    this.#markets.set(symbol, m);
    return m;
  }

  #openList(symbol: string): OrderState[] {
    let list = this.#open.get(symbol);
    if (list === undefined) {
      list = [];
      this.#open.set(symbol, list);
    }
    return list;
  }

  #balance(acct: AccountState, asset: string): Balance {
    let b = acct.balances.get(asset);
    if (b === undefined) {
      b = { free: 0n, locked: 0n };
      acct.balances.set(asset, b);
    }
    return b;
  }

  #touched(acct: AccountState, asset: string): void {
    acct.dirty.add(asset);
    acct.updateTime = this.#clock;
  }

  #find(acct: AccountState, symbol: string, ref: OrderRef): OrderState | null {
    const id = ref.orderId ??
      (ref.origClientOrderId ? acct.byClientId.get(ref.origClientOrderId) : undefined);
    if (id === undefined) return null;
    const o = acct.orders.get(id);
    if (o === undefined || o.symbol !== symbol) return null;
    if (
      ref.orderId !== undefined && ref.origClientOrderId &&
      o.clientOrderId !== ref.origClientOrderId
    ) {
      return null;
    }
    return o;
  }

  #place(acct: AccountState, req: PlaceOrderRequest): SimOutcome<OrderResult> {
    const parsed = parseOrderRequest(req, this.#info.symbols);
    if (!parsed.ok) return parsed;
    const p = parsed.order;
    const rules = p.rules;
    const market = this.#market(rules.symbol)!;
    const openCount =
      (this.#open.get(rules.symbol) ?? []).filter((o) => o.account === acct.id).length;
    const filterReject = checkFilters(p, {
      avgPrice: (mins) => market.avgPrice(mins),
      openOrders: openCount,
    });
    if (filterReject !== null) return fail(filterReject);
    if (p.clientOrderId !== null && acct.openClientIds.has(p.clientOrderId)) {
      return fail(SimReject.duplicateOrder());
    }

    const isBuy = p.side === Side.BUY;
    const bids = market.levels("bids");
    const asks = market.levels("asks");
    const book = market.book();
    const bestBid = bids[0]?.price ?? book?.bestBid ?? 0n;
    const bestAsk = asks[0]?.price ?? book?.bestAsk ?? 0n;
    const opposite = isBuy ? asks : bids;
    const marketable = p.price !== null && opposite.length > 0 &&
      (isBuy ? p.price >= opposite[0].price : p.price <= opposite[0].price);
    if (p.type === OrderType.LIMIT_MAKER && marketable) return fail(SimReject.wouldTake());

    const confidence = p.confidence ?? this.#options.defaultConfidence;
    const slipBp = slippageBp(
      { volBp: market.volBp(), scatterBp: market.scatterBp(), confidence },
      this.#options.slippage,
    );
    const walkOptions = {
      slipBp,
      tickSize: market.grid.tickSize,
      stepSize: market.grid.stepSize,
      minPrice: market.grid.minPrice,
    };
    let plan: WalkPlan = { fills: [], qty: 0n, quote: 0n, end: "levels" };
    if (p.type === OrderType.MARKET) {
      plan = planTakerWalk(opposite, {
        side: p.side,
        limitPrice: null,
        qty: p.qty,
        quoteQty: p.quoteQty,
      }, walkOptions);
    } else if (p.type === OrderType.LIMIT && marketable) {
      plan = planTakerWalk(opposite, {
        side: p.side,
        limitPrice: p.price,
        qty: p.qty,
        quoteQty: null,
      }, walkOptions);
      if (p.timeInForce === TimeInForce.FOK && plan.qty < p.qty!) {
        plan = { fills: [], qty: 0n, quote: 0n, end: "limit" };
      }
    }

    // balance check, before anything changes
    const base = acct.balances.get(rules.baseAsset) ?? { free: 0n, locked: 0n };
    const quote = acct.balances.get(rules.quoteAsset) ?? { free: 0n, locked: 0n };
    let lockAsset = "";
    let lock = 0n;
    if (p.type !== OrderType.MARKET) {
      if (isBuy) {
        lockAsset = rules.quoteAsset;
        lock = mulFixed8(p.price!, p.qty!, Rounding.CEIL) + lockSlack(market.grid, p.qty!);
        if (quote.free < lock) return fail(SimReject.insufficientBalance());
      } else {
        lockAsset = rules.baseAsset;
        lock = p.qty!;
        if (base.free < lock) return fail(SimReject.insufficientBalance());
      }
    } else if (isBuy) {
      const need = p.quoteQty ?? plan.quote;
      if (quote.free < need) return fail(SimReject.insufficientBalance());
    } else {
      const need = p.qty ?? plan.qty;
      if (base.free < need) return fail(SimReject.insufficientBalance());
    }

    // commit
    const orderId = this.#nextOrderId++;
    const o: OrderState = {
      account: acct.id,
      symbol: rules.symbol,
      orderId,
      clientOrderId: p.clientOrderId ?? `sim-${orderId}`,
      side: p.side,
      type: p.type,
      timeInForce: p.timeInForce,
      price: p.price ?? 0n,
      origQty: p.qty ?? plan.qty,
      origQuoteOrderQty: p.quoteQty ?? 0n,
      executedQty: 0n,
      cumQuote: 0n,
      status: OrderStatus.NEW,
      time: this.#clock,
      updateTime: this.#clock,
      lockAsset,
      locked: lock,
      queueAhead: 0n,
      queueAtPlacement: 0n,
      confidence,
    };
    if (lock > 0n) {
      const b = this.#balance(acct, lockAsset);
      b.free -= lock;
      b.locked += lock;
      this.#touched(acct, lockAsset);
    }
    acct.orders.set(orderId, o);
    acct.byClientId.set(o.clientOrderId, orderId);
    acct.openClientIds.set(o.clientOrderId, orderId);
    this.#report(o, ExecutionType.NEW, null, "");

    const fills: OrderFill[] = [];
    const touch = isBuy ? bestAsk : bestBid;
    for (const f of plan.fills) {
      market.consume(isBuy ? "asks" : "bids", f.levelPrice, f.qty);
      const slip = touch > 0n
        ? (fixed8ToNumber(isBuy ? f.price - touch : touch - f.price) / fixed8ToNumber(touch)) * 1e4
        : 0;
      const rec = this.#fill(o, market, f.price, f.qty, {
        isMaker: false,
        bestBid,
        bestAsk,
        queueAhead: 0n,
        slippageBp: slip,
        time: this.#clock,
      });
      fills.push({
        price: rec.price,
        qty: rec.qty,
        commission: rec.commission,
        commissionAsset: rec.commissionAsset,
        tradeId: rec.tradeId,
      });
    }
    if (plan.fills.length > 0) market.lastUpdateId++;

    const remaining = o.origQty - o.executedQty;
    const complete = p.type === OrderType.MARKET && p.quoteQty !== null
      ? plan.end === "complete" && o.executedQty > 0n
      : remaining === 0n && o.origQty > 0n;
    if (complete) {
      this.#close(o, OrderStatus.FILLED);
    } else if (p.type === OrderType.MARKET || p.timeInForce !== TimeInForce.GTC) {
      this.#close(o, OrderStatus.EXPIRED);
      this.#report(o, ExecutionType.EXPIRED, null, "");
    } else {
      o.queueAhead = this.#queueAhead(o, market);
      o.queueAtPlacement = o.queueAhead;
      this.#openList(o.symbol).push(o);
    }
    return { ok: true, value: orderResult(o, fills) };
  }

  /** Quantity ahead of a new resting order at its price (see the class doc). */
  #queueAhead(o: OrderState, market: SymbolMarket): bigint {
    let ahead = 0n;
    for (const other of this.#open.get(o.symbol) ?? []) {
      if (other.side === o.side && other.price === o.price && other.orderId < o.orderId) {
        ahead += other.origQty - other.executedQty;
      }
    }
    const book = market.book();
    const last = market.last;
    if (book === null || last === null) return ahead;
    const isBuy = o.side === Side.BUY;
    const touch = isBuy ? book.bestBid : book.bestAsk;
    const distance = isBuy ? touch - o.price : o.price - touch;
    if (distance < 0n) return ahead; // improves the best price on its side
    const k = divRound(distance, book.spacing, Rounding.CEIL);
    const levelPrice = isBuy ? touch - k * book.spacing : touch + k * book.spacing;
    const shown = levelQuantity(last.volume, Number(k), {
      book: this.#options.book,
      stepSize: market.grid.stepSize,
    });
    const used = market.consumed[isBuy ? "bids" : "asks"].get(levelPrice) ?? 0n;
    return ahead + (shown > used ? shown - used : 0n);
  }

  /**
   * Matches a resting order against one print (a bar, or a trade as a bar whose high and low are
   * its price) under the queue rule, at time `time`: the queue ahead shrinks, a fill at the
   * order's own price is applied, and a filled order closes.
   */
  #fillResting(o: OrderState, market: SymbolMarket, print: MakerBar, time: number): void {
    const m = makerFill(
      {
        side: o.side,
        price: o.price,
        remaining: o.origQty - o.executedQty,
        queueAhead: o.queueAhead,
      },
      print,
      market.grid,
    );
    o.queueAhead = m.queueAhead;
    if (m.qty === 0n) return;
    const book = market.book(); // the book the order rested in (derived lazily, cached)
    this.#fill(o, market, o.price, m.qty, {
      isMaker: true,
      bestBid: book?.bestBid ?? 0n,
      bestAsk: book?.bestAsk ?? 0n,
      queueAhead: o.queueAtPlacement,
      slippageBp: 0,
      time,
    });
    if (o.executedQty === o.origQty) this.#close(o, OrderStatus.FILLED);
  }

  /** Applies one fill to the order and the account; returns the fill record. */
  #fill(
    o: OrderState,
    market: SymbolMarket,
    price: bigint,
    qty: bigint,
    ctx: FillContext,
  ): FillRecord {
    const acct = this.#accounts.get(o.account)!;
    const rules = market.rules;
    const isBuy = o.side === Side.BUY;
    const quoteQty = mulFixed8(price, qty, isBuy ? Rounding.CEIL : Rounding.FLOOR);
    const rate = ctx.isMaker ? this.#makerRate : this.#takerRate;
    let commission: bigint;
    let commissionAsset: string;
    if (isBuy) {
      commission = mulFixed8(qty, rate, Rounding.CEIL);
      commissionAsset = rules.baseAsset;
      this.#spend(acct, o, rules.quoteAsset, quoteQty);
      this.#credit(acct, rules.baseAsset, qty - commission);
    } else {
      commission = mulFixed8(quoteQty, rate, Rounding.CEIL);
      commissionAsset = rules.quoteAsset;
      this.#spend(acct, o, rules.baseAsset, qty);
      this.#credit(acct, rules.quoteAsset, quoteQty - commission);
    }
    o.executedQty += qty;
    o.cumQuote += quoteQty;
    o.status = o.executedQty === o.origQty ? OrderStatus.FILLED : OrderStatus.PARTIALLY_FILLED;
    o.updateTime = ctx.time;
    const rec: FillRecord = {
      tradeId: this.#nextTradeId++,
      orderId: o.orderId,
      clientOrderId: o.clientOrderId,
      symbol: o.symbol,
      side: o.side,
      price: formatFixed8(price),
      qty: formatFixed8(qty),
      quoteQty: formatFixed8(quoteQty),
      commission: formatFixed8(commission),
      commissionAsset,
      isMaker: ctx.isMaker,
      time: ctx.time,
      bestBid: formatFixed8(ctx.bestBid),
      bestAsk: formatFixed8(ctx.bestAsk),
      queueAhead: formatFixed8(ctx.queueAhead),
      slippageBp: ctx.slippageBp,
    };
    acct.trades.push(rec);
    if (acct.trades.length > this.#options.historyLimit) {
      acct.trades.splice(0, acct.trades.length - this.#options.historyLimit);
    }
    this.#report(o, ExecutionType.TRADE, rec, "", ctx.time);
    return rec;
  }

  /** Takes `amount` of `asset` for a fill: from the order's hold first, then from free. */
  #spend(acct: AccountState, o: OrderState, asset: string, amount: bigint): void {
    const b = this.#balance(acct, asset);
    let fromLock = 0n;
    if (o.lockAsset === asset) fromLock = o.locked < amount ? o.locked : amount;
    o.locked -= fromLock;
    b.locked -= fromLock;
    b.free -= amount - fromLock;
    if (b.free < 0n || b.locked < 0n) {
      throw new Error(
        `Cannot settle order ${o.orderId}: ${asset} balance would be free=${b.free} locked=${b.locked}`,
      );
    }
    this.#touched(acct, asset);
  }

  #credit(acct: AccountState, asset: string, amount: bigint): void {
    this.#balance(acct, asset).free += amount;
    this.#touched(acct, asset);
  }

  /** Ends an order's life: releases its hold and removes it from the open lists. */
  #close(o: OrderState, status: OrderStatus): void {
    const acct = this.#accounts.get(o.account)!;
    o.status = status;
    o.updateTime = this.#clock;
    if (o.locked > 0n) {
      const b = this.#balance(acct, o.lockAsset);
      b.locked -= o.locked;
      b.free += o.locked;
      o.locked = 0n;
      this.#touched(acct, o.lockAsset);
    }
    if (acct.openClientIds.get(o.clientOrderId) === o.orderId) {
      acct.openClientIds.delete(o.clientOrderId);
    }
    const list = this.#open.get(o.symbol);
    if (list !== undefined) {
      const i = list.indexOf(o);
      if (i >= 0) list.splice(i, 1);
    }
    acct.closedIds.push(o.orderId);
    while (acct.closedIds.length > this.#options.historyLimit) {
      const id = acct.closedIds.shift()!;
      const old = acct.orders.get(id);
      acct.orders.delete(id);
      if (old !== undefined && acct.byClientId.get(old.clientOrderId) === id) {
        acct.byClientId.delete(old.clientOrderId);
      }
    }
  }

  #cancel(o: OrderState, cancelId: string): void {
    const remaining = o.origQty - o.executedQty;
    for (const other of this.#open.get(o.symbol) ?? []) {
      if (other.orderId > o.orderId && other.side === o.side && other.price === o.price) {
        other.queueAhead = other.queueAhead > remaining ? other.queueAhead - remaining : 0n;
      }
    }
    this.#close(o, OrderStatus.CANCELED);
    this.#report(o, ExecutionType.CANCELED, null, cancelId);
  }

  #report(
    o: OrderState,
    executionType: ExecutionType,
    fill: FillRecord | null,
    cancelId: string,
    time: number = this.#clock,
  ): void {
    const report: ExecutionReport = {
      type: "executionReport",
      account: o.account,
      eventTime: time,
      symbol: o.symbol,
      clientOrderId: executionType === ExecutionType.CANCELED ? cancelId : o.clientOrderId,
      side: o.side,
      orderType: o.type,
      timeInForce: o.timeInForce,
      quantity: formatFixed8(o.origQty),
      price: formatFixed8(o.price),
      executionType,
      orderStatus: o.status,
      rejectReason: "NONE",
      orderId: o.orderId,
      lastExecutedQty: fill?.qty ?? ZERO,
      cumulativeFilledQty: formatFixed8(o.executedQty),
      lastExecutedPrice: fill?.price ?? ZERO,
      commission: fill?.commission ?? "0",
      commissionAsset: fill?.commissionAsset ?? null,
      transactionTime: time,
      tradeId: fill?.tradeId ?? -1,
      isOrderOnBook: OPEN.has(o.status) && o.type !== OrderType.MARKET,
      isMaker: fill?.isMaker ?? false,
      orderCreationTime: o.time,
      cumulativeQuoteQty: formatFixed8(o.cumQuote),
      lastQuoteQty: fill?.quoteQty ?? ZERO,
      quoteOrderQty: formatFixed8(o.origQuoteOrderQty),
      origClientOrderId: executionType === ExecutionType.CANCELED ? o.clientOrderId : "",
      workingTime: o.time,
      fill,
    };
    this.#pending.push(report);
  }

  #emitReject(acct: AccountState, req: PlaceOrderRequest, reject: SimReject): void {
    const text = (
      v: unknown,
    ): string => (typeof v === "string" || typeof v === "number" ? String(v) : "");
    this.#pending.push({
      type: "executionReport",
      account: acct.id,
      eventTime: this.#clock,
      symbol: text(req.symbol),
      clientOrderId: text(req.newClientOrderId),
      side: text(req.side),
      orderType: text(req.type),
      timeInForce: text(req.timeInForce),
      quantity: text(req.quantity ?? req.quoteOrderQty),
      price: text(req.price),
      executionType: ExecutionType.REJECTED,
      orderStatus: OrderStatus.REJECTED,
      rejectReason: reject.msg,
      orderId: -1,
      lastExecutedQty: ZERO,
      cumulativeFilledQty: ZERO,
      lastExecutedPrice: ZERO,
      commission: "0",
      commissionAsset: null,
      transactionTime: this.#clock,
      tradeId: -1,
      isOrderOnBook: false,
      isMaker: false,
      orderCreationTime: this.#clock,
      cumulativeQuoteQty: ZERO,
      lastQuoteQty: ZERO,
      quoteOrderQty: ZERO,
      origClientOrderId: "",
      workingTime: -1,
      fill: null,
    });
  }

  /** Adds the account-position events and delivers everything pending, in order. */
  #flush(): void {
    for (const acct of this.#accounts.values()) {
      if (acct.dirty.size === 0) continue;
      const balances = [...acct.dirty].sort().map((asset) => {
        const b = this.#balance(acct, asset);
        return { asset, free: formatFixed8(b.free), locked: formatFixed8(b.locked) };
      });
      acct.dirty.clear();
      const ev: AccountPosition = {
        type: "outboundAccountPosition",
        account: acct.id,
        eventTime: this.#clock,
        lastUpdateTime: acct.updateTime,
        balances,
      };
      this.#pending.push(ev);
    }
    const events = this.#pending;
    this.#pending = [];
    for (const e of events) for (const l of this.#listeners) l(e);
  }

  #cancelResult(o: OrderState, cancelId: string): CancelResult {
    return {
      symbol: o.symbol,
      origClientOrderId: o.clientOrderId,
      orderId: o.orderId,
      orderListId: -1,
      clientOrderId: cancelId,
      transactTime: this.#clock,
      price: formatFixed8(o.price),
      origQty: formatFixed8(o.origQty),
      executedQty: formatFixed8(o.executedQty),
      origQuoteOrderQty: formatFixed8(o.origQuoteOrderQty),
      cummulativeQuoteQty: formatFixed8(o.cumQuote),
      status: o.status,
      timeInForce: o.timeInForce,
      type: o.type,
      side: o.side,
      selfTradePreventionMode: "NONE",
    };
  }
}

function fail<T>(reject: SimReject): SimOutcome<T> {
  return { ok: false, reject };
}

function clampLimit(limit: number | undefined, fallback: number, max: number): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.min(max, Math.max(1, Math.trunc(limit)));
}

function pairs(m: Map<bigint, bigint>): [string, string][] {
  return [...m.entries()].map(([p, q]) => [formatFixed8(p), formatFixed8(q)]);
}

/**
 * Extra quote held for a LIMIT buy so that per-fill rounding can never overdraw: 0 when every
 * tick × step product lies on the 8-decimal grid (all USDT pairs in the data), otherwise one
 * unit per possible fill.
 */
function lockSlack(grid: { tickSize: bigint; stepSize: bigint }, qty: bigint): bigint {
  const tick = grid.tickSize > 0n ? grid.tickSize : 1n;
  const step = grid.stepSize > 0n ? grid.stepSize : 1n;
  if ((tick * step) % FIXED8_ONE === 0n) return 0n;
  return qty / step + 1n;
}

function storedBar(input: BarInput, options: { intervalMs: number; symbol: string }): StoredBar {
  const where = `Cannot take a bar of ${options.symbol} at ${input.openTime}`;
  if (!Number.isSafeInteger(input.openTime)) {
    throw new RangeError(`${where}: openTime is ${input.openTime}`);
  }
  const num = (v: number | string, name: string): bigint => {
    try {
      return typeof v === "number" ? fixed8FromNumber(v) : parseFixed8(v);
    } catch {
      throw new RangeError(`${where}: ${name} is ${v}`);
    }
  };
  const open = num(input.open, "open");
  const high = num(input.high, "high");
  const low = num(input.low, "low");
  const close = num(input.close, "close");
  const volume = num(input.volume, "volume");
  const closeTime = input.closeTime ?? input.openTime + options.intervalMs - 1;
  if (low <= 0n) throw new RangeError(`${where}: low is ${formatFixed8(low)}`);
  if (high < open || high < close || high < low) {
    throw new RangeError(`${where}: high is ${formatFixed8(high)}`);
  }
  if (low > open || low > close) throw new RangeError(`${where}: low is ${formatFixed8(low)}`);
  if (volume < 0n) throw new RangeError(`${where}: volume is ${formatFixed8(volume)}`);
  if (!Number.isSafeInteger(closeTime) || closeTime < input.openTime) {
    throw new RangeError(`${where}: closeTime is ${closeTime}`);
  }
  return {
    openTime: input.openTime,
    closeTime,
    open,
    high,
    low,
    close,
    volume,
    closeNum: fixed8ToNumber(close),
  };
}

function orderRecord(o: OrderState): OrderRecord {
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: o.clientOrderId,
    price: formatFixed8(o.price),
    origQty: formatFixed8(o.origQty),
    executedQty: formatFixed8(o.executedQty),
    cummulativeQuoteQty: formatFixed8(o.cumQuote),
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
    stopPrice: ZERO,
    icebergQty: ZERO,
    time: o.time,
    updateTime: o.updateTime,
    isWorking: true,
    workingTime: o.time,
    origQuoteOrderQty: formatFixed8(o.origQuoteOrderQty),
    selfTradePreventionMode: "NONE",
    queueAhead: formatFixed8(o.queueAhead),
  };
}

function orderResult(o: OrderState, fills: OrderFill[]): OrderResult {
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: o.clientOrderId,
    transactTime: o.time,
    price: formatFixed8(o.price),
    origQty: formatFixed8(o.origQty),
    executedQty: formatFixed8(o.executedQty),
    origQuoteOrderQty: formatFixed8(o.origQuoteOrderQty),
    cummulativeQuoteQty: formatFixed8(o.cumQuote),
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
    workingTime: o.time,
    selfTradePreventionMode: "NONE",
    fills,
  };
}

function tradeRecord(t: FillRecord): TradeRecord {
  return {
    symbol: t.symbol,
    id: t.tradeId,
    orderId: t.orderId,
    orderListId: -1,
    price: t.price,
    qty: t.qty,
    quoteQty: t.quoteQty,
    commission: t.commission,
    commissionAsset: t.commissionAsset,
    time: t.time,
    isBuyer: t.side === Side.BUY,
    isMaker: t.isMaker,
    isBestMatch: true,
  };
}
