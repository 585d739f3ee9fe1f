/**
 * Shared pieces of the SimExchange tests (not used by production code): the recorded 2021
 * exchangeInfo, a deterministic engine with a plain book, and the invariant checks every fill
 * must pass.
 */
import assert from "node:assert/strict";
import { type ExchangeInfo, loadExchangeInfo } from "./exchange_info.ts";
import type { SeededRng } from "../../models/seeded_rng.ts";
import {
  FIXED8_ONE,
  fixed8FromNumber,
  formatFixed8,
  parseFixed8,
  Rounding,
  roundToStep,
} from "./fixed8.ts";
import { SimExchange } from "./sim_exchange.ts";
import type { SimExchangeOptionsInput } from "./sim_exchange_options.ts";
import type {
  BarInput,
  FillRecord,
  OrderRecord,
  PlaceOrderRequest,
  SimEvent,
} from "./sim_records.ts";

/** The modern BTCUSDT entry quoted in the reference §8 (numbers as on the wire). */
export const MODERN_BTCUSDT = {
  symbol: "BTCUSDT",
  status: "TRADING",
  baseAsset: "BTC",
  baseAssetPrecision: 8,
  quoteAsset: "USDT",
  quotePrecision: 8,
  quoteAssetPrecision: 8,
  baseCommissionPrecision: 8,
  quoteCommissionPrecision: 8,
  orderTypes: ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"],
  quoteOrderQtyMarketAllowed: true,
  filters: [
    {
      filterType: "PRICE_FILTER",
      minPrice: "0.01000000",
      maxPrice: "1000000.00000000",
      tickSize: "0.01000000",
    },
    {
      filterType: "LOT_SIZE",
      minQty: "0.00001000",
      maxQty: "9000.00000000",
      stepSize: "0.00001000",
    },
    { filterType: "ICEBERG_PARTS", limit: 10 },
    {
      filterType: "MARKET_LOT_SIZE",
      minQty: "0.00000000",
      maxQty: "128.52621715",
      stepSize: "0.00000000",
    },
    {
      filterType: "TRAILING_DELTA",
      minTrailingAboveDelta: 10,
      maxTrailingAboveDelta: 2000,
      minTrailingBelowDelta: 10,
      maxTrailingBelowDelta: 2000,
    },
    {
      filterType: "PERCENT_PRICE_BY_SIDE",
      bidMultiplierUp: "5",
      bidMultiplierDown: "0.2",
      askMultiplierUp: "5",
      askMultiplierDown: "0.2",
      avgPriceMins: 5,
    },
    {
      filterType: "NOTIONAL",
      minNotional: "5.00000000",
      applyMinToMarket: true,
      maxNotional: "9000000.00000000",
      applyMaxToMarket: false,
      avgPriceMins: 5,
    },
    { filterType: "MAX_NUM_ORDERS", maxNumOrders: 200 },
    { filterType: "MAX_NUM_ALGO_ORDERS", maxNumAlgoOrders: 5 },
  ],
  permissions: ["SPOT", "MARGIN"],
  defaultSelfTradePreventionMode: "EXPIRE_MAKER",
};

/** A minute-aligned epoch (2023-11-14 22:13 UTC). */
export const T0 = 1_699_999_980_000;

let cached: ExchangeInfo | null = null;

/** The recorded 2021 subset, loaded once. */
export async function info2021(): Promise<ExchangeInfo> {
  cached ??= await loadExchangeInfo();
  return cached;
}

/** Options with a flat five-level book and no slippage, so prices are easy to compute by hand. */
export const PLAIN: SimExchangeOptionsInput = {
  book: { levels: 5, decay: 1, depthFraction: 0.5 },
  slippage: { baseBp: 0, volCoef: 0, scatterCoef: 0, confidenceBp: 0 },
};

/** An engine recording every event it emits. */
export function recording(
  info: ExchangeInfo,
  options: SimExchangeOptionsInput = PLAIN,
): { ex: SimExchange; events: SimEvent[] } {
  const ex = new SimExchange(info, options);
  const events: SimEvent[] = [];
  ex.onEvent((e) => events.push(e));
  return { ex, events };
}

/** Shorthand for fixed8 from a decimal string. */
export const f = parseFixed8;

/** Balance of one asset as fixed8 free + locked. */
export function balanceOf(
  ex: SimExchange,
  asset: string,
  account?: string,
): { free: bigint; locked: bigint } {
  const b = ex.account({ account }).balances.find((x) => x.asset === asset);
  return b === undefined ? { free: 0n, locked: 0n } : { free: f(b.free), locked: f(b.locked) };
}

