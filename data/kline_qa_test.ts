import assert from "node:assert/strict";
import { SeededRng } from "../models/seeded_rng.ts";
import { QaFlag, type QaReport, QaRule } from "./qa_report.ts";
import { parseKlineCsv } from "./read_kline_csv.ts";
import { KlineQa } from "./kline_qa.ts";
import { defaultDataDir } from "./data_dir.ts";

const HEADER = "open_time,open,high,low,close,volume";
const T0 = 1747699200000; // 2025-05-20T00:00:00Z
const M = 60_000;

/** A valid bar at minute `i` around price 100 with volume `v`. */
function bar(i: number, v = 10, p = 100): string {
  return `${T0 + i * M},${p},${p + 1},${p - 1},${p + 0.5},${v}`;
}

/** The rules with a non-zero count. */
function nonZero(report: QaReport): Record<string, number> {
  return Object.fromEntries(Object.entries(report.byRule).filter(([, n]) => n > 0));
}

Deno.test("KlineQa lists every rule in byRule, at zero for a clean input", () => {
  const r = parseKlineCsv([HEADER, bar(0), bar(1), bar(2)], "BTCUSDT");
  assert.deepEqual(Object.keys(r.qa.byRule).sort(), Object.values(QaRule).sort());
  assert.deepEqual(nonZero(r.qa), {});
  assert.deepEqual(r.qa.counts, { DATA: 0, STALE: 0 });
  assert.equal(r.qa.rowsRead, 3);
  assert.equal(r.qa.rowsKept, 3);
  assert.deepEqual([...r.columns.openTime], [T0, T0 + M, T0 + 2 * M]);
  assert.deepEqual([...r.columns.close], [100.5, 100.5, 100.5]);
  assert.equal(r.columns.symbol, "BTCUSDT");
  assert.equal(r.columns.length, 3);
  assert.deepEqual([...r.flags], [0, 0, 0]);
});

Deno.test("KlineQa drops truncated lines, NaN, 1e999 and empty fields with exact counts", () => {
  const t1 = T0 + M;
  const r = parseKlineCsv([
    HEADER, // line 1
    bar(0), // 2 kept
    `${t1},100.5,101`, // 3 truncated_line
    `${t1},NaN,101,99,100,10`, // 4 non_finite
    `${t1},100,1e999,99,100,10`, // 5 non_finite
    `${t1},100,,99,100,10`, // 6 non_numeric (empty field)
    `${t1},abc,101,99,100,10`, // 7 non_numeric
    "", // 8 truncated_line (empty line)
    `${t1},100,101,99,100,-Infinity`, // 9 non_finite
    `${t1},100,101,99,100,0x10`, // 10 non_numeric
    `${t1},100.5,102,100,101,12`, // 11 kept
  ], "BTCUSDT");
  assert.deepEqual(nonZero(r.qa), { truncated_line: 2, non_finite: 3, non_numeric: 3 });
  assert.deepEqual(r.qa.counts, { DATA: 8, STALE: 0 });
  assert.equal(r.qa.rowsRead, 10);
  assert.equal(r.qa.rowsKept, 2);
  assert.deepEqual(r.qa.samples.map((s) => [s.line, s.rule]), [
    [3, "truncated_line"],
    [4, "non_finite"],
    [5, "non_finite"],
    [6, "non_numeric"],
    [7, "non_numeric"],
    [8, "truncated_line"],
    [9, "non_finite"],
    [10, "non_numeric"],
  ]);
  assert.equal(r.qa.samples[0].text, `${t1},100.5,101`);
  assert.deepEqual([...r.columns.openTime], [T0, t1]);
  assert.deepEqual([...r.columns.volume], [10, 12]);
});

Deno.test("KlineQa drops bad prices, volumes, OHLC and timestamps, one rule per row", () => {
  const t = (i: number) => T0 + i * M;
  const r = parseKlineCsv([
    HEADER,
    bar(0),
    `${t(1)},0,101,99,100,10`, // non_positive_price (open 0)
    `${t(1)},100,101,-99,100,10`, // non_positive_price (low < 0), also high_below_low: first wins
    `${t(1)},100,101,99,100,-1`, // negative_volume
    `${t(1)},100,99,101,100,10`, // high_below_low (also ohlc: first wins)
    `${t(1)},102,101,99,100,10`, // ohlc_inconsistent (open > high)
    `${t(1)},100,101,99,98,10`, // ohlc_inconsistent (close < low)
    `${t(1) + 30_000},100,101,99,100,10`, // misaligned_ts
    `${t(1)}.5,100,101,99,100,10`, // misaligned_ts (not an integer)
    `-60000,100,101,99,100,10`, // misaligned_ts (negative)
    `${t(1)},100,101,99,100,0`, // kept: volume 0 is allowed
  ], "ETHUSDT");
  assert.deepEqual(nonZero(r.qa), {
    non_positive_price: 2,
    negative_volume: 1,
    high_below_low: 1,
    ohlc_inconsistent: 2,
    misaligned_ts: 3,
  });
  assert.deepEqual(r.qa.counts, { DATA: 9, STALE: 0 });
  assert.equal(r.columns.length, 2);
  assert.deepEqual([...r.columns.volume], [10, 0]);
});

