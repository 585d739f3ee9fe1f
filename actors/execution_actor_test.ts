import assert from "node:assert/strict";
import { loadExchangeInfo } from "../data/sim/exchange_info.ts";
import { SimGateway } from "../data/sim_gateway.ts";
import { executionActor } from "./execution_actor.ts";
import { localActor, spawnLocalActor } from "./local_host.ts";
import type { ExecutionEvent } from "./messages/execution_reported.ts";
import { OHLCV_FIELDS } from "./messages/market_advanced.ts";
import type { OrderSubmit } from "./messages/order_submit.ts";
import { registerLocalDep, releaseLocalDep } from "./_local_deps.ts";

const info = await loadExchangeInfo();
const T0 = Date.UTC(2025, 5, 1);
const SYMBOLS = ["BTCUSDT", "ETHUSDT"];

/** A gateway warmed with `n` flat bars of both symbols, registered for the actor. */
function venue(n = 10) {
  const g = new SimGateway(info, { startingBalances: { USDT: 10_000 } });
  for (let i = 0; i < n; i++) {
    g.onBar("BTCUSDT", {
      openTime: T0 + i * 60_000,
      open: 100_000,
      high: 100_010,
      low: 99_990,
      close: 100_000,
      volume: 20,
    });
    g.onBar("ETHUSDT", {
      openTime: T0 + i * 60_000,
      open: 2_500,
      high: 2_501,
      low: 2_499,
      close: 2_500,
      volume: 300,
    });
  }
  return { g, token: registerLocalDep("gateway", g) };
}

function order(patch: Partial<OrderSubmit> = {}): OrderSubmit {
  return {
    type: "order.submit",
    ts: T0 + 10 * 60_000 - 1,
    symbol: "BTCUSDT",
    clientOrderId: "sh-BTCUSDT-test-0",
    side: "BUY",
    orderType: "LIMIT",
    timeInForce: "GTC",
    qty: 0.001,
    price: 99_950,
    modelVersion: "hmm-0123456789ab",
    state: 2,
    macroState: 0,
    conf: 0.9,
    ...patch,
  };
}

const CONFIG = { limitTtlMs: 120_000, maxOrderNotionalQuote: 2000 };
const statuses = (events: ExecutionEvent[]) =>
  events.map((e) => e.type === "order.updated" ? `${e.status}:${e.reason}` : "fill");

Deno.test("executionActor places one exchange order for a request sent twice with the same client id", async () => {
  const { g, token } = venue();
  const ref = await spawnLocalActor(executionActor, { config: { gateway: token, ...CONFIG } });
  const first = await ref.ask(order());
  const second = await ref.ask(order());
  assert.deepEqual(statuses(first.events), ["NEW:"]);
  assert.deepEqual(second.events, []);
  const all = g.exchange.allOrders("BTCUSDT");
  assert.ok(all.ok);
  assert.equal(all.value.length, 1);
  assert.equal(all.value[0].clientOrderId, "sh-BTCUSDT-test-0");
  await ref.stop();
  releaseLocalDep(token);
});

Deno.test("executionActor after a restart without its journal adopts the order instead of placing it again", async () => {
  const { g, token } = venue();
  const ref = localActor(executionActor, {
    config: { gateway: token, ...CONFIG },
    snapshotEvery: 0,
  });
  await ref.start();
  await ref.ask(order());
  ref.kill();
  await ref.start();
  const again = await ref.ask(order());
  assert.deepEqual(statuses(again.events), ["NEW:"]);
  const all = g.exchange.allOrders("BTCUSDT");
  assert.ok(all.ok && all.value.length === 1, "still one order on the exchange");
  await ref.stop();
  releaseLocalDep(token);
});

Deno.test("executionActor turns exchange rejects into REJECTED updates with the Binance code", async () => {
  const { token } = venue();
  const ref = await spawnLocalActor(executionActor, { config: { gateway: token, ...CONFIG } });
  const small = await ref.ask(order({ clientOrderId: "a", qty: 0.00005 }));
  const poor = await ref.ask(
    order({ clientOrderId: "b", side: "SELL", price: 100_050, qty: 0.01 }),
  );
  const big = await ref.ask(order({ clientOrderId: "c", qty: 0.05 }));
  assert.deepEqual(statuses(small.events), ["REJECTED:-1013 Filter failure: MIN_NOTIONAL"]);
  assert.deepEqual(statuses(poor.events), [
    "REJECTED:-2010 Account has insufficient balance for requested action.",
  ]);
  assert.equal(statuses(big.events)[0].split(" ")[0], "REJECTED:cap");
  const rejected = small.events[0];
  assert.ok(rejected.type === "order.updated" && rejected.exchangeOrderId === null);
  await ref.stop();
  releaseLocalDep(token);
});

Deno.test("executionActor fills resting orders from later bars and cancels them after the TTL", async () => {
  const { token } = venue();
  const ref = await spawnLocalActor(executionActor, { config: { gateway: token, ...CONFIG } });
  await ref.ask(order({ clientOrderId: "fills", price: 99_995 }));
  await ref.ask(order({ clientOrderId: "rests", price: 99_000 }));
  const minutes = 4;
  const openTime = Float64Array.from({ length: minutes }, (_, i) => T0 + (10 + i) * 60_000);
  const ohlcv = new Float64Array(minutes * SYMBOLS.length * OHLCV_FIELDS).fill(Number.NaN);
  for (let i = 0; i < minutes; i++) {
    // BTCUSDT trades down through 99 995 in the first minute, then stays above 99 900
    ohlcv.set([100_000, 100_000, i === 0 ? 99_980 : 99_950, 99_990, 30], i * 2 * OHLCV_FIELDS);
  }
  const report = await ref.ask({
    type: "market.advanced",
    ts: openTime[minutes - 1] + 59_999,
    symbols: SYMBOLS,
    openTime,
    ohlcv,
  });
  assert.deepEqual(statuses(report.events), ["fill", "FILLED:", "CANCELED:ttl"]);
  assert.deepEqual(report.minute, [0, 0, 2]);
  const fill = report.events[0];
  assert.ok(fill.type === "fill.received");
  assert.deepEqual(
    [fill.liquidity, fill.price, fill.modelVersion, fill.state, fill.clientOrderId],
    ["maker", "99995.00000000", "hmm-0123456789ab", 2, "fills"],
  );
  assert.deepEqual(report.quotes.map((q) => q.symbol), SYMBOLS);
  await ref.stop();
  releaseLocalDep(token);
});
