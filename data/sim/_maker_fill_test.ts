import assert from "node:assert/strict";
import { makerFill } from "./_maker_fill.ts";
import { parseFixed8 as f } from "./fixed8.ts";

const GRID = { tickSize: f("0.01"), stepSize: f("0.00001") };

Deno.test("makerFill() fills the whole remainder when the bar trades through the price", () => {
  const out = makerFill(
    { side: "BUY", price: f("100.00"), remaining: f("0.5"), queueAhead: f("2") },
    { high: f("100.50"), low: f("99.99"), volume: f("3") },
    GRID,
  );
  assert.deepEqual(out, { qty: f("0.5"), queueAhead: 0n, rule: "through" });
  const sell = makerFill(
    { side: "SELL", price: f("100.00"), remaining: f("0.5"), queueAhead: f("2") },
    { high: f("100.01"), low: f("99.00"), volume: f("0.5") },
    GRID,
  );
  assert.deepEqual(sell, { qty: f("0.5"), queueAhead: 0n, rule: "through" });
});

Deno.test("makerFill() caps a trade-through fill at the bar's volume", () => {
  const out = makerFill(
    { side: "BUY", price: f("100.00"), remaining: f("0.5"), queueAhead: 0n },
    { high: f("100.50"), low: f("99.99"), volume: f("0.0012345") },
    GRID,
  );
  assert.deepEqual(out, { qty: f("0.00123"), queueAhead: 0n, rule: "through" });
});

Deno.test("makerFill() on a touch spends the volume per tick on the queue first", () => {
  // [99.99, 100.00] is 2 ticks; 3 BTC over 2 ticks = 1.5 at 100.00; queue 2 -> 0.5 left ahead
  const first = makerFill(
    { side: "BUY", price: f("100.00"), remaining: f("1"), queueAhead: f("2") },
    { high: f("100.01"), low: f("100.00"), volume: f("3") },
    GRID,
  );
  assert.deepEqual(first, { qty: 0n, queueAhead: f("0.5"), rule: "touch" });
  // next touch: 1.5 again -> 0.5 clears the queue, 1.0 fills the order
  const second = makerFill(
    { side: "BUY", price: f("100.00"), remaining: f("1"), queueAhead: f("0.5") },
    { high: f("100.01"), low: f("100.00"), volume: f("3") },
    GRID,
  );
  assert.deepEqual(second, { qty: f("1"), queueAhead: 0n, rule: "touch" });
});

Deno.test("makerFill() floors a touch fill to the lot step and leaves an untouched order alone", () => {
  // flat bar at the price: all 0.123456789... volume is at the price; floors to 0.12345
  const out = makerFill(
    { side: "SELL", price: f("50.00"), remaining: f("1"), queueAhead: 0n },
    { high: f("50.00"), low: f("50.00"), volume: f("0.12345678") },
    GRID,
  );
  assert.deepEqual(out, { qty: f("0.12345"), queueAhead: 0n, rule: "touch" });
  const none = makerFill(
    { side: "BUY", price: f("99.00"), remaining: f("1"), queueAhead: f("1") },
    { high: f("101"), low: f("99.01"), volume: f("100") },
    GRID,
  );
  assert.deepEqual(none, { qty: 0n, queueAhead: f("1"), rule: "none" });
});