Deno.test("KlineQa drops shuffled rows as out_of_order instead of re-sorting them", () => {
  const r = parseKlineCsv([HEADER, ...[0, 1, 2, 5, 3, 4, 6].map((i) => bar(i))], "BTCUSDT");
  assert.deepEqual([...r.columns.openTime], [0, 1, 2, 5, 6].map((i) => T0 + i * M));
  assert.deepEqual(nonZero(r.qa), { out_of_order: 2, gap: 1 });
  assert.deepEqual(r.qa.counts, { DATA: 3, STALE: 0 });
  assert.equal(r.qa.missingBars, 2);
  assert.deepEqual([...r.flags], [0, 0, 0, QaFlag.gap, 0]);
});

Deno.test("KlineQa keeps the first of duplicated rows and counts the rest as duplicate_ts", () => {
  const r = parseKlineCsv([
    HEADER,
    bar(0),
    bar(1, 11),
    bar(1, 99), // same minute, other values
    bar(2, 12),
    bar(2, 12), // exact copy
    bar(2, 12),
    bar(3, 13),
  ], "BTCUSDT");
  assert.deepEqual(nonZero(r.qa), { duplicate_ts: 3 });
  assert.deepEqual([...r.columns.volume], [10, 11, 12, 13]);
  assert.equal(r.qa.rowsRead, 7);
  assert.equal(r.qa.rowsKept, 4);
});

Deno.test("KlineQa flags gaps and keeps the rows, summing missingBars", () => {
  const r = parseKlineCsv([HEADER, ...[0, 1, 4, 5, 10].map((i) => bar(i))], "BTCUSDT");
  assert.equal(r.columns.length, 5);
  assert.deepEqual(nonZero(r.qa), { gap: 2 });
  assert.deepEqual(r.qa.counts, { DATA: 2, STALE: 0 });
  assert.equal(r.qa.missingBars, 6);
  assert.deepEqual([...r.flags], [0, 0, QaFlag.gap, 0, QaFlag.gap]);
  assert.deepEqual(r.qa.samples.map((s) => s.line), [4, 6]);
});

Deno.test("KlineQa flags a volume outlier by robust z of ln(volume) and keeps it", () => {
  const lines = [HEADER];
  for (let i = 0; i < 30; i++) lines.push(bar(i, 10 + (i % 5)));
  lines.push(bar(30, 15)); // z ≈ 1.7: not an outlier
  lines.push(bar(31, 1e5)); // z ≈ 70: flagged
  lines.push(bar(32, 12));
  const r = parseKlineCsv(lines, "BTCUSDT", { volumeWindow: 20, volumeMinBars: 10, volumeZ: 8 });
  assert.deepEqual(nonZero(r.qa), { volume_outlier: 1 });
  assert.deepEqual(r.qa.counts, { DATA: 1, STALE: 0 });
  assert.equal(r.columns.length, 33);
  assert.equal(r.flags[31], QaFlag.volume_outlier);
  assert.equal(r.flags.reduce((a, b) => a + b, 0), QaFlag.volume_outlier);
  assert.equal(r.qa.samples[0].line, 33);
});

Deno.test("KlineQa does not flag volume before volumeMinBars or in a zero-spread window", () => {
  const warm = [HEADER, bar(0), bar(1), bar(2, 1e6)];
  assert.deepEqual(nonZero(parseKlineCsv(warm, "X", { volumeMinBars: 3 }).qa), {});
  const flat = [HEADER];
  for (let i = 0; i < 100; i++) flat.push(bar(i, 10, 100 + i));
  flat.push(bar(100, 1e6, 300));
  assert.deepEqual(nonZero(parseKlineCsv(flat, "X", { volumeMinBars: 10 }).qa), {});
});

Deno.test("KlineQa flags as stale the bars of an unchanged run longer than maxUnchangedBars", () => {
  const lines = [HEADER, bar(0)];
  for (let i = 1; i <= 8; i++) lines.push(bar(i)); // 8 exact repeats of bar 0's values
  lines.push(bar(9, 11));
  const r = parseKlineCsv(lines, "BTCUSDT", { maxUnchangedBars: 5 });
  assert.deepEqual(nonZero(r.qa), { stale: 3 });
  assert.deepEqual(r.qa.counts, { DATA: 0, STALE: 3 });
  assert.deepEqual(
    [...r.flags],
    [0, 0, 0, 0, 0, 0, QaFlag.stale, QaFlag.stale, QaFlag.stale, 0],
  );
});

