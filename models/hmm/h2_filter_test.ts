import assert from "node:assert/strict";
import { SeededRng } from "../seeded_rng.ts";
import { filterHmm } from "./filter_hmm.ts";
import { flattenH2 } from "./flatten_h2.ts";
import type { H2Hmm } from "./h2_hmm.ts";
import { h2Filter, OnlineH2Filter } from "./h2_filter.ts";
import { prepareHmm } from "./prepared_hmm.ts";
import { sampleHmm } from "./_sample_hmm.ts";
import { validateH2 } from "./validate_h2.ts";
import { HmmInputError } from "./hmm_input_error.ts";

const H2: H2Hmm = {
  covarianceType: "diag",
  M: 2,
  D: 1,
  macroStartprob: Float64Array.of(0.7, 0.3),
  macroTransmat: Float64Array.of(0.99, 0.01, 0.02, 0.98),
  micro: [
    {
      U: 2,
      startprob: Float64Array.of(0.5, 0.5),
      transmat: Float64Array.of(0.8, 0.2, 0.3, 0.7),
      means: Float64Array.of(-1, 1),
      covars: Float64Array.of(0.2, 0.2),
    },
    {
      U: 1,
      startprob: Float64Array.of(1),
      transmat: Float64Array.of(1),
      means: Float64Array.of(10),
      covars: Float64Array.of(4),
    },
  ],
};

Deno.test("flattenH2() builds a row-stochastic flat model with block offsets", () => {
  validateH2(H2);
  const { model, offsets } = flattenH2(H2);
  assert.deepEqual(Array.from(offsets), [0, 2, 3]);
  assert.deepEqual(Array.from(model.startprob), [0.35, 0.35, 0.3]);
  assert.deepEqual(Array.from(model.transmat.subarray(0, 3)), [0.99 * 0.8, 0.99 * 0.2, 0.01]);
  assert.deepEqual(Array.from(model.transmat.subarray(6, 9)), [0.02 * 0.5, 0.02 * 0.5, 0.98]);
  for (let i = 0; i < 3; i++) {
    const s = model.transmat[i * 3] + model.transmat[i * 3 + 1] + model.transmat[i * 3 + 2];
    assert.ok(Math.abs(s - 1) < 1e-15);
  }
});

Deno.test("OnlineH2Filter gives macro posteriors as block sums and the active micro state", () => {
  const flat = flattenH2(H2);
  const { x } = sampleHmm(flat.model, 200, new SeededRng(6));
  const batch = h2Filter(flat, x);
  const plain = filterHmm(prepareHmm(flat.model), x);
  assert.deepEqual(batch.microFiltered, plain.filtered);
  assert.equal(batch.loglik, plain.loglik);
  for (let t = 0; t < 200; t++) {
    const f = batch.microFiltered;
    assert.equal(batch.macroFiltered[t * 2], f[t * 3] + f[t * 3 + 1]);
  }
  const online = new OnlineH2Filter(flat);
  online.step(Float64Array.of(10));
  assert.equal(online.macroState(), 1);
  assert.equal(online.microState(), 0);
  online.step(Float64Array.of(1));
  online.step(Float64Array.of(1.1));
  assert.equal(online.macroState(), 0);
  assert.equal(online.microState(), 1);
  assert.ok(online.macroPosterior[0] > 0.99);
});

Deno.test("validateH2() refuses a macro row that does not sum to 1 with not_stochastic", () => {
  const bad = { ...H2, macroTransmat: Float64Array.of(0.9, 0.2, 0.02, 0.98) };
  assert.throws(
    () => validateH2(bad),
    (e: unknown) => e instanceof HmmInputError && e.code === "not_stochastic",
  );
});
