import assert from "node:assert/strict";
import { randomWalkBars } from "./_test_support.ts";
import { barFeatureSchema, FEATURE_SCHEMA_V1_TAKER } from "./bar_feature_schema.ts";
import type { FeatureBar } from "./feature_bar.ts";
import { FeatureEngine } from "./feature_engine.ts";
import { FeatureStatus } from "./feature_status.ts";
import { type BarColumns, runFeatureBatch } from "./run_feature_batch.ts";

function columns(bars: FeatureBar[], taker = false): BarColumns {
  const pick = (f: (b: FeatureBar) => number) => Float64Array.from(bars, f);
  return {
    openTime: pick((b) => b.openTime),
    open: pick((b) => b.open),
    high: pick((b) => b.high),
    low: pick((b) => b.low),
    close: pick((b) => b.close),
    volume: pick((b) => b.volume),
    takerBuyVolume: taker ? pick((b) => b.takerBuyVolume ?? 0) : undefined,
  };
}

const SCHEMA = barFeatureSchema({ version: 2, standardizeWindow: 200 });

Deno.test("runFeatureBatch() gives the same rows as updating the engine bar by bar", () => {
  const bars = randomWalkBars(21, 600);
  const batch = runFeatureBatch(new FeatureEngine(SCHEMA), columns(bars));
  const engine = new FeatureEngine(SCHEMA);
  const raw = new Float64Array(engine.dimension), z = new Float64Array(engine.dimension);
  const d = engine.dimension;
  assert.equal(batch.rows, 600);
  assert.equal(batch.dimension, d);
  for (let t = 0; t < bars.length; t++) {
    const status = engine.update(bars[t], raw, z);
    assert.equal(batch.ready[t], status === FeatureStatus.READY ? 1 : 0);
    for (let j = 0; j < d; j++) {
      assert.ok(Object.is(batch.raw[t * d + j], raw[j]), `raw ${t},${j}`);
      assert.ok(Object.is(batch.standardized[t * d + j], z[j]), `z ${t},${j}`);
    }
  }
  assert.equal(batch.firstReady, engine.warmupBars - 1);
  assert.equal(batch.rejected, 0);
});

Deno.test("runFeatureBatch() leaves rejected rows at 0, unmasked, and counts them", () => {
  const bars = randomWalkBars(22, 400);
  bars[300] = { ...bars[300], close: NaN };
  bars[301] = { ...bars[301], openTime: bars[299].openTime };
  const batch = runFeatureBatch(new FeatureEngine(SCHEMA), columns(bars));
  assert.equal(batch.rejected, 2);
  const d = batch.dimension;
  for (const t of [300, 301]) {
    assert.equal(batch.ready[t], 0);
    assert.ok(batch.raw.subarray(t * d, (t + 1) * d).every((x) => x === 0));
  }
  assert.equal(batch.ready[302], 1);
  assert.ok(batch.raw.every(Number.isFinite) && batch.standardized.every(Number.isFinite));
});

Deno.test("runFeatureBatch() passes taker buy volume to a taker_imbalance schema", () => {
  const bars = randomWalkBars(23, 50);
  const d = FEATURE_SCHEMA_V1_TAKER.columns.length, i = 6; // taker_imbalance
  const batch = runFeatureBatch(new FeatureEngine(FEATURE_SCHEMA_V1_TAKER), columns(bars, true));
  assert.equal(batch.rejected, 0);
  const b = bars[10];
  assert.equal(
    batch.raw[10 * d + i],
    b.volume > 0 ? (2 * b.takerBuyVolume! - b.volume) / b.volume : 0,
  );
  // without the column every bar is rejected: the engine never invents taker volume
  const none = runFeatureBatch(new FeatureEngine(FEATURE_SCHEMA_V1_TAKER), columns(bars));
  assert.equal(none.rejected, 50);
  assert.equal(none.firstReady, -1);
});

Deno.test("runFeatureBatch() throws TypeError for columns of unequal length", () => {
  const c = columns(randomWalkBars(24, 10));
  assert.throws(
    () => runFeatureBatch(new FeatureEngine(SCHEMA), { ...c, close: Array.from(c.close).slice(1) }),
    TypeError,
  );
});
