import assert from "node:assert/strict";
import { balanceOf, f, info2021, MODERN_BTCUSDT, PLAIN, recording, T0 } from "./_sim_test_kit.ts";
import { parseExchangeInfo } from "./exchange_info.ts";
import { divFixed8, Rounding } from "./fixed8.ts";
import { SimExchange } from "./sim_exchange.ts";
import type { BarInput, ExecutionReport, PlaceOrderRequest, SimEvent } from "./sim_records.ts";

const BTC = "BTCUSDT";

/** Bar 0: close 100.00 → bid 100.00 / ask 100.01, five levels of 1.0 BTC per side (PLAIN). */
const BAR0: BarInput = { openTime: T0, open: 100, high: 100.1, low: 99.9, close: 100, volume: 10 };

function limit(
  side: "BUY" | "SELL",
  quantity: string,
  price: string,
  extra: Partial<PlaceOrderRequest> = {},
) {
  return { symbol: BTC, side, type: "LIMIT", timeInForce: "GTC", quantity, price, ...extra };
}

function reports(events: SimEvent[]): ExecutionReport[] {
  return events.filter((e): e is ExecutionReport => e.type === "executionReport");
}

async function withBar0(options = PLAIN) {
  const r = recording(await info2021(), options);
  r.ex.onBar(BTC, BAR0);
  return r;
}

Deno.test("SimExchange.placeOrder() rejects each BTCUSDT filter with Binance's code and message", async () => {
  const { ex } = await withBar0();
  const cases: Array<[PlaceOrderRequest, string]> = [
    [limit("BUY", "0.1", "100.001"), "Filter failure: PRICE_FILTER"],
    [limit("BUY", "0.1", "600"), "Filter failure: PERCENT_PRICE"], // avg 100 × multiplierUp 5 = 500
    [limit("BUY", "0.000015", "100"), "Filter failure: LOT_SIZE"],
    [limit("BUY", "0.09", "100"), "Filter failure: MIN_NOTIONAL"], // 9 USDT < 10
    [
      { symbol: BTC, side: "SELL", type: "MARKET", quantity: "0.05" },
      "Filter failure: MIN_NOTIONAL",
    ],
    [
      { symbol: BTC, side: "BUY", type: "MARKET", quantity: "100.1" },
      "Filter failure: MARKET_LOT_SIZE",
    ],
  ];
  for (const [req, msg] of cases) {
    assert.deepEqual(ex.placeOrder(req), {
      ok: false,
      reject: { code: -1013, msg, httpStatus: 400 },
    }, msg);
  }
  assert.deepEqual(ex.placeOrder({ ...limit("BUY", "0.1", "100"), symbol: "FOOBAR" }), {
    ok: false,
    reject: { code: -1121, msg: "Invalid symbol.", httpStatus: 400 },
  });
  assert.deepEqual(ex.openOrders(BTC), { ok: true, value: [] });
  assert.deepEqual(balanceOf(ex, "USDT"), { free: f("10000"), locked: 0n });
});

Deno.test("SimExchange.placeOrder() rejects by the current NOTIONAL filter (min 5, max 9,000,000)", () => {
  const info = parseExchangeInfo({
    timezone: "UTC",
    serverTime: 0,
    rateLimits: [],
    exchangeFilters: [],
    symbols: [MODERN_BTCUSDT],
  });
  const ex = new SimExchange(info, { ...PLAIN, startingBalances: { USDT: 100_000_000 } });
  const notional = {
    ok: false,
    reject: { code: -1013, msg: "Filter failure: NOTIONAL", httpStatus: 400 },
  };
  assert.deepEqual(ex.placeOrder(limit("BUY", "0.04", "100")), notional); // 4 < 5
  assert.deepEqual(ex.placeOrder(limit("BUY", "9000", "1001")), notional); // 9,009,000 > 9,000,000
  assert.equal(ex.placeOrder(limit("BUY", "0.05", "100")).ok, true); // exactly 5
});

