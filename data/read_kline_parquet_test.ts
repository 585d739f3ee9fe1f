import assert from "node:assert/strict";
import { parquetWriteBuffer } from "hyparquet-writer";
import { defaultDataDir } from "./data_dir.ts";
import { DataFileError } from "./data_file_error.ts";
import { loadKlines } from "./load_klines.ts";
import { qaFindings } from "./qa_report.ts";
import { readKlineCsv } from "./read_kline_csv.ts";
import { readKlineParquet } from "./read_kline_parquet.ts";

const T0 = 1747699200000;

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "shoal_parquet_" });
}

Deno.test("readKlineParquet() round-trips real klines written with INT64 open_time in row groups", async () => {
  const real = await readKlineCsv(
    `${defaultDataDir()}/klines-1m/cluster/XRPUSDT-1m-2026-03-23_2026-04-22.csv`,
    "XRPUSDT",
    { to: 1774267740000 + 500 * 60_000 },
  );
  const c = real.columns;
  assert.equal(c.length, 500);
  const buf = parquetWriteBuffer({
    columnData: [
      { name: "open_time", data: Array.from(c.openTime, (t) => BigInt(t)), type: "INT64" },
      { name: "open", data: c.open, type: "DOUBLE" },
      { name: "high", data: c.high, type: "DOUBLE" },
      { name: "low", data: c.low, type: "DOUBLE" },
      { name: "close", data: c.close, type: "DOUBLE" },
      { name: "volume", data: c.volume, type: "DOUBLE" },
    ],
    rowGroupSize: 128,
  });
  const dir = await tempDir();
  await Deno.writeFile(`${dir}/XRPUSDT.parquet`, new Uint8Array(buf));
  const back = await readKlineParquet(`${dir}/XRPUSDT.parquet`, "XRPUSDT");
  assert.equal(back.columns.length, 500);
  for (const k of ["openTime", "open", "high", "low", "close", "volume"] as const) {
    assert.deepEqual(back.columns[k], c[k], k);
  }
  assert.equal(qaFindings(back.qa), 0);
  const windowed = await readKlineParquet(`${dir}/XRPUSDT.parquet`, "XRPUSDT", {
    from: c.openTime[100],
    to: c.openTime[300],
  });
  assert.deepEqual(windowed.columns.close, c.close.slice(100, 300));
  assert.equal(windowed.qa.rowsOutsideWindow, 300);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("readKlineParquet() accepts TIMESTAMP open_time and judges null, NaN and bad rows", async () => {
  const t = (i: number) => new Date(T0 + i * 60_000);
  const buf = parquetWriteBuffer({
    columnData: [
      { name: "open_time", data: [t(0), t(1), t(2), t(3), t(3), t(5)], type: "TIMESTAMP" },
      { name: "open", data: [100, null, 100, 100, 100, 100], type: "DOUBLE", nullable: true },
      { name: "high", data: [101, 101, NaN, 101, 101, 101], type: "DOUBLE" },
      { name: "low", data: [99, 99, 99, 99, 99, 99], type: "DOUBLE" },
      { name: "close", data: [100, 100, 100, 0, 100, 100], type: "DOUBLE" },
      { name: "volume", data: [1, 1, 1, 1, 1, 1], type: "DOUBLE" },
    ],
  });
  const dir = await tempDir();
  await Deno.writeFile(`${dir}/BTCUSDT.parquet`, new Uint8Array(buf));
  const r = await readKlineParquet(`${dir}/BTCUSDT.parquet`, "BTCUSDT");
  assert.deepEqual([...r.columns.openTime], [T0, T0 + 3 * 60_000, T0 + 5 * 60_000]);
  assert.equal(r.qa.byRule.non_numeric, 1); // null open, row 2
  assert.equal(r.qa.byRule.non_finite, 1); // NaN high, row 3
  assert.equal(r.qa.byRule.non_positive_price, 1); // close 0, row 4
  assert.equal(r.qa.byRule.gap, 2);
  assert.deepEqual(r.qa.counts, { DATA: 5, STALE: 0 });
  assert.deepEqual(r.qa.samples.map((s) => [s.rule, s.line]), [
    ["non_numeric", 2],
    ["non_finite", 3],
    ["non_positive_price", 4],
    ["gap", 5],
    ["gap", 6],
  ]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadKlines() picks up a .parquet file in a --data directory", async () => {
  const dir = await tempDir();
  await Deno.mkdir(`${dir}/klines-1m/long`, { recursive: true });
  const buf = parquetWriteBuffer({
    columnData: [
      { name: "open_time", data: [BigInt(T0), BigInt(T0 + 60_000)], type: "INT64" },
      { name: "open", data: [1, 2], type: "DOUBLE" },
      { name: "high", data: [1, 2], type: "DOUBLE" },
      { name: "low", data: [1, 2], type: "DOUBLE" },
      { name: "close", data: [1, 2], type: "DOUBLE" },
      { name: "volume", data: [3, 4], type: "DOUBLE" },
      { name: "trades", data: [7, 8], type: "DOUBLE" },
    ],
  });
  await Deno.writeFile(`${dir}/klines-1m/long/SOLUSDT-1m.parquet`, new Uint8Array(buf));
  const r = await loadKlines("SOLUSDT", { dataDir: dir });
  assert.deepEqual([...r.columns.close], [1, 2]);
  assert.deepEqual([...r.columns.volume], [3, 4]);
  assert.equal(r.source.set, "long");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("readKlineParquet() throws a one-line DataFileError for a non-Parquet or incomplete file", async () => {
  const dir = await tempDir();
  await Deno.writeTextFile(`${dir}/bad.parquet`, "open_time,open\n1,2\n");
  await assert.rejects(
    () => readKlineParquet(`${dir}/bad.parquet`, "X"),
    (e: unknown) => e instanceof DataFileError && !e.message.includes("\n"),
  );
  const buf = parquetWriteBuffer({
    columnData: [{ name: "open_time", data: [BigInt(T0)], type: "INT64" }],
  });
  await Deno.writeFile(`${dir}/short.parquet`, new Uint8Array(buf));
  await assert.rejects(
    () => readKlineParquet(`${dir}/short.parquet`, "X"),
    (e: unknown) =>
      e instanceof DataFileError &&
      e.message ===
        `Cannot read kline file "${dir}/short.parquet": it has no column open: columns are open_time`,
  );
  await assert.rejects(
    () => readKlineParquet(`${dir}/missing.parquet`, "X"),
    (e: unknown) =>
      e instanceof DataFileError &&
      e.message === `Cannot read kline file "${dir}/missing.parquet": file not found`,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("readKlineParquet() reads 16 uncompressed row groups back exactly", async () => {
  const n = 5000;
  const t = Array.from({ length: n }, (_, i) => BigInt(T0 + i * 60_000));
  const col = (k: number) => Float64Array.from({ length: n }, (_, i) => 1000 * k + i / 8 + 1);
  const buf = parquetWriteBuffer({
    columnData: [
      { name: "open_time", data: t, type: "INT64" },
      { name: "open", data: col(2), type: "DOUBLE" },
      { name: "high", data: col(3), type: "DOUBLE" },
      { name: "low", data: col(1), type: "DOUBLE" },
      { name: "close", data: col(2), type: "DOUBLE" },
      { name: "volume", data: col(5), type: "DOUBLE" },
    ],
    rowGroupSize: 333,
    codec: "UNCOMPRESSED",
  });
  const dir = await tempDir();
  await Deno.writeFile(`${dir}/X.parquet`, new Uint8Array(buf));
  const r = await readKlineParquet(`${dir}/X.parquet`, "X");
  assert.equal(r.columns.length, n);
  assert.deepEqual(r.columns.high, col(3));
  assert.deepEqual(r.columns.volume, col(5));
  assert.equal(qaFindings(r.qa), 0);
  await Deno.remove(dir, { recursive: true });
});
