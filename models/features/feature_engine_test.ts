import assert from "node:assert/strict";
import { assertSameRuns, bar, MINUTE, randomWalkBars, realBtcBars, T0 } from "./_test_support.ts";
import {
  barFeatureSchema,
  FEATURE_SCHEMA_V1,
  FEATURE_SCHEMA_V1_TAKER,
  FEATURE_SCHEMA_V2,
  FEATURE_SCHEMA_V2_TAKER,
} from "./bar_feature_schema.ts";
import type { FeatureBar } from "./feature_bar.ts";
import { FeatureEngine, FeatureEngineSnapshot } from "./feature_engine.ts";
import { columnIndex } from "./feature_schema.ts";
import { FeatureStatus } from "./feature_status.ts";

// Tolerance for values the engine computes through running sums where the test uses a direct
// formula: 1e-12 absolute (all values here are O(1) or smaller).
const EPS = 1e-12;

/** v2 with tiny windows: raw ready after 5 bars, standardised after 8. */
const SMALL = barFeatureSchema({
  version: 2,
  rvWindows: [2, 3],
  volumeWindow: 3,
  standardizeWindow: 4,
  autocorrWindow: 4,
  emaFast: 1,
  emaSlow: 3,
});

function run(engine: FeatureEngine, bars: FeatureBar[]) {
  const raw = new Float64Array(engine.dimension), z = new Float64Array(engine.dimension);
  const out: Array<{ status: FeatureStatus; raw: number[]; z: number[] }> = [];
  for (const b of bars) {
    const status = engine.update(b, raw, z);
    out.push({ status, raw: Array.from(raw), z: Array.from(z) });
  }
  return out;
}

function col(name: string, schema = SMALL): number {
  return columnIndex(schema, name);
}

Deno.test("FeatureEngine writes log return, range, clv, rv and volume z-score exactly", () => {
  const engine = new FeatureEngine(SMALL);
  const out = run(engine, [
    bar(0, 100, 102, 99, 101, 2),
    bar(1, 101, 103, 100, 102, 4),
    bar(2, 102, 102, 98, 99, 6),
  ]);
  const last = out[2].raw;
  assert.equal(last[col("log_return")], Math.log(99 / 102));
  assert.equal(last[col("range")], 4 / 99);
  assert.equal(last[col("clv")], -0.5); // ((99 − 98) − (102 − 99)) / 4
  const r1 = Math.log(102 / 101), r2 = Math.log(99 / 102);
  assert.ok(Math.abs(last[col("rv_2")] - Math.sqrt((r1 * r1 + r2 * r2) / 2)) < EPS);
  assert.equal(last[col("rv_3")], 0); // only two returns so far: not ready
  // volumes 2, 4, 6: mean 4, population variance 8/3, z of 6 = 2 / sqrt(8/3) = sqrt(1.5)
  assert.ok(Math.abs(last[col("volume_z_3")] - Math.sqrt(1.5)) < EPS);
  assert.equal(out[0].raw[col("log_return")], 0); // first bar has no previous close
  assert.equal(out[1].raw[col("volume_z_3")], 0); // window of 3 not full on bar 2
});

Deno.test("FeatureEngine computes session VWAP and resets it at the UTC midnight", () => {
  const engine = new FeatureEngine(SMALL);
  const start = Date.UTC(2026, 0, 1, 23, 58);
  const raw = new Float64Array(engine.dimension);
  engine.update(bar(0, 100, 102, 99, 101, 2, start), raw);
  engine.update(bar(1, 101, 103, 100, 102, 4, start), raw);
  // (302/3·2 + 305/3·4) / 6 = (604 + 1220) / 18
  const vwapBefore = (604 + 1220) / 18;
  assert.ok(Math.abs(engine.session.vwap - vwapBefore) < EPS);
  assert.ok(Math.abs(raw[col("vwap_dist")] - Math.log(102 / vwapBefore)) < EPS);
  assert.equal(engine.session.volume, 6);
  assert.equal(engine.session.high, 103);

  engine.update(bar(2, 102, 102, 98, 99, 6, start), raw); // 00:00 UTC on 2026-01-02
  const s = engine.session;
  assert.equal(s.day, Math.floor(Date.UTC(2026, 0, 2) / 86_400_000));
  assert.deepEqual(
    [s.open, s.high, s.low, s.close, s.volume, s.bars],
    [102, 102, 98, 99, 6, 1],
  );
  assert.equal(s.vwap, (102 + 98 + 99) / 3 * 6 / 6);
  assert.ok(Math.abs(raw[col("vwap_dist")] - Math.log(99 / (299 / 3))) < EPS);

  engine.update(bar(3, 99, 101, 99, 100, 2, start), raw);
  // (299/3·6 + 300/3·2) / 8 = (1794 + 600) / 24
  assert.ok(Math.abs(engine.session.vwap - 2394 / 24) < EPS);
  assert.equal(engine.session.open, 102);
});