Deno.test("SimExchange.placeOrder() checks parameters like Binance (-1102, -1100, -1111, -1115..-1117, -1128)", async () => {
  const { ex, events } = await withBar0();
  const expect = (req: Record<string, unknown>, code: number, msg: string) =>
    assert.deepEqual(ex.placeOrder(req as unknown as PlaceOrderRequest), {
      ok: false,
      reject: { code, msg, httpStatus: 400 },
    });
  expect(
    { symbol: BTC, side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "1" },
    -1102,
    "Mandatory parameter 'price' was not sent, was empty/null, or malformed.",
  );
  expect(
    { symbol: BTC, side: "BUY", type: "LIMIT", quantity: "1", price: "100" },
    -1102,
    "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed.",
  );
  expect(
    { symbol: BTC, side: "BUY", type: "MARKET" },
    -1102,
    "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!",
  );
  expect(
    { symbol: BTC, side: "BUY", type: "MARKET", quantity: "1", quoteOrderQty: "10" },
    -1128,
    "Combination of optional parameters invalid.",
  );
  expect(
    { ...limit("BUY", "-1", "100") },
    -1100,
    "Illegal characters found in parameter 'quantity'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.",
  );
  expect(
    { ...limit("BUY", "0.1", "100.000000001") },
    -1111,
    "Parameter 'price' has too much precision.",
  );
  expect(
    { ...limit("BUY", "0.1", "100"), quantity: 0.123456789 },
    -1111,
    "Parameter 'quantity' has too much precision.",
  );
  expect({ ...limit("BUY", "0.1", "100"), timeInForce: "GTX" }, -1115, "Invalid timeInForce.");
  expect({ ...limit("BUY", "0.1", "100"), type: "ICEBERG" }, -1116, "Invalid orderType.");
  expect({ ...limit("BUY", "0.1", "100"), side: "LONG" }, -1117, "Invalid side.");
  expect(
    { ...limit("BUY", "0.1", "100"), type: "STOP_LOSS_LIMIT" },
    -2010,
    "Unsupported order combination",
  );
  expect(
    { ...limit("BUY", "0.1", "100"), newClientOrderId: "has space" },
    -1100,
    "Illegal characters found in parameter 'newClientOrderId'; legal range is '^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.",
  );
  // each reject is reported as a REJECTED execution report without an order id
  const rejected = reports(events).filter((e) => e.executionType === "REJECTED");
  assert.equal(rejected.length, 12);
  assert.deepEqual(rejected.map((e) => [e.orderId, e.orderStatus]).slice(0, 1), [[-1, "REJECTED"]]);
  assert.equal(
    rejected[0].rejectReason,
    "Mandatory parameter 'price' was not sent, was empty/null, or malformed.",
  );
});

Deno.test("SimExchange.placeOrder() rejects -2010 on insufficient balance and changes nothing", async () => {
  const { ex } = await withBar0({ ...PLAIN, startingBalances: { USDT: 50 } });
  const insufficient = {
    ok: false,
    reject: {
      code: -2010,
      msg: "Account has insufficient balance for requested action.",
      httpStatus: 400,
    },
  };
  assert.deepEqual(ex.placeOrder(limit("BUY", "1", "100")), insufficient); // 100 > 50
  assert.deepEqual(ex.placeOrder(limit("SELL", "0.2", "101")), insufficient); // no BTC
  assert.deepEqual(
    ex.placeOrder({ symbol: BTC, side: "BUY", type: "MARKET", quoteOrderQty: "60" }),
    insufficient,
  );
  assert.deepEqual(
    ex.placeOrder({ symbol: BTC, side: "BUY", type: "MARKET", quantity: "0.5" }),
    insufficient,
  );
  assert.deepEqual(balanceOf(ex, "USDT"), { free: f("50"), locked: 0n });
  // exactly affordable: 0.49 × 100 = 49 USDT held
  const ok = ex.placeOrder(limit("BUY", "0.49", "100"));
  assert.equal(ok.ok && ok.value.status, "NEW");
  assert.deepEqual(balanceOf(ex, "USDT"), { free: f("1"), locked: f("49") });
});

