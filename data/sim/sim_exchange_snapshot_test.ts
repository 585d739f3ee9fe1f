import assert from "node:assert/strict";
import { SeededRng } from "../../models/seeded_rng.ts";
import { info2021, PLAIN, randomAction, T0, walkBars } from "./_sim_test_kit.ts";
import { SimExchange } from "./sim_exchange.ts";
import type { BarInput, SimEvent } from "./sim_records.ts";

/** Feeds bars i..j and a random action after each; returns the events emitted meanwhile. */
function run(
  ex: SimExchange,
  rng: SeededRng,
  bars: BarInput[],
  from: number,
  to: number,
): SimEvent[] {
  const events: SimEvent[] = [];
  const off = ex.onEvent((e) => events.push(e));
  for (let i = from; i < to; i++) {
    ex.onBar("BTCUSDT", bars[i]);
    randomAction(ex, rng, "BTCUSDT", { lastClose: Number(bars[i].close) });
    randomAction(ex, rng, "BTCUSDT", { lastClose: Number(bars[i].close), account: "second" });
  }
  off();
  return events;
}

Deno.test("SimExchange.restore() continues a snapshot identically to the uninterrupted run", async () => {
  const info = await info2021();
  const bars = walkBars(new SeededRng(7), 800, { start: 30_000, decimals: 2 });
  const options = { ...PLAIN, startingBalances: { USDT: 50_000, BTC: 0.5 } };

  const a = new SimExchange(info, options);
  a.addAccount("second");
  const rngA = new SeededRng(99);
  run(a, rngA, bars, 0, 400);
  const json = JSON.stringify(a.snapshot()); // must be plain JSON
  const rngState = rngA.state();
  const eventsA = run(a, rngA, bars, 400, 800);

  const b = SimExchange.restore(JSON.parse(json), info);
  const eventsB = run(b, SeededRng.fromState(rngState), bars, 400, 800);

  assert.ok(eventsA.length > 100, `only ${eventsA.length} events after the snapshot`);
  assert.ok(
    eventsA.some((e) => e.type === "executionReport" && e.executionType === "TRADE" && e.isMaker),
  );
  assert.deepEqual(eventsB, eventsA);
  assert.deepEqual(b.snapshot(), a.snapshot());
  assert.deepEqual(b.account({ account: "second" }), a.account({ account: "second" }));
  assert.deepEqual(b.depth("BTCUSDT"), a.depth("BTCUSDT"));
});

Deno.test("SimExchange.restore() keeps open orders' queue state and holds", async () => {
  const info = await info2021();
  const a = new SimExchange(info, PLAIN);
  a.onBar("BTCUSDT", { openTime: T0, open: 100, high: 100.1, low: 99.9, close: 100, volume: 10 });
  const o = a.placeOrder({
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    timeInForce: "GTC",
    quantity: "0.5",
    price: "99.99",
  });
  assert.ok(o.ok);
  const b = SimExchange.restore(a.snapshot(), info);
  assert.deepEqual(b.openOrders("BTCUSDT"), a.openOrders("BTCUSDT"));
  const q = b.getOrder("BTCUSDT", { orderId: o.value.orderId });
  assert.equal(q.ok && q.value.queueAhead, "1.00000000");
  assert.deepEqual(b.account().balances, [{
    asset: "USDT",
    free: "9950.00500000",
    locked: "49.99500000",
  }]);
  assert.equal(b.now(), a.now());
});

Deno.test("SimExchange.restore() throws TypeError on a malformed snapshot", async () => {
  const info = await info2021();
  const snap = new SimExchange(info).snapshot();
  assert.throws(() => SimExchange.restore({ ...snap, version: 2 }, info), TypeError);
  assert.throws(() => SimExchange.restore({ ...snap, clock: "x" }, info), /clock/);
});