Deno.test("FeatureEngine gives vwap_dist 0 while the session has no volume", () => {
  const engine = new FeatureEngine(SMALL);
  const raw = new Float64Array(engine.dimension);
  engine.update(bar(0, 100, 102, 99, 101, 0), raw);
  assert.equal(engine.session.vwap, 101);
  assert.equal(raw[col("vwap_dist")], 0);
});

Deno.test("FeatureEngine standardises each column over the last standardizeWindow ready rows", () => {
  // v1 with rv over 1 bar and a 2-bar volume window: raw ready from the 2nd bar, z from the 4th
  const schema = barFeatureSchema({ rvWindows: [1], volumeWindow: 2, standardizeWindow: 3 });
  const engine = new FeatureEngine(schema);
  assert.equal(engine.rawWarmupBars, 2);
  assert.equal(engine.warmupBars, 4);
  const out = run(engine, [
    bar(0, 100, 100.5, 99.5, 100, 1),
    bar(1, 100, 100.5, 99.5, 100, 1), // range 0.01
    bar(2, 100, 101, 99, 100, 1), // range 0.02
    bar(3, 100, 101.5, 98.5, 100, 1), // range 0.03
  ]);
  assert.deepEqual(out.map((o) => o.status), ["warming", "raw_ready", "raw_ready", "ready"]);
  // ranges 0.01, 0.02, 0.03: mean 0.02, population std 0.01·sqrt(2/3): z = sqrt(1.5)
  const r = columnIndex(schema, "range");
  assert.ok(Math.abs(out[3].z[r] - Math.sqrt(1.5)) < 1e-9);
  // log returns are all 0: a flat column standardises to exactly 0
  assert.equal(out[3].z[columnIndex(schema, "log_return")], 0);
  assert.ok(out[2].z.every((x) => x === 0)); // not ready yet: zeros
});

Deno.test("FeatureEngine computes lag-1 autocorrelations of r and |r| exactly", () => {
  const engine = new FeatureEngine(SMALL);
  const a = 0.01;
  // returns +a, −a, +a, −a: mean 0, Σ lagged products = −3a², Σ squares = 4a² → −0.75;
  // |r| is constant, so its variance is below the floor and its autocorrelation is 0
  const closes = [100, 100 * Math.exp(a), 100, 100 * Math.exp(a), 100];
  const out = run(engine, closes.map((c, i) => bar(i, c, c, c, c, 1)));
  assert.ok(Math.abs(out[4].raw[col("ac1_4")] - -0.75) < 1e-9);
  assert.equal(out[4].raw[col("abs_ac1_4")], 0);
  assert.equal(out[3].raw[col("ac1_4")], 0); // three returns: not ready
});

Deno.test("FeatureEngine autocorrelations match a direct computation over a random walk", () => {
  const engine = new FeatureEngine(SMALL);
  const bars = randomWalkBars(11, 400);
  const out = run(engine, bars);
  for (let t = 10; t < bars.length; t++) {
    const rs = [];
    for (let i = t - 3; i <= t; i++) rs.push(Math.log(bars[i].close / bars[i - 1].close));
    for (const [name, xs] of [["ac1_4", rs], ["abs_ac1_4", rs.map(Math.abs)]] as const) {
      const m = xs.reduce((s, x) => s + x, 0) / xs.length;
      let num = 0, den = 0;
      for (let i = 0; i < xs.length; i++) {
        den += (xs[i] - m) ** 2;
        if (i > 0) num += (xs[i] - m) * (xs[i - 1] - m);
      }
      const expected = den / xs.length > 1e-18 ? num / den : 0;
      assert.ok(Math.abs(out[t].raw[col(name)] - expected) < 1e-9, `${name} at ${t}`);
    }
  }
});