Deno.test("SimExchange.placeOrder() rejects a LIMIT_MAKER that would take and rests one that would not", async () => {
  const { ex } = await withBar0();
  const wouldTake = {
    ok: false,
    reject: { code: -2010, msg: "Order would immediately match and take.", httpStatus: 400 },
  };
  const maker = (side: "BUY" | "SELL", price: string) => ({
    symbol: BTC,
    side,
    type: "LIMIT_MAKER",
    quantity: "0.2",
    price,
  });
  assert.deepEqual(ex.placeOrder(maker("BUY", "100.01")), wouldTake);
  ex.addAccount("seller", { balances: { BTC: 1 } });
  assert.deepEqual(ex.placeOrder(maker("SELL", "100.00"), { account: "seller" }), wouldTake);
  const rest = ex.placeOrder(maker("BUY", "100.00"));
  assert.ok(rest.ok);
  assert.equal(rest.value.status, "NEW");
  assert.equal(rest.value.timeInForce, "GTC");
  assert.deepEqual(rest.value.fills, []);
  const q = ex.getOrder(BTC, { orderId: rest.value.orderId });
  assert.ok(q.ok);
  assert.equal(q.value.queueAhead, "1.00000000"); // joined the 1.0 BTC displayed at 100.00
});

Deno.test("SimExchange.placeOrder() IOC fills two levels, then expires the rest", async () => {
  const { ex, events } = await withBar0();
  const r = ex.placeOrder(limit("BUY", "3", "100.02", { timeInForce: "IOC" }));
  assert.ok(r.ok);
  assert.equal(r.value.status, "EXPIRED");
  assert.equal(r.value.executedQty, "2.00000000");
  assert.equal(r.value.cummulativeQuoteQty, "200.03000000");
  assert.deepEqual(r.value.fills.map((x) => [x.price, x.qty]), [
    ["100.01000000", "1.00000000"],
    ["100.02000000", "1.00000000"],
  ]);
  assert.deepEqual(reports(events).map((e) => [e.executionType, e.orderStatus]), [
    ["NEW", "NEW"],
    ["TRADE", "PARTIALLY_FILLED"],
    ["TRADE", "PARTIALLY_FILLED"],
    ["EXPIRED", "EXPIRED"],
  ]);
  assert.deepEqual(balanceOf(ex, "USDT"), { free: f("9799.97"), locked: 0n });
  assert.deepEqual(balanceOf(ex, "BTC"), { free: f("1.998"), locked: 0n });
  const last = events[events.length - 1];
  assert.equal(last.type, "outboundAccountPosition");
  assert.deepEqual(last.type === "outboundAccountPosition" && last.balances, [
    { asset: "BTC", free: "1.99800000", locked: "0.00000000" },
    { asset: "USDT", free: "9799.97000000", locked: "0.00000000" },
  ]);
});

Deno.test("SimExchange.placeOrder() FOK fills all or nothing", async () => {
  const { ex, events } = await withBar0();
  const none = ex.placeOrder(limit("BUY", "3", "100.02", { timeInForce: "FOK" }));
  assert.ok(none.ok);
  assert.equal(none.value.status, "EXPIRED");
  assert.equal(none.value.executedQty, "0.00000000");
  assert.deepEqual(none.value.fills, []);
  assert.deepEqual(balanceOf(ex, "USDT"), { free: f("10000"), locked: 0n });
  assert.deepEqual(reports(events).map((e) => e.executionType), ["NEW", "EXPIRED"]);
  const all = ex.placeOrder(limit("BUY", "2", "100.02", { timeInForce: "FOK" }));
  assert.ok(all.ok);
  assert.equal(all.value.status, "FILLED");
  assert.equal(all.value.executedQty, "2.00000000");
});

