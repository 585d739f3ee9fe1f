import assert from "node:assert/strict";
import { type ReplayBar, SimReplay } from "./sim_replay.ts";
import { rampSeries, testSeries } from "./_test_series.ts";

const T0 = Date.UTC(2025, 4, 20);
const M = 60_000;
const names = (bars: ReplayBar[]) =>
  bars.map((b) => `${b.symbol}@${(b.series.openTime[b.index] - T0) / M}`);

Deno.test("SimReplay merges symbols by open time, ties by name, and keeps a cursor", () => {
  const eth = testSeries("ETHUSDT", [[T0, 1, 1, 1, 1, 1], [T0 + 2 * M, 1, 1, 1, 1, 1]]);
  const btc = testSeries("BTCUSDT", [[T0, 1, 1, 1, 1, 1], [T0 + M, 1, 1, 1, 1, 1], [
    T0 + 2 * M,
    1,
    1,
    1,
    1,
    1,
  ]]);
  const r = new SimReplay([eth, btc], { speed: "manual" });
  assert.deepEqual(r.symbols, ["BTCUSDT", "ETHUSDT"]);
  assert.deepEqual(names(r.take(2)), ["BTCUSDT@0", "ETHUSDT@0", "BTCUSDT@1"]);
  assert.deepEqual(r.cursor(), { BTCUSDT: T0 + M, ETHUSDT: T0 });
  assert.equal(r.fedUntil, T0 + 2 * M);
  assert.deepEqual(names(r.take(5)), ["BTCUSDT@2", "ETHUSDT@2"]);
  assert.equal(r.done, true);
  assert.equal(r.endsAt(), T0 + 3 * M);
});

Deno.test("SimReplay.takeTo() feeds exactly up to a saved cursor and refuses a bar that is not in the data", () => {
  const make = () =>
    new SimReplay([rampSeries("BTCUSDT", T0, 10, 100), rampSeries("ETHUSDT", T0, 10, 10)], {
      speed: "manual",
    });
  const a = make();
  a.take(3);
  const cursor = a.cursor();
  const b = make();
  assert.deepEqual(names(b.takeTo(cursor)), [
    "BTCUSDT@0",
    "ETHUSDT@0",
    "BTCUSDT@1",
    "ETHUSDT@1",
    "BTCUSDT@2",
    "ETHUSDT@2",
  ]);
  assert.deepEqual(b.cursor(), cursor);
  assert.throws(() => make().takeTo({ BTCUSDT: T0 + 30_000 }), RangeError);
  assert.throws(() => make().takeTo({ SOLUSDT: T0 }), RangeError);
});

Deno.test("SimReplay at speed 60 makes one bar due per wall second after start()", () => {
  let wall = 1_000_000;
  const r = new SimReplay([rampSeries("BTCUSDT", T0, 10, 100)], {
    speed: 60,
    clock: () => wall,
    start: T0,
  });
  r.takeBefore(T0 + 2 * M); // warm-up: bars 0 and 1
  assert.deepEqual(r.due(100), [], "nothing is due before start()");
  r.start();
  assert.equal(r.marketNow(), T0 + 2 * M);
  assert.equal(r.msUntilNextDue(), 1000);
  wall += 999;
  assert.deepEqual(r.due(100), []);
  wall += 1;
  assert.deepEqual(names(r.due(100)), ["BTCUSDT@2"]);
  wall += 2500;
  assert.deepEqual(names(r.due(100)), ["BTCUSDT@3", "BTCUSDT@4"]);
  assert.equal(r.marketNow(), T0 + 5 * M + 30_000);
  r.stop();
  wall += 60_000;
  assert.equal(r.marketNow(), T0 + 5 * M, "stopped: market time is where the bars are");
});

Deno.test("SimReplay at speed max hands out the next bars, manual none", () => {
  const s = rampSeries("BTCUSDT", T0, 10, 100);
  assert.equal(new SimReplay([s], { speed: "max" }).due(4).length, 4);
  assert.equal(new SimReplay([s], { speed: "manual" }).due(4).length, 0);
  const late = new SimReplay([s], { speed: "max", start: T0 + 8 * M, to: T0 + 9 * M });
  assert.deepEqual(names(late.due(10)), ["BTCUSDT@8"]);
});

Deno.test("SimReplay rejects a speed that is not positive", () => {
  assert.throws(() => new SimReplay([rampSeries("BTCUSDT", T0, 2, 1)], { speed: 0 }), RangeError);
});
