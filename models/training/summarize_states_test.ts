import assert from "node:assert/strict";
import type { GaussianHmm } from "../hmm/gaussian_hmm.ts";
import { filterHmm } from "../hmm/filter_hmm.ts";
import { prepareHmm } from "../hmm/prepared_hmm.ts";
import { statePriors } from "../policy/state_priors.ts";
import { SeededRng } from "../seeded_rng.ts";
import { summarizeStates } from "./summarize_states.ts";

function model(): GaussianHmm {
  return {
    covarianceType: "diag",
    K: 3,
    D: 1,
    startprob: Float64Array.of(0.2, 0.3, 0.5),
    transmat: Float64Array.of(0.9, 0.05, 0.05, 0.1, 0.8, 0.1, 0, 0, 1),
    means: Float64Array.of(-1, 0, 2),
    covars: Float64Array.of(0.5, 1, 0.25),
  };
}

Deno.test("summarizeStates() learns the priors of statePriors over the filtered posteriors", () => {
  const rng = new SeededRng(4);
  const T = 400;
  const x = Float64Array.from({ length: T }, () => rng.normal());
  const returns = Float64Array.from({ length: T }, () => 1e-4 * rng.normal());
  const hmm = prepareHmm(model());
  const flat = { model: model(), offsets: Int32Array.of(0, 2, 3) };
  const s = summarizeStates(flat, hmm, x, returns, { horizon: 3 });
  const f = filterHmm(hmm, x);
  const expected = statePriors(f.filtered.map(Math.log), returns, hmm.logTransmat, { horizon: 3 });
  for (let k = 0; k < 3; k++) assert.ok(Math.abs(s.priors[k] - expected.priors[k]) <= 1e-15);
  assert.ok(Math.abs(s.loglik - f.loglik) <= 1e-9 * Math.abs(f.loglik));
  assert.deepEqual(s.states.map((r) => [r.state, r.macro, r.micro]), [[0, 0, 0], [1, 0, 1], [
    2,
    1,
    0,
  ]]);
  assert.equal(s.states[2].expectedDuration, null); // absorbing
  assert.ok(Math.abs(s.states[0].expectedDuration! - 10) < 1e-9);
  for (let t = 0; t < T; t++) {
    const p = f.filtered.subarray(t * 3, t * 3 + 3);
    assert.equal(s.macroArgmax[t], p[0] + p[1] >= p[2] ? 0 : 1);
  }
});

Deno.test("summarizeStates() refuses observations that do not fit the returns", () => {
  const hmm = prepareHmm(model());
  assert.throws(
    () =>
      summarizeStates(
        { model: model(), offsets: Int32Array.of(0, 3) },
        hmm,
        new Float64Array(5),
        new Float64Array(4),
      ),
    TypeError,
  );
});