Deno.test("SimExchange.placeOrder() refuses a duplicate clientOrderId while open, never fills twice, and reuses it after close", async () => {
  const { ex, events } = await withBar0();
  const first = ex.placeOrder(limit("BUY", "0.2", "99", { newClientOrderId: "abc" }));
  assert.ok(first.ok);
  assert.equal(first.value.clientOrderId, "abc");
  assert.deepEqual(ex.placeOrder(limit("BUY", "0.2", "99", { newClientOrderId: "abc" })), {
    ok: false,
    reject: { code: -2010, msg: "Duplicate order sent.", httpStatus: 400 },
  });
  const open = ex.openOrders(BTC);
  assert.ok(open.ok);
  assert.equal(open.value.length, 1);
  const canceled = ex.cancelOrder(BTC, { origClientOrderId: "abc" });
  assert.ok(canceled.ok);
  assert.equal(canceled.value.status, "CANCELED");
  assert.equal(canceled.value.origClientOrderId, "abc");
  assert.equal(canceled.value.clientOrderId, `sim-cancel-${first.value.orderId}`);
  const cancelReport = reports(events).find((e) => e.executionType === "CANCELED");
  assert.deepEqual(
    cancelReport &&
      [cancelReport.clientOrderId, cancelReport.origClientOrderId, cancelReport.orderStatus],
    [`sim-cancel-${first.value.orderId}`, "abc", "CANCELED"],
  );
  assert.deepEqual(balanceOf(ex, "USDT"), { free: f("10000"), locked: 0n });
  const again = ex.placeOrder(limit("BUY", "0.2", "99", { newClientOrderId: "abc" }));
  assert.ok(again.ok);
  assert.equal(again.value.orderId, first.value.orderId + 1);
  const latest = ex.getOrder(BTC, { origClientOrderId: "abc" });
  assert.ok(latest.ok);
  assert.equal(latest.value.orderId, again.value.orderId);
  const old = ex.getOrder(BTC, { orderId: first.value.orderId });
  assert.equal(old.ok && old.value.status, "CANCELED");
});

Deno.test("SimExchange.cancelOrder() answers -2011 for unknown or closed orders and getOrder -2013", async () => {
  const { ex } = await withBar0();
  const unknown = {
    ok: false,
    reject: { code: -2011, msg: "Unknown order sent.", httpStatus: 400 },
  };
  assert.deepEqual(ex.cancelOrder(BTC, { orderId: 999 }), unknown);
  assert.deepEqual(ex.cancelOrder(BTC, { origClientOrderId: "nope" }), unknown);
  assert.deepEqual(ex.getOrder(BTC, { orderId: 999 }), {
    ok: false,
    reject: { code: -2013, msg: "Order does not exist.", httpStatus: 400 },
  });
  const filled = ex.placeOrder({ symbol: BTC, side: "BUY", type: "MARKET", quantity: "0.2" });
  assert.ok(filled.ok);
  assert.equal(filled.value.status, "FILLED");
  assert.deepEqual(ex.cancelOrder(BTC, { orderId: filled.value.orderId }), unknown);
  const rest = ex.placeOrder(limit("BUY", "0.2", "99"));
  assert.ok(rest.ok);
  assert.equal(ex.cancelOrder(BTC, { orderId: rest.value.orderId }).ok, true);
  assert.deepEqual(ex.cancelOrder(BTC, { orderId: rest.value.orderId }), unknown);
  assert.deepEqual(balanceOf(ex, "USDT").locked, 0n);
});

