import assert from "node:assert/strict";
import { planTakerWalk } from "./_taker_walk.ts";
import { parseFixed8 as f } from "./fixed8.ts";

const OPTS = { slipBp: 0, tickSize: f("0.01"), stepSize: f("0.00001"), minPrice: f("0.01") };
const ASKS = [
  { price: f("100.01"), qty: f("1") },
  { price: f("100.02"), qty: f("2") },
  { price: f("100.03"), qty: f("3") },
];

Deno.test("planTakerWalk() walks two levels for a 2.5 BTC market buy without slippage", () => {
  const plan = planTakerWalk(
    ASKS,
    { side: "BUY", limitPrice: null, qty: f("2.5"), quoteQty: null },
    OPTS,
  );
  assert.deepEqual(plan.fills.map((x) => [x.price, x.qty, x.quoteQty]), [
    [f("100.01"), f("1"), f("100.01")],
    [f("100.02"), f("1.5"), f("150.03")],
  ]);
  assert.equal(plan.qty, f("2.5"));
  assert.equal(plan.quote, f("250.04"));
  assert.equal(plan.end, "complete");
});

Deno.test("planTakerWalk() moves prices by slipBp snapped away from the taker", () => {
  // 1 bp of 100.01 = 0.010001 -> 2 ticks up for a buy (ceil of 1.0001 ticks)
  const buy = planTakerWalk(ASKS.slice(0, 1), {
    side: "BUY",
    limitPrice: null,
    qty: f("1"),
    quoteQty: null,
  }, {
    ...OPTS,
    slipBp: 1,
  });
  assert.equal(buy.fills[0].price, f("100.03"));
  // exactly 1 bp of 100.00 = 1 tick for a sell
  const sell = planTakerWalk([{ price: f("100.00"), qty: f("1") }], {
    side: "SELL",
    limitPrice: null,
    qty: f("1"),
    quoteQty: null,
  }, { ...OPTS, slipBp: 1 });
  assert.equal(sell.fills[0].price, f("99.99"));
});

Deno.test("planTakerWalk() stops at the limit and never fills beyond it", () => {
  const plan = planTakerWalk(ASKS, {
    side: "BUY",
    limitPrice: f("100.02"),
    qty: f("5"),
    quoteQty: null,
  }, {
    ...OPTS,
    slipBp: 5,
  });
  assert.deepEqual(plan.fills.map((x) => x.price), [f("100.02"), f("100.02")]);
  assert.equal(plan.qty, f("3"));
  assert.equal(plan.end, "limit");
});

Deno.test("planTakerWalk() spends a quote amount in whole lot steps and reports exhausted levels", () => {
  const plan = planTakerWalk(
    ASKS,
    { side: "BUY", limitPrice: null, qty: null, quoteQty: f("150") },
    OPTS,
  );
  // 100.01 for 1, then 49.99 / 100.02 = 0.49980003... -> 0.49980 BTC costing 49.989996 -> 49.99 ceil
  assert.equal(plan.fills[1].qty, f("0.4998"));
  assert.equal(plan.fills[1].quoteQty, f("49.989996"));
  assert.ok(plan.quote <= f("150"));
  assert.equal(plan.end, "complete");
  const big = planTakerWalk(
    ASKS,
    { side: "BUY", limitPrice: null, qty: f("7"), quoteQty: null },
    OPTS,
  );
  assert.equal(big.qty, f("6"));
  assert.equal(big.end, "levels");
});
