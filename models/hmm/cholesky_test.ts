import assert from "node:assert/strict";
import { cholesky } from "./cholesky.ts";

Deno.test("cholesky() factors a 3×3 SPD matrix so that L Lᵀ reproduces it", () => {
  const a = Float64Array.of(4, 12, -16, 12, 37, -43, -16, -43, 98);
  const l = new Float64Array(9);
  assert.equal(cholesky(a, 0, 3, l, 0), true);
  assert.deepEqual(Array.from(l), [2, 0, 0, 6, 1, 0, -8, 5, 3]);
});

Deno.test("cholesky() reports false for an indefinite matrix and for a zero pivot", () => {
  const l = new Float64Array(4);
  assert.equal(cholesky(Float64Array.of(1, 2, 2, 1), 0, 2, l, 0), false);
  assert.equal(cholesky(Float64Array.of(0, 0, 0, 1), 0, 2, l, 0), false);
});

Deno.test("cholesky() reads a block at an offset and writes at another", () => {
  const a = Float64Array.of(99, 9, 0, 0, 4);
  const l = new Float64Array(6);
  assert.equal(cholesky(a, 1, 2, l, 2), true);
  assert.deepEqual(Array.from(l), [0, 0, 3, 0, 0, 2]);
});