Deno.test("SimExchange queue: a limit buy behind 2.0 BTC fills only after 2.0 BTC traded at its price", async () => {
  const { ex, events } = await withBar0();
  // a flat bar after BAR0: Corwin–Schultz gives 0 -> one tick (100.00 / 100.01), levels of 2.0 BTC
  ex.onBar(BTC, { openTime: T0 + 60_000, open: 100, high: 100, low: 100, close: 100, volume: 20 });
  const o1 = ex.placeOrder(limit("BUY", "0.5", "100.00"));
  const o2 = ex.placeOrder(limit("BUY", "0.3", "100.00"));
  assert.ok(o1.ok && o2.ok);
  const queue = (id: number) => {
    const q = ex.getOrder(BTC, { orderId: id });
    assert.ok(q.ok);
    return [q.value.status, q.value.queueAhead, q.value.executedQty];
  };
  assert.deepEqual(queue(o1.value.orderId), ["NEW", "2.00000000", "0.00000000"]);
  assert.deepEqual(queue(o2.value.orderId), ["NEW", "2.50000000", "0.00000000"]); // 2.0 + order 1
  // bars touching 100.00 exactly: [100.00, 100.09] is 10 ticks, volume 10 -> 1.0 BTC at 100.00
  const touch = (k: number): BarInput => ({
    openTime: T0 + 60_000 * (1 + k),
    open: 100.05,
    high: 100.09,
    low: 100.0,
    close: 100.05,
    volume: 10,
  });
  ex.onBar(BTC, touch(1)); // 1.0 traded at the price
  assert.deepEqual(queue(o1.value.orderId), ["NEW", "1.00000000", "0.00000000"]);
  assert.deepEqual(queue(o2.value.orderId), ["NEW", "1.50000000", "0.00000000"]);
  ex.onBar(BTC, touch(2)); // 2.0 traded: exactly the queue, nothing left for order 1
  assert.deepEqual(queue(o1.value.orderId), ["NEW", "0.00000000", "0.00000000"]);
  assert.deepEqual(queue(o2.value.orderId), ["NEW", "0.50000000", "0.00000000"]);
  const before = events.length;
  ex.onBar(BTC, touch(3)); // 3.0 traded: order 1 fills 0.5, order 2 (behind its 0.5) fills 0.3
  assert.deepEqual(queue(o1.value.orderId), ["FILLED", "0.00000000", "0.50000000"]);
  assert.deepEqual(queue(o2.value.orderId), ["FILLED", "0.00000000", "0.30000000"]);
  const fills = ex.fills();
  assert.deepEqual(
    fills.map((x) => [x.orderId, x.price, x.qty, x.isMaker, x.queueAhead, x.commission, x.time]),
    [
      [
        o1.value.orderId,
        "100.00000000",
        "0.50000000",
        true,
        "2.00000000",
        "0.00050000",
        T0 + 4 * 60_000 + 59_999,
      ],
      [
        o2.value.orderId,
        "100.00000000",
        "0.30000000",
        true,
        "2.50000000",
        "0.00030000",
        T0 + 4 * 60_000 + 59_999,
      ],
    ],
  );
  const after = reports(events.slice(before));
  assert.deepEqual(after.map((e) => [e.executionType, e.orderStatus, e.isMaker]), [
    ["TRADE", "FILLED", true],
    ["TRADE", "FILLED", true],
  ]);
  // 80 USDT held, all spent; 0.8 BTC bought less 0.0008 fee
  assert.deepEqual(balanceOf(ex, "USDT"), { free: f("9920"), locked: 0n });
  assert.deepEqual(balanceOf(ex, "BTC"), { free: f("0.7992"), locked: 0n });
});

Deno.test("SimExchange queue: a bar trading through the price fills at once, a bar not reaching it never", async () => {
  const { ex } = await withBar0();
  const deep = ex.placeOrder(limit("BUY", "0.5", "99.50"));
  const far = ex.placeOrder(limit("BUY", "0.5", "90.00"));
  assert.ok(deep.ok && far.ok);
  ex.onBar(BTC, {
    openTime: T0 + 60_000,
    open: 100,
    high: 100,
    low: 99.49,
    close: 99.8,
    volume: 5,
  });
  const d = ex.getOrder(BTC, { orderId: deep.value.orderId });
  const g = ex.getOrder(BTC, { orderId: far.value.orderId });
  assert.equal(d.ok && d.value.status, "FILLED");
  assert.equal(g.ok && g.value.status, "NEW");
});

