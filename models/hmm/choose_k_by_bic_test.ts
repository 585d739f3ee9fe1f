import assert from "node:assert/strict";
import { SeededRng } from "../seeded_rng.ts";
import { chooseKByBic } from "./choose_k_by_bic.ts";
import type { GaussianHmm } from "./gaussian_hmm.ts";
import { sampleHmm } from "./_sample_hmm.ts";

Deno.test("chooseKByBic() picks K=3 on data from three clearly separated states", () => {
  const truth: GaussianHmm = {
    covarianceType: "diag",
    K: 3,
    D: 2,
    startprob: Float64Array.of(1 / 3, 1 / 3, 1 / 3),
    transmat: Float64Array.of(0.95, 0.03, 0.02, 0.03, 0.94, 0.03, 0.02, 0.04, 0.94),
    means: Float64Array.of(-4, 0, 0, 4, 4, 0),
    covars: Float64Array.of(0.5, 0.5, 0.5, 0.5, 0.5, 0.5),
  };
  const { x } = sampleHmm(truth, 1500, new SeededRng(21));
  const seen: number[] = [];
  const r = chooseKByBic(x, {
    D: 2,
    candidates: [4, 1, 2, 3],
    seed: 3,
    onCandidate: (k) => seen.push(k),
  });
  assert.equal(r.K, 3);
  assert.equal(r.model.K, 3);
  assert.deepEqual(seen, [1, 2, 3, 4]);
  const bic = Object.fromEntries(r.candidates.map((c) => [c.K, c.bic]));
  assert.ok(bic[3] < bic[2] && bic[3] < bic[4] && bic[2] < bic[1]);
  const c3 = r.candidates.find((c) => c.K === 3)!;
  assert.equal(c3.nParams, 2 + 6 + 6 + 6);
  assert.ok(Math.abs(c3.bic - (-2 * c3.loglik + c3.nParams * Math.log(1500))) < 1e-9);
});
