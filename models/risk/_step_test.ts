import assert from "node:assert/strict";
import { snapDown, snapUp, stepDecimals } from "./_step.ts";

Deno.test("stepDecimals() counts the decimals of a decimal step", () => {
  assert.deepEqual(
    [0.01, 0.00001, 0.5, 1, 5, 0.0001, 1e-8].map(stepDecimals),
    [2, 5, 1, 0, 0, 4, 8],
  );
});

Deno.test("snapDown() keeps a value already on the grid despite binary rounding", () => {
  assert.equal(snapDown(43210.37, 0.01), 43210.37);
  assert.equal(snapDown(0.3, 0.1), 0.3);
  assert.equal(snapDown(0.00999, 0.00001), 0.00999);
});

Deno.test("snapDown() and snapUp() move an off-grid value to the neighbouring multiples", () => {
  assert.equal(snapDown(100.456, 0.01), 100.45);
  assert.equal(snapUp(100.451, 0.01), 100.46);
  assert.equal(snapDown(0.0123456, 0.00001), 0.01234);
  assert.equal(snapUp(0.0123456, 0.00001), 0.01235);
  assert.equal(snapDown(7, 5), 5);
  assert.equal(snapUp(7, 5), 10);
});

Deno.test("snapDown() leaves the value alone for a zero or non-finite step and never returns -0", () => {
  assert.equal(snapDown(1.23456, 0), 1.23456);
  assert.equal(snapUp(1.23456, Number.NaN), 1.23456);
  assert.ok(Object.is(snapUp(-0.001, 0.01), 0));
});
