import assert from "node:assert/strict";
import { riskBiasByVolatility } from "./risk_bias_by_volatility.ts";

Deno.test("riskBiasByVolatility() gives 1.0 for a single macro state", () => {
  assert.deepEqual(Array.from(riskBiasByVolatility([0.02])), [1.0]);
});

Deno.test("riskBiasByVolatility() gives 1.5 to the calmer and 0.5 to the other of two", () => {
  assert.deepEqual(Array.from(riskBiasByVolatility([0.03, 0.01])), [0.5, 1.5]);
});

Deno.test("riskBiasByVolatility() gives 1.5, 1.0, 0.5 by volatility rank for three", () => {
  assert.deepEqual(Array.from(riskBiasByVolatility([0.02, 0.05, 0.01])), [1.0, 0.5, 1.5]);
});

Deno.test("riskBiasByVolatility() interpolates linearly over the rank for four", () => {
  const b = riskBiasByVolatility([0.04, 0.01, 0.03, 0.02]);
  // ranks 3, 0, 2, 1 → positions 1, 0, 2/3, 1/3 on the curve 1.5 → 1.0 → 0.5
  assert.equal(b[0], 0.5);
  assert.equal(b[1], 1.5);
  assert.ok(Math.abs(b[2] - 5 / 6) < 1e-15 && Math.abs(b[3] - 7 / 6) < 1e-15, `${b}`);
});

Deno.test("riskBiasByVolatility() breaks volatility ties by state index", () => {
  assert.deepEqual(Array.from(riskBiasByVolatility([0.02, 0.02, 0.01])), [1.0, 0.5, 1.5]);
});

Deno.test("riskBiasByVolatility() follows a configured curve", () => {
  assert.deepEqual(Array.from(riskBiasByVolatility([2, 1], { biases: [2, 0] })), [0, 2]);
  assert.deepEqual(Array.from(riskBiasByVolatility([2, 1, 3], { biases: [1] })), [1, 1, 1]);
});

Deno.test("riskBiasByVolatility() throws RangeError for no states or a non-finite volatility", () => {
  assert.throws(() => riskBiasByVolatility([]), RangeError);
  assert.throws(() => riskBiasByVolatility([0.1, NaN]), RangeError);
  assert.throws(() => riskBiasByVolatility([0.1], { biases: [] }), RangeError);
});