Deno.test("FeatureEngine computes imbalance momentum as fast minus slow EMA", () => {
  const engine = new FeatureEngine(SMALL); // fast span 1 (α = 1), slow span 3 (α = 0.5)
  const out = run(engine, [
    bar(0, 100, 104, 100, 104, 1), // clv 1
    bar(1, 104, 104, 100, 100, 1), // clv −1
    bar(2, 100, 104, 100, 103, 1), // clv 0.5
  ]);
  // slow: 1 → 1 + 0.5(−1 − 1) = 0 → 0 + 0.5(0.5 − 0) = 0.25; fast = 0.5; momentum 0.25
  assert.equal(out[2].raw[col("clv_mom_1_3")], 0.25);
  assert.equal(out[1].raw[col("clv_mom_1_3")], 0); // two values < slow span: not ready
});

Deno.test("FeatureEngine computes taker_imbalance from taker buy volume", () => {
  const schema = barFeatureSchema({
    imbalance: "taker_imbalance",
    rvWindows: [1],
    volumeWindow: 2,
  });
  const engine = new FeatureEngine(schema);
  const raw = new Float64Array(engine.dimension);
  const i = columnIndex(schema, "taker_imbalance");
  engine.update({ ...bar(0, 100, 101, 99, 100, 8), takerBuyVolume: 6 }, raw);
  assert.equal(raw[i], 0.5); // (6 − 2) / 8
  engine.update({ ...bar(1, 100, 101, 99, 100, 0), takerBuyVolume: 0 }, raw);
  assert.equal(raw[i], 0);
});

Deno.test("FeatureEngine reports warming, raw_ready and ready exactly at the window boundaries", () => {
  const engine = new FeatureEngine(SMALL);
  assert.equal(engine.rawWarmupBars, 5); // 4 returns for ac1_4 need 5 bars
  assert.equal(engine.warmupBars, 8);
  const out = run(engine, randomWalkBars(3, 10));
  assert.deepEqual(out.map((o) => o.status), [
    "warming",
    "warming",
    "warming",
    "warming",
    "raw_ready",
    "raw_ready",
    "raw_ready",
    "ready",
    "ready",
    "ready",
  ]);
  assert.equal(engine.ready, true);
  for (const schema of [FEATURE_SCHEMA_V1, FEATURE_SCHEMA_V2]) {
    const e = new FeatureEngine(schema);
    assert.equal(e.rawWarmupBars, 61);
    assert.equal(e.warmupBars, 1500);
  }
});

Deno.test("FeatureEngine writes no NaN over zero-volume, high == low and long flat bars", () => {
  for (const schema of [FEATURE_SCHEMA_V2, FEATURE_SCHEMA_V2_TAKER]) {
    const engine = new FeatureEngine(schema);
    const raw = new Float64Array(engine.dimension), z = new Float64Array(engine.dimension);
    let ready = 0;
    for (let i = 0; i < 4000; i++) {
      // 3000 identical flat, zero-volume bars, then a random walk
      const b = i < 3000
        ? { ...bar(i, 100, 100, 100, 100, 0), takerBuyVolume: 0 }
        : randomWalkBars(i, 1, T0 + i * MINUTE)[0];
      const status = engine.update(b, raw, z);
      assert.notEqual(status, FeatureStatus.REJECTED);
      if (status === FeatureStatus.READY) ready++;
      for (let j = 0; j < engine.dimension; j++) {
        assert.ok(
          Number.isFinite(raw[j]) && Number.isFinite(z[j]),
          `${schema.name} bar ${i} col ${j}`,
        );
      }
      if (i === 2999) {
        assert.ok(raw.every((x) => x === 0), `flat raw ${raw}`);
        assert.ok(z.every((x) => x === 0), `flat z ${z}`);
      }
    }
    assert.equal(ready, 4000 - 1499);
  }
});

