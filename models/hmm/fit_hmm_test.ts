import assert from "node:assert/strict";
import { SeededRng } from "../seeded_rng.ts";
import { fitHmm } from "./fit_hmm.ts";
import type { GaussianHmm } from "./gaussian_hmm.ts";
import { sampleHmm } from "./_sample_hmm.ts";

const TRUTH: GaussianHmm = {
  covarianceType: "diag",
  K: 2,
  D: 2,
  startprob: Float64Array.of(0.5, 0.5),
  transmat: Float64Array.of(0.97, 0.03, 0.05, 0.95),
  means: Float64Array.of(-3, 1, 3, -1),
  covars: Float64Array.of(0.5, 0.3, 0.4, 0.6),
};

Deno.test("fitHmm() with the same seed returns identical parameters", () => {
  const { x } = sampleHmm(TRUTH, 800, new SeededRng(11));
  const a = fitHmm(x, { D: 2, K: 2, seed: 5 });
  const b = fitHmm(x, { D: 2, K: 2, seed: 5 });
  assert.deepEqual(a.model, b.model);
  assert.equal(a.loglik, b.loglik);
});

Deno.test("fitHmm() recovers two well-separated states (means within 0.15, transitions within 0.03)", () => {
  const { x } = sampleHmm(TRUTH, 3000, new SeededRng(3));
  const iters: Array<[number, number, number]> = [];
  const fit = fitHmm(x, { D: 2, K: 2, seed: 1, onIteration: (i, ll, d) => iters.push([i, ll, d]) });
  assert.ok(fit.converged);
  // k-means labels are arbitrary: match by the first feature's sign.
  const order = fit.model.means[0] < fit.model.means[2] ? [0, 1] : [1, 0];
  for (let k = 0; k < 2; k++) {
    for (let d = 0; d < 2; d++) {
      assert.ok(Math.abs(fit.model.means[order[k] * 2 + d] - TRUTH.means[k * 2 + d]) < 0.15);
    }
    for (let j = 0; j < 2; j++) {
      const got = fit.model.transmat[order[k] * 2 + order[j]];
      assert.ok(Math.abs(got - TRUTH.transmat[k * 2 + j]) < 0.03, `A[${k}][${j}] = ${got}`);
    }
  }
  assert.equal(iters[0][0], 0);
  assert.equal(iters[0][2], Infinity);
  assert.equal(iters.length, fit.iterations + 1);
  assert.equal(iters.at(-1)![1], fit.loglik);
  for (let i = 1; i < iters.length; i++) {
    assert.ok(iters[i][1] >= iters[i - 1][1] - 1e-6, "EM does not go down");
  }
});

Deno.test("fitHmm() handles full covariances and several sequences", () => {
  const full: GaussianHmm = {
    ...TRUTH,
    covarianceType: "full",
    covars: Float64Array.of(0.5, 0.2, 0.2, 0.3, 0.4, -0.1, -0.1, 0.6),
  };
  const { x } = sampleHmm(full, 1000, new SeededRng(9));
  const fit = fitHmm(x, { D: 2, K: 2, covarianceType: "full", lengths: [400, 600], seed: 2 });
  assert.equal(fit.model.covarianceType, "full");
  const k = fit.model.means[0] < fit.model.means[2] ? 0 : 1;
  assert.ok(
    Math.abs(fit.model.covars[k * 4 + 1] - 0.2) < 0.06,
    `cov = ${fit.model.covars[k * 4 + 1]}`,
  );
});

Deno.test("fitHmm() refuses more states than observations with RangeError", () => {
  assert.throws(() => fitHmm(Float64Array.of(1, 2), { D: 1, K: 3 }), RangeError);
});
