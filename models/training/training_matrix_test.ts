import assert from "node:assert/strict";
import { columnIndex } from "../features/feature_schema.ts";
import { createFeaturePipeline } from "../features/create_feature_pipeline.ts";
import { runFeatureBatch } from "../features/run_feature_batch.ts";
import { MINUTE, regimeBars, sliceBars, SMALL_BARS, SMALL_MACRO_MICRO } from "./_test_support.ts";
import { TrainingInputError } from "./training_input_error.ts";
import { trainingMatrix } from "./training_matrix.ts";

Deno.test("trainingMatrix() keeps exactly the ready rows of the feature batch, in order", () => {
  const bars = regimeBars(3, 600);
  const m = trainingMatrix(SMALL_BARS, bars);
  const batch = runFeatureBatch(createFeaturePipeline(SMALL_BARS), bars);
  const D = SMALL_BARS.columns.length;
  const ready = [...batch.ready.keys()].filter((t) => batch.ready[t] === 1);
  assert.equal(m.D, D);
  assert.equal(m.rows, ready.length);
  assert.equal(m.rows, 600 - (createFeaturePipeline(SMALL_BARS).warmupBars - 1));
  const ret = columnIndex(SMALL_BARS, "log_return");
  const rv = columnIndex(SMALL_BARS, "rv_15");
  ready.forEach((t, r) => {
    assert.deepEqual(
      m.x.subarray(r * D, (r + 1) * D),
      batch.standardized.subarray(t * D, (t + 1) * D),
    );
    assert.equal(m.openTime[r], bars.openTime[t]);
    assert.equal(m.returns[r], batch.raw[t * D + ret]);
    assert.equal(m.realizedVol[r], batch.raw[t * D + rv]);
  });
  assert.equal(m.warmupFrom, bars.openTime[0]);
  assert.equal(m.from, bars.openTime[ready[0]]);
  assert.equal(m.to, bars.openTime[599] + MINUTE);
});

Deno.test("trainingMatrix() reads the fast side's return and volatility for a macro/micro schema", () => {
  const bars = regimeBars(3, 2400);
  const m = trainingMatrix(SMALL_MACRO_MICRO, bars);
  const batch = runFeatureBatch(createFeaturePipeline(SMALL_MACRO_MICRO), bars);
  const D = SMALL_MACRO_MICRO.columns.length;
  const t = batch.firstReady;
  assert.equal(m.returns[0], batch.raw[t * D + columnIndex(SMALL_MACRO_MICRO, "fast.log_return")]);
  assert.equal(m.realizedVol[0], batch.raw[t * D + columnIndex(SMALL_MACRO_MICRO, "fast.rv_15")]);
});

Deno.test("trainingMatrix() throws TrainingInputError when no row gets past the warm-up", () => {
  assert.throws(() => trainingMatrix(SMALL_BARS, sliceBars(regimeBars(3, 600), 0, 200)), {
    name: "TrainingInputError",
    message: /Cannot train on 200 bars: no feature row is ready/,
  });
  assert.throws(
    () => trainingMatrix(SMALL_BARS, sliceBars(regimeBars(3, 600), 0, 200)),
    TrainingInputError,
  );
});
