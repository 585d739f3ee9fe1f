import assert from "node:assert/strict";
import { HmmInputError } from "./hmm_input_error.ts";
import { klTransmat } from "./kl_transmat.ts";

Deno.test("klTransmat() is 0 for equal matrices and matches the two-state closed form", () => {
  const p = Float64Array.of(0.9, 0.1, 0.3, 0.7);
  assert.equal(klTransmat(p, p).kl, 0);
  const q = Float64Array.of(0.8, 0.2, 0.4, 0.6);
  const r = klTransmat(p, q);
  const row0 = 0.9 * Math.log(0.9 / 0.8) + 0.1 * Math.log(0.1 / 0.2);
  const row1 = 0.3 * Math.log(0.3 / 0.4) + 0.7 * Math.log(0.7 / 0.6);
  assert.ok(Math.abs(r.stationary[0] - 0.75) < 1e-15 && Math.abs(r.stationary[1] - 0.25) < 1e-15);
  assert.ok(Math.abs(r.rowKl[0] - row0) < 1e-15 && Math.abs(r.rowKl[1] - row1) < 1e-15);
  assert.ok(Math.abs(r.kl - (0.75 * row0 + 0.25 * row1)) < 1e-15);
});

Deno.test("klTransmat() is +Infinity when Q forbids a move P makes, unless only a transient row does", () => {
  const p = Float64Array.of(0.5, 0.5, 0.5, 0.5);
  const r = klTransmat(p, Float64Array.of(1, 0, 0.5, 0.5));
  assert.equal(r.rowKl[0], Infinity);
  assert.equal(r.kl, Infinity);
  // State 0 is transient under P (π = 0): its infinite row does not count.
  const pt = Float64Array.of(0, 1, 0, 1);
  const rt = klTransmat(pt, Float64Array.of(1, 0, 0, 1));
  assert.deepEqual(Array.from(rt.stationary), [0, 1]);
  assert.equal(rt.rowKl[0], Infinity);
  assert.equal(rt.kl, 0);
});

Deno.test("klTransmat() refuses mismatched sizes and non-stochastic rows with their codes", () => {
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e instanceof HmmInputError ? e.code : "other";
    }
    return "none";
  };
  assert.equal(
    code(() => klTransmat(new Float64Array(4).fill(0.5), new Float64Array(9))),
    "shape_mismatch",
  );
  assert.equal(
    code(() => klTransmat(Float64Array.of(1, 0, 0.6, 0.5), Float64Array.of(1, 0, 0, 1))),
    "not_stochastic",
  );
  assert.equal(
    code(() => klTransmat(Float64Array.of(1, 0, NaN, 1), Float64Array.of(1, 0, 0, 1))),
    "non_finite",
  );
});