Deno.test("KlineQa counts flat zero-volume bars at the previous close as unchanged", () => {
  const lines = [HEADER, bar(0)]; // close 100.5
  for (let i = 1; i <= 4; i++) lines.push(`${T0 + i * M},100.5,100.5,100.5,100.5,0`);
  const r = parseKlineCsv(lines, "BTCUSDT", { maxUnchangedBars: 2 });
  assert.deepEqual(nonZero(r.qa), { stale: 2 });
  assert.deepEqual([...r.flags], [0, 0, 0, QaFlag.stale, QaFlag.stale]);
});

Deno.test("KlineQa restarts the unchanged run after a gap", () => {
  const lines = [HEADER, bar(0), bar(1), bar(2), bar(10), bar(11), bar(12)];
  const r = parseKlineCsv(lines, "BTCUSDT", { maxUnchangedBars: 2 });
  assert.deepEqual(nonZero(r.qa), { gap: 1 });
});

Deno.test("KlineQa skips rows outside [from, to) before any rule, bad or not", () => {
  const r = parseKlineCsv(
    [
      HEADER,
      bar(0),
      `${T0 + M},abc,1,1,1,1`, // outside: not judged
      bar(2),
      bar(3),
      `${T0 + 3 * M},100,101,99,100.5,11`, // duplicate inside the window
      `${T0 + 4 * M},1`, // truncated but its open_time is outside: skipped
      bar(5),
      "garbage", // cannot be placed: judged
    ],
    "BTCUSDT",
    { from: T0 + 2 * M, to: T0 + 4 * M },
  );
  assert.deepEqual([...r.columns.openTime], [T0 + 2 * M, T0 + 3 * M]);
  assert.deepEqual(nonZero(r.qa), { duplicate_ts: 1, truncated_line: 1 });
  assert.equal(r.qa.rowsOutsideWindow, 4);
  assert.equal(r.qa.rowsRead, 4);
});

Deno.test("KlineQa keeps at most maxSamples samples but counts every finding", () => {
  const lines = [HEADER];
  for (let i = 0; i < 25; i++) lines.push("x");
  const r = parseKlineCsv(lines, "BTCUSDT", { maxSamples: 3 });
  assert.equal(r.qa.byRule.truncated_line, 25);
  assert.equal(r.qa.samples.length, 3);
});

Deno.test("KlineQa never throws on random corrupt lines and accounts for every row", () => {
  const rng = new SeededRng(2024);
  const alphabet = "0123456789.,-eE NaInfx";
  const lines = [HEADER];
  for (let i = 0; i < 3000; i++) {
    const good = bar(i, 1 + rng.nextInt(50));
    const roll = rng.nextInt(4);
    if (roll === 0) lines.push(good);
    else if (roll === 1) lines.push(good.slice(0, rng.nextInt(good.length)));
    else {
      const chars = good.split("");
      for (let k = 0; k < 3; k++) {
        chars[rng.nextInt(chars.length)] = alphabet[rng.nextInt(alphabet.length)];
      }
      lines.push(chars.join(""));
    }
  }
  const r = parseKlineCsv(lines, "BTCUSDT");
  let dropped = 0;
  for (const rule of Object.values(QaRule)) {
    if (!["gap", "volume_outlier", "stale", "stream_stopped"].includes(rule)) {
      dropped += r.qa.byRule[rule];
    }
  }
  assert.equal(r.qa.rowsRead, r.qa.rowsKept + dropped);
  assert.equal(r.qa.rowsRead + r.qa.rowsOutsideWindow, 3000);
  assert.equal(r.columns.length, r.qa.rowsKept);
  for (let i = 1; i < r.columns.length; i++) {
    assert.ok(r.columns.openTime[i] > r.columns.openTime[i - 1]);
    assert.ok(r.columns.low[i] <= r.columns.open[i] && r.columns.open[i] <= r.columns.high[i]);
  }
  assert.ok(r.qa.rowsKept > 0);
});

Deno.test("KlineQa rejects a non-integer interval and a NaN window with RangeError", () => {
  assert.throws(() => new KlineQa("X", { intervalMs: 0 }), RangeError);
  assert.throws(() => new KlineQa("X", { from: NaN }), RangeError);
});

Deno.test("KlineQa flags exactly one volume_outlier in a real file with one volume ×100000", async () => {
  const text = await Deno.readTextFile(
    `${defaultDataDir()}/klines-1m/cluster/BTCUSDT-1m-2026-03-23_2026-04-22.csv`,
  );
  const lines = text.trimEnd().split("\n");
  const k = 20_000;
  const f = lines[k].split(",");
  f[5] = String(Number(f[5]) * 1e5); // quote-sized volume written as base volume
  lines[k] = f.join(",");
  const r = parseKlineCsv(lines, "BTCUSDT");
  assert.deepEqual(nonZero(r.qa), { volume_outlier: 1 });
  assert.equal(r.qa.samples[0].line, k + 1);
  assert.equal(r.flags[k - 1], QaFlag.volume_outlier);
});
