import assert from "node:assert/strict";
import type { GaussianHmm } from "./gaussian_hmm.ts";
import { prepareHmm } from "./prepared_hmm.ts";
import { viterbiHmm } from "./viterbi_hmm.ts";

function identical(K: number): GaussianHmm {
  return {
    covarianceType: "diag",
    K,
    D: 1,
    startprob: new Float64Array(K).fill(1 / K),
    transmat: new Float64Array(K * K).fill(1 / K),
    means: new Float64Array(K),
    covars: new Float64Array(K).fill(1),
  };
}

Deno.test("viterbiHmm() breaks ties towards the lowest state index everywhere", () => {
  const r = viterbiHmm(prepareHmm(identical(3)), Float64Array.of(0.1, -0.4, 2, 0));
  assert.deepEqual(Array.from(r.path), [0, 0, 0, 0]);
  const want = 4 * Math.log(1 / 3) - 0.5 * (4 * Math.log(2 * Math.PI) + 0.01 + 0.16 + 4);
  assert.ok(Math.abs(r.logProb - want) < 1e-12);
});

Deno.test("viterbiHmm() follows a structural path and reports its joint log-probability", () => {
  // 0 → 1 → 2 → 2: a left-to-right chain.
  const m: GaussianHmm = {
    covarianceType: "diag",
    K: 3,
    D: 1,
    startprob: Float64Array.of(1, 0, 0),
    transmat: Float64Array.of(0, 1, 0, 0, 0, 1, 0, 0, 1),
    means: Float64Array.of(0, 10, 20),
    covars: Float64Array.of(1, 1, 1),
  };
  const x = Float64Array.of(20, 20, 20, 20);
  const r = viterbiHmm(prepareHmm(m), x);
  assert.deepEqual(Array.from(r.path), [0, 1, 2, 2]);
  const want = -0.5 * (4 * Math.log(2 * Math.PI) + 400 + 100);
  assert.ok(Math.abs(r.logProb - want) < 1e-12);
});
