import assert from "node:assert/strict";
import { alignStates } from "./align_states.ts";
import type { GaussianHmm } from "./gaussian_hmm.ts";
import { permuteHmm } from "./permute_hmm.ts";

const REF: GaussianHmm = {
  covarianceType: "diag",
  K: 4,
  D: 2,
  startprob: Float64Array.of(0.1, 0.2, 0.3, 0.4),
  transmat: Float64Array.of(
    0.7,
    0.1,
    0.1,
    0.1,
    0.2,
    0.6,
    0.1,
    0.1,
    0.1,
    0.2,
    0.5,
    0.2,
    0.05,
    0.05,
    0.1,
    0.8,
  ),
  means: Float64Array.of(0, 0, 5, 0, 0, 5, 5, 5),
  covars: Float64Array.of(1, 1, 1, 1, 1, 1, 1, 1),
};

Deno.test("alignStates() returns the permutation that undoes a shuffle of the states", () => {
  const shuffle = [2, 0, 3, 1];
  const shuffled = permuteHmm(REF, shuffle);
  const perm = alignStates(REF, shuffled);
  // aligned state i = shuffled state perm[i] = REF state shuffle[perm[i]] = i.
  assert.deepEqual(Array.from(perm).map((p) => shuffle[p]), [0, 1, 2, 3]);
  assert.deepEqual(permuteHmm(shuffled, perm), REF);
});

Deno.test("alignStates() matches states by nearby means after a retrain moved them a little", () => {
  const retrained = {
    ...permuteHmm(REF, [3, 2, 1, 0]),
    means: Float64Array.of(5.3, 4.8, 0.2, 5.1, 4.7, -0.2, 0.1, 0.3),
  };
  assert.deepEqual(Array.from(alignStates(REF, retrained)), [3, 2, 1, 0]);
});

Deno.test("alignStates() puts extra candidate states last and keeps reference order with fewer", () => {
  const three: GaussianHmm = {
    covarianceType: "diag",
    K: 3,
    D: 2,
    startprob: Float64Array.of(0.3, 0.3, 0.4),
    transmat: Float64Array.of(0.8, 0.1, 0.1, 0.1, 0.8, 0.1, 0.1, 0.1, 0.8),
    means: Float64Array.of(5, 5, 0, 0, 0, 5),
    covars: new Float64Array(6).fill(1),
  };
  // candidate 3 states vs reference 4: reference states 0, 2, 3 are matched by candidate 1, 2, 0.
  assert.deepEqual(Array.from(alignStates(REF, three)), [1, 2, 0]);
  // candidate 4 vs reference 3: the state near (5, 0) has no match and goes last.
  assert.deepEqual(Array.from(alignStates(three, REF)), [3, 0, 2, 1]);
});

Deno.test("permuteHmm() refuses something that is not a permutation with TypeError", () => {
  assert.throws(() => permuteHmm(REF, [0, 0, 1, 2]), TypeError);
  assert.throws(() => permuteHmm(REF, [0, 1, 2]), TypeError);
});