Deno.test("SimExchange.onTrade() consumes the queue with trades that hit the order's side", async () => {
  const { ex } = await withBar0();
  ex.onBar(BTC, { openTime: T0 + 60_000, open: 100, high: 100, low: 100, close: 100, volume: 20 });
  const o = ex.placeOrder(limit("BUY", "0.5", "100.00"));
  assert.ok(o.ok);
  const state = () => {
    const q = ex.getOrder(BTC, { orderId: o.value.orderId });
    assert.ok(q.ok);
    return [q.value.status, q.value.queueAhead, q.value.executedQty];
  };
  assert.deepEqual(state(), ["NEW", "2.00000000", "0.00000000"]);
  const t = T0 + 120_000;
  ex.onTrade(BTC, { time: t, price: "100.00", qty: "1.5", isBuyerMaker: true }); // hit the bids
  assert.deepEqual(state(), ["NEW", "0.50000000", "0.00000000"]);
  ex.onTrade(BTC, { time: t + 1, price: "100.00", qty: "3", isBuyerMaker: false }); // lifted asks
  assert.deepEqual(state(), ["NEW", "0.50000000", "0.00000000"]);
  ex.onTrade(BTC, { time: t + 2, price: "100.01", qty: "3", isBuyerMaker: true }); // above the bid
  assert.deepEqual(state(), ["NEW", "0.50000000", "0.00000000"]);
  ex.onTrade(BTC, { time: t + 3, price: "100.00", qty: "0.7", isBuyerMaker: true });
  assert.deepEqual(state(), ["PARTIALLY_FILLED", "0.00000000", "0.20000000"]);
  ex.onTrade(BTC, { time: t + 4, price: "99.99", qty: "0.1", isBuyerMaker: true }); // through, capped
  assert.deepEqual(state(), ["PARTIALLY_FILLED", "0.00000000", "0.30000000"]);
  ex.onTrade(BTC, { time: t + 5, price: "99.99", qty: "1", isBuyerMaker: true });
  assert.deepEqual(state(), ["FILLED", "0.00000000", "0.50000000"]);
  assert.deepEqual(ex.fills().map((x) => [x.qty, x.time, x.isMaker]), [
    ["0.20000000", t + 3, true],
    ["0.10000000", t + 4, true],
    ["0.20000000", t + 5, true],
  ]);
  assert.equal(ex.now(), t + 5);
  assert.throws(
    () => ex.onTrade(BTC, { time: t + 6, price: "0", qty: "1", isBuyerMaker: true }),
    RangeError,
  );
});

Deno.test("SimExchange market buy walks two levels with the exact VWAP and fees, and the sell rounds the fee up", async () => {
  const { ex } = await withBar0();
  const buy = ex.placeOrder({ symbol: BTC, side: "BUY", type: "MARKET", quantity: "1.5" });
  assert.ok(buy.ok);
  assert.deepEqual(buy.value.fills, [
    {
      price: "100.01000000",
      qty: "1.00000000",
      commission: "0.00100000",
      commissionAsset: "BTC",
      tradeId: 1,
    },
    {
      price: "100.02000000",
      qty: "0.50000000",
      commission: "0.00050000",
      commissionAsset: "BTC",
      tradeId: 2,
    },
  ]);
  assert.equal(buy.value.status, "FILLED");
  assert.equal(buy.value.price, "0.00000000");
  assert.equal(buy.value.cummulativeQuoteQty, "150.02000000");
  // VWAP = 150.02 / 1.5 = 100.013333...
  const vwap = divFixed8(
    f(buy.value.cummulativeQuoteQty),
    f(buy.value.executedQty),
    Rounding.FLOOR,
  );
  assert.equal(vwap, f("100.01333333"));
  assert.deepEqual(balanceOf(ex, "USDT"), { free: f("9849.98"), locked: 0n });
  assert.deepEqual(balanceOf(ex, "BTC"), { free: f("1.4985"), locked: 0n });
  // the asks it took are gone until the next bar
  const depth = ex.depth(BTC, { limit: 2 });
  assert.ok(depth.ok);
  assert.deepEqual(depth.value.asks, [["100.02000000", "0.50000000"], [
    "100.03000000",
    "1.00000000",
  ]]);
  assert.equal(depth.value.lastUpdateId, 2);

  const sell = ex.placeOrder({ symbol: BTC, side: "SELL", type: "MARKET", quantity: "1.4985" });
  assert.ok(sell.ok);
  // 1.0 @ 100.00 = 100 (fee 0.1); 0.4985 @ 99.99 = 49.845015 (fee 0.049845015 -> 0.04984502 up)
  assert.deepEqual(sell.value.fills.map((x) => [x.price, x.qty, x.commission, x.commissionAsset]), [
    ["100.00000000", "1.00000000", "0.10000000", "USDT"],
    ["99.99000000", "0.49850000", "0.04984502", "USDT"],
  ]);
  assert.equal(sell.value.cummulativeQuoteQty, "149.84501500");
  assert.deepEqual(balanceOf(ex, "USDT"), { free: f("9999.67516998"), locked: 0n });
  assert.deepEqual(balanceOf(ex, "BTC"), { free: 0n, locked: 0n });
});

