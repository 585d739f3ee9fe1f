import assert from "node:assert/strict";
import type { GaussianHmm } from "./gaussian_hmm.ts";
import { HmmInputError } from "./hmm_input_error.ts";
import { validateHmm } from "./validate_hmm.ts";
import { threeStateFull, twoStateDiag } from "./_test_models.ts";

function codeOf(m: GaussianHmm): string {
  try {
    validateHmm(m);
    return "valid";
  } catch (e) {
    assert.ok(e instanceof HmmInputError);
    return e.code;
  }
}

Deno.test("validateHmm() accepts valid diag and full models with structural zeros", () => {
  assert.equal(codeOf(twoStateDiag()), "valid");
  assert.equal(codeOf(threeStateFull()), "valid");
});

Deno.test("validateHmm() reports each defect with its FIXTURES.md code", () => {
  const d = twoStateDiag();
  const f = threeStateFull();
  assert.equal(codeOf({ ...d, means: new Float64Array(3) }), "shape_mismatch");
  assert.equal(codeOf({ ...d, K: 0 }), "shape_mismatch");
  assert.equal(codeOf({ ...d, means: Float64Array.of(0, Infinity, 0, 0) }), "non_finite");
  assert.equal(codeOf({ ...d, startprob: Float64Array.of(1.1, -0.1) }), "not_stochastic");
  assert.equal(
    codeOf({ ...d, transmat: Float64Array.of(0.5, 0.5, 0.5, 0.5 + 2e-8) }),
    "not_stochastic",
  );
  assert.equal(codeOf({ ...d, transmat: Float64Array.of(0.5, 0.5, 0.5, 0.5 + 5e-9) }), "valid");
  assert.equal(codeOf({ ...d, covars: Float64Array.of(1, 1, 0, 1) }), "not_positive_definite");
  const asym = f.covars.slice();
  asym[1] = 0.3000001;
  assert.equal(codeOf({ ...f, covars: asym }), "not_positive_definite");
  const indefinite = f.covars.slice();
  indefinite.set([1, 2, 2, 1], 0);
  assert.equal(codeOf({ ...f, covars: indefinite }), "not_positive_definite");
});

Deno.test("validateHmm() checks shapes before values (a model with two defects reports the shape)", () => {
  const d = twoStateDiag();
  assert.equal(codeOf({ ...d, startprob: Float64Array.of(2, 0, 0) }), "shape_mismatch");
});
