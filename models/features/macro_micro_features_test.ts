import assert from "node:assert/strict";
import { assertSameRuns, MINUTE, randomWalkBars, T0 } from "./_test_support.ts";
import { barFeatureSchema } from "./bar_feature_schema.ts";
import type { FeatureBar } from "./feature_bar.ts";
import { FeatureEngine } from "./feature_engine.ts";
import type { FeaturePipeline } from "./feature_pipeline.ts";
import { FeatureStatus } from "./feature_status.ts";
import { MacroMicroFeatures, MacroMicroSnapshot } from "./macro_micro_features.ts";
import { MACRO_MICRO_SCHEMA, macroMicroSchema } from "./macro_micro_schema.ts";

const SMALL = macroMicroSchema({
  slow: barFeatureSchema({ barMinutes: 60, rvWindows: [1], volumeWindow: 2, standardizeWindow: 2 }),
  fast: barFeatureSchema({ rvWindows: [1], volumeWindow: 2, standardizeWindow: 2 }),
});

function run(pipeline: FeaturePipeline, bars: FeatureBar[]) {
  const raw = new Float64Array(pipeline.dimension), z = new Float64Array(pipeline.dimension);
  return bars.map((b) => {
    const status = pipeline.update(b, raw, z);
    return { status, raw: Array.from(raw), z: Array.from(z) };
  });
}

/** Hourly bars summed by hand from 60 consecutive aligned 1m bars. */
function hourly(bars: FeatureBar[]): FeatureBar[] {
  const out: FeatureBar[] = [];
  for (let i = 0; i + 60 <= bars.length; i += 60) {
    const chunk = bars.slice(i, i + 60);
    out.push({
      openTime: chunk[0].openTime,
      open: chunk[0].open,
      high: Math.max(...chunk.map((b) => b.high)),
      low: Math.min(...chunk.map((b) => b.low)),
      close: chunk[59].close,
      volume: chunk.reduce((s, b) => s + b.volume, 0),
    });
  }
  return out;
}

Deno.test("MacroMicroFeatures writes the last completed hour's slow features, then the fast ones", () => {
  const bars = randomWalkBars(7, 300).map(({ takerBuyVolume: _, ...b }) => b);
  const got = run(new MacroMicroFeatures(SMALL), bars);
  const slow = run(new FeatureEngine(SMALL.slow), hourly(bars));
  const fast = run(new FeatureEngine(SMALL.fast), bars);
  const ds = SMALL.slow.columns.length;
  for (let t = 0; t < bars.length; t++) {
    const done = Math.floor((t + 1) / 60); // hours completed once bar t closed
    const s = done > 0 ? slow[done - 1] : { raw: Array(ds).fill(0), z: Array(ds).fill(0) };
    // summing 60 volumes in another order can differ in the last bit: compare within 1e-12
    const expected = [...s.raw, ...fast[t].raw];
    got[t].raw.forEach((x, j) => assert.ok(Math.abs(x - expected[j]) < 1e-12, `raw ${t},${j}`));
    const expectedZ = [...s.z, ...fast[t].z];
    got[t].z.forEach((x, j) => assert.ok(Math.abs(x - expectedZ[j]) < 1e-9, `z ${t},${j}`));
  }
  // slow raw ready after 2 hours (volume window 2), standardised after 3 (window 2)
  assert.equal(got.findIndex((o) => o.status === FeatureStatus.READY), 179);
  assert.equal(got[178].status, FeatureStatus.RAW_READY);
  assert.equal(got[118].status, FeatureStatus.WARMING);
});

Deno.test("MacroMicroFeatures skips a partial first hour and sends an hour cut by a gap", () => {
  const pipeline = new MacroMicroFeatures(SMALL);
  const start = T0 + 9 * MINUTE; // the stream starts at 00:09
  const bars = randomWalkBars(8, 200, start);
  run(pipeline, bars.slice(0, 51)); // 00:09 .. 00:59
  assert.equal(pipeline.slow.barCount, 0);
  const hour1 = bars.slice(51, 81); // 01:00 .. 01:29, then a gap to 02:30
  run(pipeline, hour1);
  assert.equal(pipeline.slow.barCount, 0);
  const later = bars.slice(141, 150);
  run(pipeline, later);
  assert.equal(pipeline.slow.barCount, 1); // the cut 01:00 hour went out when 02:30 arrived
  assert.equal(pipeline.slow.session.volume, hour1.reduce((s, b) => s + b.volume, 0));
  assert.equal(pipeline.slow.session.close, hour1[29].close);
  assert.equal(pipeline.slow.session.open, hour1[0].open);
});

Deno.test("MacroMicroFeatures reaches ready within warmupBars on the default schema", () => {
  for (const offset of [0, 1]) {
    const pipeline = new MacroMicroFeatures(MACRO_MICRO_SCHEMA);
    assert.equal(pipeline.warmupBars, 60 * (96 + 1) - 1);
    const out = run(pipeline, randomWalkBars(9, 5900, T0 + offset * MINUTE));
    const first = out.findIndex((o) => o.status === FeatureStatus.READY);
    // aligned: 96 hourly bars = 5760 minutes; one minute late: the first 59 minutes are skipped
    assert.equal(first, offset === 0 ? 5759 : 5818);
    assert.ok(out.every((o) => o.raw.every(Number.isFinite) && o.z.every(Number.isFinite)));
  }
});

Deno.test("MacroMicroFeatures continues bit for bit after snapshot, JSON and restore", () => {
  const schema = macroMicroSchema({
    slow: barFeatureSchema({
      barMinutes: 60,
      imbalance: "taker_imbalance",
      rvWindows: [3],
      volumeWindow: 3,
      standardizeWindow: 5,
    }),
    fast: barFeatureSchema({ version: 2, imbalance: "taker_imbalance", standardizeWindow: 300 }),
  });
  const bars = randomWalkBars(10, 1500);
  const straight = run(new MacroMicroFeatures(schema), bars);
  assert.ok(straight.some((o) => o.status === FeatureStatus.READY));
  const first = new MacroMicroFeatures(schema);
  run(first, bars.slice(0, 737)); // mid-hour
  const restored = new MacroMicroFeatures(schema);
  restored.restore(MacroMicroSnapshot.parse(JSON.parse(JSON.stringify(first.snapshot()))));
  assertSameRuns(run(restored, bars.slice(737)), straight.slice(737));
  assert.throws(() => new MacroMicroFeatures(SMALL).restore(first.snapshot()), TypeError);
});

Deno.test("MacroMicroFeatures rejects a bar the fast engine rejects and changes nothing", () => {
  const bars = randomWalkBars(12, 130);
  const a = new MacroMicroFeatures(SMALL), b = new MacroMicroFeatures(SMALL);
  run(a, bars.slice(0, 70));
  run(b, bars.slice(0, 70));
  const raw = new Float64Array(a.dimension).fill(3);
  assert.equal(a.update({ ...bars[70], low: NaN }, raw), FeatureStatus.REJECTED);
  assert.ok(raw.every((x) => x === 3));
  assertSameRuns(run(a, bars.slice(70)), run(b, bars.slice(70)));
});