/** What each fill must satisfy against the symbol's grid and the book it saw. */
export function assertFillInvariants(
  fill: FillRecord,
  grid: { tickSize: bigint; stepSize: bigint; minNotional: bigint },
  order: OrderRecord,
): void {
  const price = f(fill.price);
  const qty = f(fill.qty);
  assert.ok(qty > 0n, `fill ${fill.tradeId} has qty ${fill.qty}`);
  assert.equal(price % grid.tickSize, 0n, `fill ${fill.tradeId} price ${fill.price} off tick`);
  assert.equal(qty % grid.stepSize, 0n, `fill ${fill.tradeId} qty ${fill.qty} off step`);
  // the order that produced the fill passed the notional filter: price × origQty ≥ minimum
  const orderPrice = f(order.price) > 0n ? f(order.price) : price;
  assert.ok(
    orderPrice * f(order.origQty) >= grid.minNotional * FIXED8_ONE || order.type === "MARKET",
    `order ${order.orderId} notional below minimum`,
  );
  if (!fill.isMaker) {
    if (fill.side === "BUY") {
      assert.ok(
        price >= f(fill.bestAsk),
        `taker buy ${fill.tradeId} at ${fill.price} below ask ${fill.bestAsk}`,
      );
    } else {
      assert.ok(
        price <= f(fill.bestBid),
        `taker sell ${fill.tradeId} at ${fill.price} above bid ${fill.bestBid}`,
      );
    }
    assert.ok(fill.slippageBp >= 0, `taker fill ${fill.tradeId} has slippage ${fill.slippageBp}`);
  } else {
    assert.equal(price, f(order.price), `maker fill ${fill.tradeId} not at its limit price`);
    assert.equal(fill.slippageBp, 0);
  }
}

/**
 * Conservation: every asset's free + locked equals its start ± what the fills moved ∓ fees,
 * exactly, and nothing is negative.
 */
export function assertConservation(
  ex: SimExchange,
  start: Record<string, bigint>,
  fills: readonly FillRecord[],
  assets: { base: string; quote: string },
  account?: string,
): void {
  const expected = new Map<string, bigint>(Object.entries(start));
  const add = (asset: string, v: bigint) => expected.set(asset, (expected.get(asset) ?? 0n) + v);
  for (const t of fills) {
    const qty = f(t.qty);
    const quote = f(t.quoteQty);
    const fee = f(t.commission);
    if (t.side === "BUY") {
      add(assets.base, qty);
      add(assets.quote, -quote);
    } else {
      add(assets.base, -qty);
      add(assets.quote, quote);
    }
    add(t.commissionAsset, -fee);
  }
  for (const b of ex.account({ account }).balances) {
    const free = f(b.free);
    const locked = f(b.locked);
    assert.ok(free >= 0n && locked >= 0n, `${b.asset} negative: free ${b.free} locked ${b.locked}`);
    assert.equal(free + locked, expected.get(b.asset) ?? 0n, `${b.asset} total drifted`);
  }
}

