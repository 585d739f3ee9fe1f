import assert from "node:assert/strict";
import { SeededRng } from "../seeded_rng.ts";
import { baumWelch } from "./baum_welch.ts";
import { HmmInputError } from "./hmm_input_error.ts";
import { prepareHmm } from "./prepared_hmm.ts";
import { scoreHmm } from "./score_hmm.ts";
import { sampleHmm } from "./_sample_hmm.ts";
import { threeStateFull, twoStateDiag } from "./_test_models.ts";

Deno.test("baumWelch() never decreases the log-likelihood with min_covar = 0 and keeps structural zeros", () => {
  const m = threeStateFull();
  const { x } = sampleHmm(m, 500, new SeededRng(13));
  const start = { ...m, means: Float64Array.of(0.5, 0.5, 2, 2, -2, 2) };
  const r = baumWelch(start, x, { nIter: 8, minCovar: 0 });
  for (let i = 1; i < r.loglikTrace.length; i++) {
    assert.ok(r.loglikTrace[i] >= r.loglikTrace[i - 1] - 1e-9);
  }
  assert.equal(r.model.transmat[2], 0);
  assert.equal(r.model.startprob[2], 0);
  assert.equal(r.loglikTrace[8], scoreHmm(prepareHmm(r.model), x));
});

Deno.test("baumWelch() with nIter 0 returns the model unchanged and the trace [score]", () => {
  const m = twoStateDiag();
  const { x } = sampleHmm(m, 50, new SeededRng(2));
  const r = baumWelch(m, x, { nIter: 0 });
  assert.deepEqual(r.model, m);
  assert.deepEqual(Array.from(r.loglikTrace), [scoreHmm(prepareHmm(m), x)]);
});

Deno.test("baumWelch() with params 'm' moves only the means", () => {
  const m = twoStateDiag();
  const { x } = sampleHmm(m, 100, new SeededRng(3));
  const r = baumWelch(m, x, { nIter: 2, params: "m" });
  assert.deepEqual(r.model.transmat, m.transmat);
  assert.deepEqual(r.model.covars, m.covars);
  assert.deepEqual(r.model.startprob, m.startprob);
  assert.notDeepEqual(r.model.means, m.means);
});

Deno.test("baumWelch() refuses params with a letter outside stmc and a negative nIter", () => {
  const m = twoStateDiag();
  const x = Float64Array.of(0, 0);
  for (const o of [{ params: "stmx" }, { nIter: -1 }, { nIter: 1.5 }, { minCovar: -0.1 }]) {
    assert.throws(
      () => baumWelch(m, x, o),
      (e: unknown) => e instanceof HmmInputError && e.code === "invalid_argument",
    );
  }
});