Deno.test("FeatureEngine rejects bad bars without touching its state or the outputs", () => {
  const good = randomWalkBars(5, 30);
  const bad: FeatureBar[] = [
    { ...good[20], close: NaN },
    { ...good[20], high: Infinity },
    { ...good[20], open: 0 },
    { ...good[20], low: -1 },
    { ...good[20], volume: -1 },
    { ...good[20], volume: NaN },
    { ...good[20], high: good[20].low * 0.99 },
    { ...good[20], close: good[20].high * 1.01 },
    { ...good[20], openTime: good[19].openTime },
    { ...good[20], openTime: NaN },
    { ...good[20], close: 1e13, high: 1e13 },
  ];
  for (const schema of [SMALL, FEATURE_SCHEMA_V1_TAKER]) {
    const cases = schema === SMALL ? bad : [
      ...bad,
      { ...good[20], takerBuyVolume: undefined },
      { ...good[20], takerBuyVolume: good[20].volume + 1 },
      { ...good[20], takerBuyVolume: -0.5 },
    ];
    for (const b of cases) {
      const twin = new FeatureEngine(schema), engine = new FeatureEngine(schema);
      run(twin, good.slice(0, 20));
      run(engine, good.slice(0, 20));
      const raw = new Float64Array(engine.dimension).fill(7),
        z = new Float64Array(engine.dimension).fill(7);
      assert.equal(engine.update(b, raw, z), FeatureStatus.REJECTED, JSON.stringify(b));
      assert.ok(raw.every((x) => x === 7) && z.every((x) => x === 7));
      assert.equal(engine.barCount, 20);
      assertSameRuns(run(engine, good.slice(20)), run(twin, good.slice(20)));
    }
  }
});

Deno.test("FeatureEngine continues bit for bit after snapshot, JSON and restore", () => {
  for (const schema of [FEATURE_SCHEMA_V2, FEATURE_SCHEMA_V1_TAKER]) {
    // 2000 + 1700 bars: crosses the first ready bar (1500) and two exact recomputes (every 1440)
    const bars = randomWalkBars(42, 3700);
    const straight = run(new FeatureEngine(schema), bars);
    const first = new FeatureEngine(schema);
    run(first, bars.slice(0, 2000));
    const json = JSON.stringify(first.snapshot());
    const restored = new FeatureEngine(schema);
    restored.restore(FeatureEngineSnapshot.parse(JSON.parse(json)));
    assert.equal(restored.barCount, 2000);
    assertSameRuns(run(restored, bars.slice(2000)), straight.slice(2000));
  }
});

Deno.test("FeatureEngine.restore() refuses a snapshot of another schema with TypeError", () => {
  const engine = new FeatureEngine(FEATURE_SCHEMA_V1);
  run(engine, randomWalkBars(1, 10));
  const other = new FeatureEngine(FEATURE_SCHEMA_V2);
  assert.throws(() => other.restore(engine.snapshot()), (e: unknown) => {
    return e instanceof TypeError && e.message.includes(FEATURE_SCHEMA_V1.hash) &&
      e.message.includes(FEATURE_SCHEMA_V2.hash);
  });
  const broken = { ...engine.snapshot(), volumes: [1, 2] };
  assert.throws(() => new FeatureEngine(FEATURE_SCHEMA_V1).restore(broken), TypeError);
});

Deno.test("FeatureEngine.update() throws TypeError for an output buffer shorter than the schema", () => {
  const engine = new FeatureEngine(FEATURE_SCHEMA_V1);
  assert.throws(() => engine.update(bar(0, 1, 1, 1, 1, 1), new Float64Array(3)), TypeError);
});

Deno.test("FeatureEngine writes only finite values over 5000 real BTCUSDT bars", async () => {
  const bars = await realBtcBars(5000);
  assert.equal(bars.length, 5000);
  for (const schema of [FEATURE_SCHEMA_V1, FEATURE_SCHEMA_V2]) {
    const engine = new FeatureEngine(schema);
    const out = run(engine, bars);
    assert.equal(out.findIndex((o) => o.status === FeatureStatus.READY), 1499);
    assert.ok(out.every((o) => o.status !== FeatureStatus.REJECTED));
    for (const o of out) assert.ok(o.raw.every(Number.isFinite) && o.z.every(Number.isFinite));
    // sanity of scale on real data: BTC 1m realized volatility is a few basis points
    const rv60 = out[4999].raw[columnIndex(schema, "rv_60")];
    assert.ok(rv60 > 1e-5 && rv60 < 1e-2, `rv_60 ${rv60}`);
    // standardised columns over the ready span have a mean near 0
    const ready = out.slice(1499);
    for (let j = 0; j < engine.dimension; j++) {
      const mean = ready.reduce((s, o) => s + o.z[j], 0) / ready.length;
      assert.ok(Math.abs(mean) < 1, `${schema.columns[j]} z mean ${mean}`);
    }
  }
});