Deno.test("SimExchange market buy by quoteOrderQty spends at most the amount in whole lot steps", async () => {
  const { ex } = await withBar0();
  const r = ex.placeOrder({ symbol: BTC, side: "BUY", type: "MARKET", quoteOrderQty: "150" });
  assert.ok(r.ok);
  // 1.0 @ 100.01, then floor(49.99 / 100.02) = 0.4998 @ 100.02 = 49.989996
  assert.equal(r.value.status, "FILLED");
  assert.equal(r.value.origQuoteOrderQty, "150.00000000");
  assert.equal(r.value.origQty, "1.49980000");
  assert.equal(r.value.executedQty, "1.49980000");
  assert.equal(r.value.cummulativeQuoteQty, "149.99999600");
});

Deno.test("SimExchange market order expires what the derived book cannot fill", async () => {
  const { ex } = await withBar0();
  const r = ex.placeOrder({ symbol: BTC, side: "BUY", type: "MARKET", quantity: "7" });
  assert.ok(r.ok);
  assert.equal(r.value.status, "EXPIRED");
  assert.equal(r.value.executedQty, "5.00000000"); // five levels of 1.0
});

Deno.test("SimExchange.onBar() moves event time to the bar's close and refuses bars out of order", async () => {
  const { ex } = await withBar0();
  assert.equal(ex.now(), T0 + 59_999);
  assert.throws(() => ex.onBar(BTC, BAR0), RangeError);
  assert.throws(() => ex.onBar(BTC, { ...BAR0, openTime: T0 + 60_000, low: 101 }), RangeError);
  assert.throws(() => ex.onBar("FOOBAR", { ...BAR0, openTime: T0 + 60_000 }), RangeError);
  assert.throws(() => ex.advanceTime(T0), RangeError);
  ex.advanceTime(T0 + 70_000);
  const o = ex.placeOrder(limit("BUY", "0.5", "99.95"));
  assert.ok(o.ok);
  assert.equal(o.value.transactTime, T0 + 70_000);
  // the bar that opened before the order was placed does not fill it
  ex.onBar(BTC, { openTime: T0 + 60_000, open: 100, high: 100, low: 99, close: 99.5, volume: 10 });
  const q = ex.getOrder(BTC, { orderId: o.value.orderId });
  assert.equal(q.ok && q.value.status, "NEW");
  ex.onBar(BTC, {
    openTime: T0 + 120_000,
    open: 99.5,
    high: 100,
    low: 99,
    close: 99.5,
    volume: 10,
  });
  const q2 = ex.getOrder(BTC, { orderId: o.value.orderId });
  assert.equal(q2.ok && q2.value.status, "FILLED");
});

