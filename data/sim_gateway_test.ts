import assert from "node:assert/strict";
import type { GatewayEvent } from "./gateway.ts";
import { isSimulatedVenue } from "./gateway.ts";
import { loadExchangeInfo } from "./sim/exchange_info.ts";
import { SimGateway } from "./sim_gateway.ts";

const info = await loadExchangeInfo();
const T0 = Date.UTC(2025, 5, 1);

function bar(i: number, close: number) {
  return {
    openTime: T0 + i * 60_000,
    open: close,
    high: close + 5,
    low: close - 5,
    close,
    volume: 20,
  };
}

function gatewayWithBars(): { g: SimGateway; events: GatewayEvent[] } {
  const g = new SimGateway(info, { startingBalances: { USDT: 10_000 } });
  const events: GatewayEvent[] = [];
  g.subscribe((e) => events.push(e));
  for (let i = 0; i < 10; i++) g.onBar("BTCUSDT", bar(i, 100_000));
  return { g, events };
}

Deno.test("SimGateway reports a taker fill before its order event, with the client id", async () => {
  const { g, events } = gatewayWithBars();
  assert.ok(isSimulatedVenue(g));
  const placed = await g.placeOrder({
    symbol: "BTCUSDT",
    side: "BUY",
    type: "MARKET",
    timeInForce: "GTC",
    quantity: "0.00100000",
    price: null,
    clientOrderId: "sh-BTCUSDT-x-0",
  });
  assert.ok(placed.ok);
  assert.equal(placed.value.status, "FILLED");
  assert.deepEqual(events.map((e) => e.kind === "fill" ? "fill" : e.executionType), [
    "NEW",
    "fill",
    "TRADE",
  ]);
  const fill = events.find((e) => e.kind === "fill");
  assert.ok(fill?.kind === "fill" && fill.fill.clientOrderId === "sh-BTCUSDT-x-0");
  assert.ok(fill.fill.isMaker === false && Number(fill.fill.price) >= Number(fill.fill.bestAsk));
});

Deno.test("SimGateway answers a reject without pushing an event", async () => {
  const { g, events } = gatewayWithBars();
  const placed = await g.placeOrder({
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    timeInForce: "GTC",
    quantity: "0.00001000",
    price: "90000.00000000",
    clientOrderId: "tiny",
  });
  assert.deepEqual(placed, {
    ok: false,
    reject: { code: -1013, msg: "Filter failure: MIN_NOTIONAL" },
  });
  assert.equal(events.length, 0);
});

Deno.test("SimGateway cancels by client id and reports the order's own client id", async () => {
  const { g, events } = gatewayWithBars();
  await g.placeOrder({
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    timeInForce: "GTC",
    quantity: "0.00100000",
    price: "99000.00000000",
    clientOrderId: "rest-1",
  });
  const open = await g.openOrders("BTCUSDT");
  assert.ok(open.ok && open.value.length === 1);
  const cancelled = await g.cancelOrder("BTCUSDT", "rest-1");
  assert.ok(cancelled.ok && cancelled.value.status === "CANCELED");
  const last = events.at(-1)!;
  assert.ok(last.kind === "order" && last.executionType === "CANCELED");
  assert.equal(last.order.clientOrderId, "rest-1");
  const again = await g.cancelOrder("BTCUSDT", "rest-1");
  assert.deepEqual(again, { ok: false, reject: { code: -2011, msg: "Unknown order sent." } });
  const found = await g.getOrder("BTCUSDT", "rest-1");
  assert.ok(found.ok && found.value.status === "CANCELED");
});
