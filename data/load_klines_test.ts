import assert from "node:assert/strict";
import { defaultDataDir } from "./data_dir.ts";
import { DataFileError } from "./data_file_error.ts";
import { loadKlines } from "./load_klines.ts";
import { qaFindings } from "./qa_report.ts";

// Real bundled files; row counts and spans from ../shared/data/binance/README.md.
const LONG_FIRST = Date.UTC(2025, 4, 20, 0, 0);
const LONG_LAST = Date.UTC(2025, 7, 18, 18, 27);
const CLUSTER_FIRST = Date.UTC(2026, 2, 23, 12, 9);
const CLUSTER_LAST = Date.UTC(2026, 3, 22, 12, 7);

Deno.test("loadKlines() reads BTCUSDT long by default: 130708 rows, README span, no findings", async () => {
  const r = await loadKlines("BTCUSDT");
  assert.equal(r.source.set, "long");
  assert.deepEqual(r.source.paths, [
    `${defaultDataDir()}/klines-1m/long/BTCUSDT-1m-2025-05-20_2025-08-18.csv.gz`,
  ]);
  assert.equal(r.source.nameSpanDays, 90);
  const c = r.columns;
  assert.equal(c.length, 130_708);
  assert.equal(c.openTime.length, 130_708);
  assert.equal(c.openTime[0], LONG_FIRST);
  assert.equal(c.openTime[c.length - 1], LONG_LAST);
  // first data line: 1747699200000,105573.73,105597.1,105554.31,105554.32,10.82647
  assert.deepEqual(
    [c.open[0], c.high[0], c.low[0], c.close[0], c.volume[0]],
    [105573.73, 105597.1, 105554.31, 105554.32, 10.82647],
  );
  assert.equal(qaFindings(r.qa), 0);
  assert.equal(r.qa.rowsRead, 130_708);
  assert.equal(r.qa.rowsKept, 130_708);
  assert.equal(r.qa.missingBars, 0);
  assert.equal(r.flags.length, 130_708);
  assert.ok(r.flags.every((f) => f === 0));
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < c.length; i++) {
    lo = Math.min(lo, c.low[i]);
    hi = Math.max(hi, c.high[i]);
  }
  assert.deepEqual([lo, hi], [98_200, 124_474]); // README price range
});

Deno.test("loadKlines() reads ETHUSDT long with the same span and no findings", async () => {
  const r = await loadKlines("ETHUSDT", { set: "long" });
  assert.equal(r.columns.length, 130_708);
  assert.equal(r.columns.openTime[0], LONG_FIRST);
  assert.equal(r.columns.openTime[r.columns.length - 1], LONG_LAST);
  assert.equal(qaFindings(r.qa), 0);
});

Deno.test("loadKlines() reads BTCUSDT cluster when asked: 43199 rows, no findings", async () => {
  const r = await loadKlines("BTCUSDT", { set: "cluster" });
  assert.equal(r.source.set, "cluster");
  assert.equal(r.source.paths.length, 1);
  assert.ok(r.source.paths[0].endsWith("/cluster/BTCUSDT-1m-2026-03-23_2026-04-22.csv"));
  assert.equal(r.columns.length, 43_199);
  assert.equal(r.columns.openTime[0], CLUSTER_FIRST);
  assert.equal(r.columns.openTime[r.columns.length - 1], CLUSTER_LAST);
  assert.equal(qaFindings(r.qa), 0);
});

Deno.test("loadKlines() with set auto takes SOLUSDT from cluster, the only set that has it", async () => {
  const r = await loadKlines("SOLUSDT");
  assert.equal(r.source.set, "cluster");
  assert.equal(r.columns.length, 43_199);
  assert.equal(qaFindings(r.qa), 0);
});

Deno.test("loadKlines() keeps exactly [from, to) of a real file while streaming", async () => {
  const from = Date.UTC(2025, 5, 1);
  const to = Date.UTC(2025, 5, 2);
  const r = await loadKlines("BTCUSDT", { set: "long", from, to });
  assert.equal(r.columns.length, 1440);
  assert.equal(r.columns.openTime[0], from);
  assert.equal(r.columns.openTime[1439], to - 60_000);
  assert.equal(r.qa.rowsOutsideWindow, 130_708 - 1440);
  assert.equal(r.qa.rowsRead, 1440);
  assert.equal(qaFindings(r.qa), 0);
});

Deno.test("loadKlines() throws a one-line DataFileError for a symbol without files", async () => {
  await assert.rejects(
    () => loadKlines("ADAUSDT"),
    (e: unknown) =>
      e instanceof DataFileError &&
      e.message ===
        `Cannot find klines for symbol ADAUSDT: no ADAUSDT-*.csv, .csv.gz or .parquet file in "${defaultDataDir()}/klines-1m/{long,cluster}"`,
  );
});