Deno.test("SimExchange market data: bookTicker, ticker24h, avgPrice and klines from the bars seen", async () => {
  const { ex } = await withBar0();
  ex.onBar(BTC, {
    openTime: T0 + 60_000,
    open: 100,
    high: 101,
    low: 99.5,
    close: 100.5,
    volume: 20,
  });
  const bt = ex.bookTicker(BTC);
  assert.ok(bt.ok);
  assert.ok(f(bt.value.bidPrice) <= f("100.5") && f(bt.value.askPrice) > f("100.5"));
  const t = ex.ticker24h(BTC);
  assert.ok(t.ok);
  assert.equal(t.value.openPrice, "100.00000000");
  assert.equal(t.value.lastPrice, "100.50000000");
  assert.equal(t.value.priceChange, "0.50000000");
  assert.equal(t.value.priceChangePercent, "0.500");
  assert.equal(t.value.highPrice, "101.00000000");
  assert.equal(t.value.lowPrice, "99.50000000");
  assert.equal(t.value.volume, "30.00000000");
  // Σ typical × volume = 100 × 10 + (101 + 99.5 + 100.5)/3 × 20 = 1000 + 2006.66666667
  assert.equal(t.value.quoteVolume, "3006.66666667");
  assert.equal(t.value.openTime, T0);
  assert.equal(t.value.closeTime, T0 + 119_999);
  const avg = ex.avgPrice(BTC);
  assert.deepEqual(avg, {
    ok: true,
    value: { mins: 5, price: "100.22222222", closeTime: T0 + 119_999 },
  });
  const k = ex.klines(BTC, { limit: 1 });
  assert.deepEqual(k, {
    ok: true,
    value: [{
      openTime: T0 + 60_000,
      open: "100.00000000",
      high: "101.00000000",
      low: "99.50000000",
      close: "100.50000000",
      volume: "20.00000000",
      closeTime: T0 + 119_999,
    }],
  });
  assert.deepEqual(ex.depth("FOOBAR"), {
    ok: false,
    reject: { code: -1121, msg: "Invalid symbol.", httpStatus: 400 },
  });
});

Deno.test("SimExchange.account() reports Binance's commission fields and myTrades the trades", async () => {
  const { ex } = await withBar0({ ...PLAIN, makerCommission: 0.00075, takerCommission: 0.001 });
  const acct = ex.account();
  assert.equal(acct.makerCommission, 7);
  assert.equal(acct.takerCommission, 10);
  assert.deepEqual(acct.commissionRates, {
    maker: "0.00075000",
    taker: "0.00100000",
    buyer: "0.00000000",
    seller: "0.00000000",
  });
  assert.deepEqual(acct.balances, [{
    asset: "USDT",
    free: "10000.00000000",
    locked: "0.00000000",
  }]);
  ex.placeOrder({ symbol: BTC, side: "BUY", type: "MARKET", quantity: "0.2" });
  const trades = ex.myTrades(BTC);
  assert.deepEqual(trades, {
    ok: true,
    value: [{
      symbol: BTC,
      id: 1,
      orderId: 1,
      orderListId: -1,
      price: "100.01000000",
      qty: "0.20000000",
      quoteQty: "20.00200000",
      commission: "0.00020000",
      commissionAsset: "BTC",
      time: T0 + 59_999,
      isBuyer: true,
      isMaker: false,
      isBestMatch: true,
    }],
  });
  ex.placeOrder({ symbol: BTC, side: "BUY", type: "MARKET", quantity: "0.3" });
  assert.deepEqual(ex.fills({ fromTradeId: 2 }).map((x) => [x.tradeId, x.qty]), [[
    2,
    "0.30000000",
  ]]);
  assert.deepEqual(ex.fills({ symbol: "ETHUSDT" }), []);
  const all = ex.allOrders(BTC);
  assert.ok(all.ok);
  assert.deepEqual(all.value.map((o) => [o.orderId, o.type, o.status]), [
    [1, "MARKET", "FILLED"],
    [2, "MARKET", "FILLED"],
  ]);
  assert.throws(() => ex.account({ account: "nobody" }), RangeError);
});