/** A random order flow step for invariant tests: places or cancels one order, or does nothing. */
export function randomAction(
  ex: SimExchange,
  rng: SeededRng,
  symbol: string,
  options: { account?: string; lastClose: number } = { lastClose: 0 },
): void {
  const rules = ex.exchangeInfo.symbols.get(symbol)!;
  const tick = rules.priceFilter!.tickSize;
  const step = rules.lotSize!.stepSize;
  const scope = { account: options.account };
  const u = rng.next();
  if (u < 0.12) {
    const open = ex.openOrders(symbol, scope);
    if (open.ok && open.value.length > 0) {
      const o = open.value[rng.nextInt(open.value.length)];
      const r = ex.cancelOrder(symbol, { orderId: o.orderId }, scope);
      assert.ok(r.ok, `cancel of open order ${o.orderId} failed`);
    }
    return;
  }
  if (u > 0.7) return;
  const side = rng.next() < 0.5 ? "BUY" : "SELL";
  const offsetBp = rng.normal() * 8;
  const priceNum = options.lastClose * (1 + offsetBp / 1e4);
  const price = roundToStep(fixed8FromNumber(priceNum), tick, Rounding.FLOOR);
  const notional = 12 + rng.next() * 1500;
  let qty = roundToStep(fixed8FromNumber(notional / options.lastClose), step, Rounding.FLOOR);
  if (side === "SELL") {
    const base = balanceOf(ex, rules.baseAsset, options.account).free;
    if (base < qty) qty = roundToStep(base, step, Rounding.FLOOR);
    if (qty === 0n) return;
  }
  const kind = rng.next();
  const req: PlaceOrderRequest = { symbol, side, type: "LIMIT", quantity: formatFixed8(qty) };
  if (kind < 0.55) {
    Object.assign(req, { timeInForce: "GTC", price: formatFixed8(price) });
  } else if (kind < 0.65) {
    Object.assign(req, { timeInForce: "IOC", price: formatFixed8(price) });
  } else if (kind < 0.7) {
    Object.assign(req, { timeInForce: "FOK", price: formatFixed8(price) });
  } else if (kind < 0.8) {
    Object.assign(req, { type: "LIMIT_MAKER", price: formatFixed8(price) });
  } else if (kind < 0.93) {
    Object.assign(req, { type: "MARKET", confidence: rng.next() });
  } else {
    const quote = roundToStep(fixed8FromNumber(notional), tick, Rounding.FLOOR);
    const sideQuote = side === "SELL" ? roundToStep(quote / 4n, 1_000_000n, Rounding.FLOOR) : quote;
    delete req.quantity;
    Object.assign(req, { type: "MARKET", quoteOrderQty: formatFixed8(sideQuote) });
  }
  const r = ex.placeOrder(req, scope);
  if (!r.ok) {
    // the flow is random; only Binance's order-entry rejects are acceptable here
    assert.ok(
      [-2010, -1013].includes(r.reject.code),
      `unexpected reject ${JSON.stringify(r.reject)}`,
    );
  }
}

/**
 * Checks every fill of an account against the invariants and returns them with counts:
 * maker fills that waited behind a queue, and all fills.
 */
export function checkAllFills(
  ex: SimExchange,
  symbol: string,
  start: Record<string, bigint>,
  account?: string,
): { fills: FillRecord[]; queuedMakerFills: number } {
  const rules = ex.exchangeInfo.symbols.get(symbol)!;
  const grid = {
    tickSize: rules.priceFilter!.tickSize,
    stepSize: rules.lotSize!.stepSize,
    minNotional: rules.notional!.minNotional,
  };
  const fills = ex.fills({ account, symbol });
  const orders = new Map<number, OrderRecord>();
  let queued = 0;
  for (const fill of fills) {
    let order = orders.get(fill.orderId);
    if (order === undefined) {
      const r = ex.getOrder(symbol, { orderId: fill.orderId }, { account });
      assert.ok(r.ok, `order ${fill.orderId} of fill ${fill.tradeId} not found`);
      order = r.value;
      orders.set(order.orderId, order);
    }
    assertFillInvariants(fill, grid, order);
    if (fill.isMaker && f(fill.queueAhead) > 0n) queued++;
  }
  for (const order of orders.values()) {
    const mine = fills.filter((x) => x.orderId === order.orderId);
    const qty = mine.reduce((s, x) => s + f(x.qty), 0n);
    const quote = mine.reduce((s, x) => s + f(x.quoteQty), 0n);
    assert.equal(qty, f(order.executedQty), `order ${order.orderId} executedQty`);
    assert.equal(quote, f(order.cummulativeQuoteQty), `order ${order.orderId} cumQuote`);
    assert.ok(f(order.executedQty) <= f(order.origQty));
    if (order.status === "FILLED") assert.equal(order.executedQty, order.origQty);
  }
  assertConservation(ex, start, fills, { base: rules.baseAsset, quote: rules.quoteAsset }, account);
  return { fills, queuedMakerFills: queued };
}

/**
 * A seeded random walk of 1m bars around `start`, prices rounded to `decimals` (synthetic; used
 * where only the engine's rules and determinism are under test).
 */
export function walkBars(
  rng: SeededRng,
  n: number,
  options: { start: number; decimals: number; volume?: number },
): BarInput[] {
  const scale = 10 ** options.decimals;
  const round = (x: number) => Math.round(x * scale) / scale;
  const bars: BarInput[] = [];
  let close = options.start;
  for (let i = 0; i < n; i++) {
    const open = close;
    close = round(open * Math.exp(rng.normal() * 0.0008));
    const high = round(Math.max(open, close) * (1 + rng.next() * 0.0005));
    const low = round(Math.min(open, close) * (1 - rng.next() * 0.0005));
    const volume = Math.round((1 + rng.next() * 20) * (options.volume ?? 1) * 1e5) / 1e5;
    bars.push({ openTime: T0 + 60_000 * i, open, high, low, close, volume });
  }
  return bars;
}
