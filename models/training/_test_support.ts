// Test helpers shared by the model file and training tests: synthetic regime-switching bars, a
// small macro/micro schema with a short warm-up, and a ready-made model file.
import { barFeatureSchema } from "../features/bar_feature_schema.ts";
import { type MacroMicroSchema, macroMicroSchema } from "../features/macro_micro_schema.ts";
import type { BarColumns } from "../features/run_feature_batch.ts";
import { SeededRng } from "../seeded_rng.ts";

/** 2026-01-01 00:00 UTC. */
export const T0 = Date.UTC(2026, 0, 1);
export const MINUTE = 60_000;

/** Bars as columns with a `length`, sliceable. */
export interface TestBars extends BarColumns {
  readonly openTime: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  readonly length: number;
}

/**
 * `n` consistent 1m bars from `start` of a seeded random walk whose volatility switches between a
 * calm regime (3 bp per bar) and a wild one (15 bp per bar, 4× the volume), each lasting about
 * 4 hours on average (geometric durations): data an HMM on volatility features can separate.
 */
export function regimeBars(seed: number, n: number, start = T0): TestBars {
  const rng = new SeededRng(seed);
  const cols = {
    openTime: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  let price = 40_000;
  let wild = false;
  for (let i = 0; i < n; i++) {
    if (rng.next() < 1 / 240) wild = !wild;
    const vol = wild ? 15e-4 : 3e-4;
    const open = price;
    const close = open * Math.exp(vol * rng.normal());
    cols.openTime[i] = start + i * MINUTE;
    cols.open[i] = open;
    cols.close[i] = close;
    cols.high[i] = Math.max(open, close) * (1 + vol * 0.5 * rng.next());
    cols.low[i] = Math.min(open, close) * (1 - vol * 0.5 * rng.next());
    cols.volume[i] = (wild ? 40 : 10) * (0.5 + rng.next());
    price = close;
  }
  return { ...cols, length: n };
}

/** Bars [from, to) of `bars`, as views. */
export function sliceBars(bars: TestBars, from: number, to: number): TestBars {
  return {
    openTime: bars.openTime.subarray(from, to),
    open: bars.open.subarray(from, to),
    high: bars.high.subarray(from, to),
    low: bars.low.subarray(from, to),
    close: bars.close.subarray(from, to),
    volume: bars.volume.subarray(from, to),
    length: to - from,
  };
}

/**
 * A macro/micro schema with short windows, so tests need few bars: hourly slow bars (rv 3 and 6
 * hours, volume z over 6, standardised over 24 hours) and 1m fast bars (rv 5 and 15, volume z over
 * 30, standardised over 240 bars). Ready after about 31 hours.
 */
export const SMALL_MACRO_MICRO: MacroMicroSchema = macroMicroSchema({
  slow: barFeatureSchema({
    barMinutes: 60,
    rvWindows: [3, 6],
    volumeWindow: 6,
    standardizeWindow: 24,
  }),
  fast: barFeatureSchema({ rvWindows: [5, 15], volumeWindow: 30, standardizeWindow: 240 }),
});

/** A per-bar schema with short windows (ready after 255 bars). */
export const SMALL_BARS = barFeatureSchema({
  rvWindows: [5, 15],
  volumeWindow: 30,
  standardizeWindow: 240,
});
