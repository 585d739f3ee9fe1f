import assert from "node:assert/strict";
import { flattenH2 } from "../hmm/flatten_h2.ts";
import type { H2Hmm } from "../hmm/h2_hmm.ts";
import { permuteHmm } from "../hmm/permute_hmm.ts";
import { permuteH2 } from "./permute_h2.ts";

function sample(): H2Hmm {
  return {
    covarianceType: "diag",
    M: 2,
    D: 1,
    macroStartprob: Float64Array.of(0.3, 0.7),
    macroTransmat: Float64Array.of(0.9, 0.1, 0.2, 0.8),
    micro: [
      {
        U: 2,
        startprob: Float64Array.of(0.4, 0.6),
        transmat: Float64Array.of(0.5, 0.5, 0.25, 0.75),
        means: Float64Array.of(-1, 1),
        covars: Float64Array.of(1, 2),
      },
      {
        U: 3,
        startprob: Float64Array.of(0.2, 0.3, 0.5),
        transmat: Float64Array.of(0.6, 0.3, 0.1, 0.2, 0.7, 0.1, 0.1, 0.1, 0.8),
        means: Float64Array.of(5, 6, 7),
        covars: Float64Array.of(3, 4, 5),
      },
    ],
  };
}

Deno.test("permuteH2() moves regimes and micro states like a permutation of the flat model", () => {
  const h2 = sample();
  const p = permuteH2(h2, [1, 0], [[2, 0, 1], [1, 0]]);
  assert.deepEqual(Array.from(p.macroStartprob), [0.7, 0.3]);
  assert.deepEqual(Array.from(p.macroTransmat), [0.8, 0.2, 0.1, 0.9]);
  assert.deepEqual(Array.from(p.micro[0].means), [7, 5, 6]);
  assert.deepEqual(Array.from(p.micro[1].startprob), [0.6, 0.4]);
  // flat order of the original: (0,0)=0 (0,1)=1 (1,0)=2 (1,1)=3 (1,2)=4
  const flatPerm = [4, 2, 3, 1, 0];
  assert.deepEqual(flattenH2(p).model, permuteHmm(flattenH2(h2).model, flatPerm));
});

Deno.test("permuteH2() with the inverse permutations gives the model back", () => {
  const h2 = sample();
  const p = permuteH2(h2, [1, 0], [[2, 0, 1], [1, 0]]);
  assert.deepEqual(permuteH2(p, [1, 0], [[1, 0], [1, 2, 0]]), h2);
});

Deno.test("permuteH2() refuses a permutation of the wrong length", () => {
  assert.throws(() => permuteH2(sample(), [0, 1], [[0, 1]]), TypeError);
  assert.throws(() => permuteH2(sample(), [0, 0], [[0, 1], [0, 1, 2]]), TypeError);
  assert.throws(() => permuteH2(sample(), [0, 1], [[0, 1], [0, 1]]), TypeError);
});
