import assert from "node:assert/strict";
import type { GaussianHmm } from "../hmm/gaussian_hmm.ts";
import type { H2Hmm } from "../hmm/h2_hmm.ts";
import { permuteHmm } from "../hmm/permute_hmm.ts";
import { alignFlatModel, alignH2Model, ascendingOrder } from "./align_model.ts";
import { permuteH2 } from "./permute_h2.ts";

function threeStates(): GaussianHmm {
  return {
    covarianceType: "diag",
    K: 3,
    D: 2,
    startprob: Float64Array.of(0.2, 0.3, 0.5),
    transmat: Float64Array.of(0.8, 0.1, 0.1, 0.2, 0.7, 0.1, 0.05, 0.05, 0.9),
    means: Float64Array.of(0, 5, 3, 1, -2, 9),
    covars: Float64Array.of(1, 1, 1, 2, 0.5, 1),
  };
}

Deno.test("ascendingOrder() sorts ascending, ties to the lower index", () => {
  assert.deepEqual(Array.from(ascendingOrder([3, 1, 3, 0])), [3, 1, 0, 2]);
});

Deno.test("alignFlatModel() without a reference orders states by the column's mean", () => {
  const a = alignFlatModel(threeStates(), null, 1);
  assert.deepEqual(Array.from(a.permutation), [1, 0, 2]);
  assert.deepEqual(Array.from(a.model.means), [3, 1, 0, 5, -2, 9]);
});

Deno.test("alignFlatModel() undoes a relabelling of the reference", () => {
  const ref = threeStates();
  const shuffled = permuteHmm(ref, [2, 0, 1]);
  const a = alignFlatModel(shuffled, ref, 0);
  assert.deepEqual(a.model, ref);
});

Deno.test("alignFlatModel() puts extra candidate states after the matched ones, ordered", () => {
  const ref: GaussianHmm = {
    covarianceType: "diag",
    K: 2,
    D: 2,
    startprob: Float64Array.of(0.5, 0.5),
    transmat: Float64Array.of(0.9, 0.1, 0.1, 0.9),
    means: Float64Array.of(-2, 9, 3, 1),
    covars: Float64Array.of(1, 1, 1, 1),
  };
  const a = alignFlatModel(threeStates(), ref, 0);
  // ref state 0 ≈ candidate 2, ref state 1 ≈ candidate 1, extra candidate 0 last
  assert.deepEqual(Array.from(a.permutation), [2, 1, 0]);
});

function h2(): H2Hmm {
  const micro = (base: number) => ({
    U: 2,
    startprob: Float64Array.of(0.5, 0.5),
    transmat: Float64Array.of(0.9, 0.1, 0.2, 0.8),
    // D = 2: slow feature, fast feature
    means: Float64Array.of(base, -1, base, 1),
    covars: Float64Array.of(60, 1, 60, 2),
  });
  return {
    covarianceType: "diag",
    M: 3,
    D: 2,
    macroStartprob: Float64Array.of(0.2, 0.3, 0.5),
    macroTransmat: Float64Array.of(0.9, 0.05, 0.05, 0.1, 0.8, 0.1, 0.05, 0.15, 0.8),
    micro: [micro(-3), micro(0), micro(4)],
  };
}

Deno.test("alignH2Model() undoes a relabelling of regimes and micro states", () => {
  const ref = h2();
  const shuffled = permuteH2(ref, [2, 0, 1], [[1, 0], [0, 1], [1, 0]]);
  const a = alignH2Model(shuffled, ref, {
    slowDims: 1,
    macroVolatility: [0, 0, 0],
    microOrderColumn: 1,
  });
  assert.deepEqual(a.h2, ref);
});

Deno.test("alignH2Model() without a reference orders regimes by volatility, micro states by column", () => {
  const a = alignH2Model(permuteH2(h2(), [0, 1, 2], [[1, 0], [0, 1], [1, 0]]), null, {
    slowDims: 1,
    macroVolatility: [2, 3, 1],
    microOrderColumn: 1,
  });
  assert.deepEqual(Array.from(a.macroPermutation), [2, 0, 1]);
  assert.deepEqual(Array.from(a.h2.micro[0].means), [4, -1, 4, 1]);
  assert.deepEqual(Array.from(a.h2.micro[1].means), [-3, -1, -3, 1]);
});
