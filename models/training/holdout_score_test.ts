import assert from "node:assert/strict";
import { createFeaturePipeline } from "../features/create_feature_pipeline.ts";
import { runFeatureBatch } from "../features/run_feature_batch.ts";
import { filterHmm } from "../hmm/filter_hmm.ts";
import { modelRuntime } from "../model_file.ts";
import { regimeBars, sliceBars, SMALL_BARS } from "./_test_support.ts";
import { holdoutScore } from "./holdout_score.ts";
import { trainModel } from "./train_model.ts";
import { TrainingInputError } from "./training_input_error.ts";

const bars = regimeBars(8, 3000);
const { file } = trainModel(sliceBars(bars, 0, 2000), {
  symbol: "TESTUSDT",
  dataset: "synthetic",
  kind: "hmm",
  schema: SMALL_BARS,
  states: 2,
});

Deno.test("holdoutScore() averages the live filter's increments over the rows from scoreFrom", () => {
  const tail = sliceBars(bars, 1500, 3000);
  const scoreFrom = bars.openTime[2000];
  const s = holdoutScore(modelRuntime(file), tail, scoreFrom);
  // independently: features, then the batch filter over the ready rows
  const batch = runFeatureBatch(createFeaturePipeline(SMALL_BARS), tail);
  const D = batch.dimension;
  const idx = [...batch.ready.keys()].filter((t) => batch.ready[t] === 1);
  const x = new Float64Array(idx.length * D);
  idx.forEach((t, r) => x.set(batch.standardized.subarray(t * D, (t + 1) * D), r * D));
  const f = filterHmm(modelRuntime(file).hmm, x);
  let ll = 0;
  let n = 0;
  idx.forEach((t, r) => {
    if (tail.openTime[t] >= scoreFrom) {
      ll += f.increments[r];
      n++;
    }
  });
  assert.equal(s.rows, 1000);
  assert.equal(s.rows, n);
  assert.ok(Math.abs(s.loglik - ll) <= 1e-9 * Math.abs(ll));
  assert.ok(Math.abs(s.meanLoglik - ll / n) <= 1e-9 * Math.abs(ll / n));
});

Deno.test("holdoutScore() throws TrainingInputError when no ready row is at or after scoreFrom", () => {
  assert.throws(
    () =>
      holdoutScore(modelRuntime(file), sliceBars(bars, 1500, 3000), bars.openTime[2999] + 60_000),
    TrainingInputError,
  );
});
