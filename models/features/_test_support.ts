// Test helpers shared by this folder's tests: hand-written bars, a seeded random walk, and a slice
// of the real bundled klines.
import { SeededRng } from "../seeded_rng.ts";
import type { FeatureBar } from "./feature_bar.ts";

/** 2026-01-01 00:00:00 UTC in ms. */
export const T0 = Date.UTC(2026, 0, 1);
export const MINUTE = 60_000;

/** A 1m bar `i` minutes after `start`. */
export function bar(
  i: number,
  o: number,
  h: number,
  l: number,
  c: number,
  v: number,
  start = T0,
): FeatureBar {
  return { openTime: start + i * MINUTE, open: o, high: h, low: l, close: c, volume: v };
}

/** `n` consistent 1m bars of a seeded log-normal random walk, with taker buy volume. */
export function randomWalkBars(seed: number, n: number, start = T0): FeatureBar[] {
  const rng = new SeededRng(seed);
  const bars: FeatureBar[] = [];
  let price = 50_000;
  for (let i = 0; i < n; i++) {
    const open = price;
    const close = open * Math.exp(0.001 * rng.normal());
    const high = Math.max(open, close) * (1 + 0.0005 * rng.next());
    const low = Math.min(open, close) * (1 - 0.0005 * rng.next());
    // every 97th bar has no volume, every 89th is flat: degenerate cases mixed in
    const volume = i % 97 === 0 ? 0 : 10 * rng.next();
    const flat = i % 89 === 0;
    bars.push({
      openTime: start + i * MINUTE,
      open,
      high: flat ? open : high,
      low: flat ? open : low,
      close: flat ? open : close,
      volume,
      takerBuyVolume: volume * rng.next(),
    });
    price = flat ? open : close;
  }
  return bars;
}

/** The first `n` bars of the bundled BTCUSDT 1m cluster klines (plain CSV, OHLCV only). */
export async function realBtcBars(n: number): Promise<FeatureBar[]> {
  const url = new URL(
    "../../../shared/data/binance/klines-1m/cluster/BTCUSDT-1m-2026-03-23_2026-04-22.csv",
    import.meta.url,
  );
  const lines = (await Deno.readTextFile(url)).split("\n");
  if (lines[0].trim() !== "open_time,open,high,low,close,volume") {
    throw new SyntaxError(`Cannot read ${url}: header is ${lines[0]}`);
  }
  const bars: FeatureBar[] = [];
  for (let i = 1; i < lines.length && bars.length < n; i++) {
    if (lines[i].trim() === "") continue;
    const [t, o, h, l, c, v] = lines[i].split(",").map(Number);
    bars.push({ openTime: t, open: o, high: h, low: l, close: c, volume: v });
  }
  return bars;
}

/**
 * Asserts two runs are bit-identical (Object.is on every number, so -0 ≠ 0), reporting the first
 * difference; faster than deepEqual's diff on large arrays.
 */
export function assertSameRuns(
  actual: ReadonlyArray<{ status: string; raw: readonly number[]; z: readonly number[] }>,
  expected: ReadonlyArray<{ status: string; raw: readonly number[]; z: readonly number[] }>,
): void {
  if (actual.length !== expected.length) {
    throw new Error(`runs differ in length: ${actual.length} vs ${expected.length}`);
  }
  for (let t = 0; t < actual.length; t++) {
    const a = actual[t], e = expected[t];
    if (a.status !== e.status) throw new Error(`row ${t}: status ${a.status} vs ${e.status}`);
    for (const key of ["raw", "z"] as const) {
      for (let j = 0; j < e[key].length; j++) {
        if (!Object.is(a[key][j], e[key][j])) {
          throw new Error(`row ${t} ${key}[${j}]: ${a[key][j]} vs ${e[key][j]}`);
        }
      }
    }
  }
}
