import assert from "node:assert/strict";
import { SeededRng } from "../seeded_rng.ts";
import type { GaussianHmm } from "./gaussian_hmm.ts";
import { HmmInputError } from "./hmm_input_error.ts";
import { OnlineEm } from "./online_em.ts";
import { sampleHmm } from "./_sample_hmm.ts";
import { twoStateDiag } from "./_test_models.ts";

Deno.test("OnlineEm.partialFit() over two batches equals one pass over all rows, bit for bit", () => {
  const m = twoStateDiag();
  const { x } = sampleHmm(m, 300, new SeededRng(4));
  const one = new OnlineEm(m, { stepAlpha: 0.6, burnIn: 10, minCovar: 1e-3 });
  const incOne = one.partialFit(x);
  const two = new OnlineEm(m, { stepAlpha: 0.6, burnIn: 10, minCovar: 1e-3 });
  const incA = two.partialFit(x.subarray(0, 2 * 120));
  const incB = two.partialFit(x.subarray(2 * 120));
  assert.deepEqual([...incA, ...incB], Array.from(incOne));
  assert.deepEqual(two.model, one.model);
  assert.equal(two.count, 300);
});

Deno.test("OnlineEm leaves parameters unchanged while t ≤ burnIn and keeps startprob fixed", () => {
  const m = twoStateDiag();
  const { x } = sampleHmm(m, 11, new SeededRng(8));
  const learner = new OnlineEm(m, { burnIn: 10 });
  learner.partialFit(x);
  assert.deepEqual(learner.model, m);
  learner.update(Float64Array.of(0, 0));
  assert.notDeepEqual(learner.model.means, m.means);
  assert.deepEqual(learner.model.startprob, m.startprob);
});

Deno.test("OnlineEm moves badly initialised means towards the truth on a long sequence", () => {
  const truth: GaussianHmm = {
    covarianceType: "diag",
    K: 2,
    D: 1,
    startprob: Float64Array.of(0.5, 0.5),
    transmat: Float64Array.of(0.95, 0.05, 0.05, 0.95),
    means: Float64Array.of(-2, 2),
    covars: Float64Array.of(0.5, 0.5),
  };
  const { x } = sampleHmm(truth, 6000, new SeededRng(12));
  const start = { ...truth, means: Float64Array.of(-0.5, 0.5), covars: Float64Array.of(2, 2) };
  const learner = new OnlineEm(start, { stepAlpha: 0.6, burnIn: 50, minCovar: 1e-3 });
  learner.partialFit(x);
  const got = learner.model;
  assert.ok(Math.abs(got.means[0] + 2) < 0.15 && Math.abs(got.means[1] - 2) < 0.15, `${got.means}`);
  assert.ok(Math.abs(got.transmat[0] - 0.95) < 0.03, `${got.transmat}`);
});

Deno.test("OnlineEm refuses step_alpha outside (0.5, 1] and a fractional burn_in with invalid_argument", () => {
  const m = twoStateDiag();
  for (const o of [{ stepAlpha: 0.5 }, { stepAlpha: 1.1 }, { burnIn: 1.5 }, { minCovar: -1 }]) {
    assert.throws(
      () => new OnlineEm(m, o),
      (e: unknown) => e instanceof HmmInputError && e.code === "invalid_argument",
    );
  }
});
