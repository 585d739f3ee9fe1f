import assert from "node:assert/strict";
import { defaultDataDir } from "./data_dir.ts";
import { DataFileError } from "./data_file_error.ts";
import { findKlineFiles, listKlineSymbols } from "./kline_files.ts";

Deno.test("findKlineFiles() with auto prefers the longest span and says which set it used", async () => {
  const dir = defaultDataDir();
  const btc = await findKlineFiles(dir, "BTCUSDT");
  assert.equal(btc.set, "long");
  assert.equal(btc.nameSpanDays, 90);
  const btcCluster = await findKlineFiles(dir, "BTCUSDT", { set: "cluster" });
  assert.equal(btcCluster.set, "cluster");
  assert.equal(btcCluster.nameSpanDays, 30);
  assert.equal((await findKlineFiles(dir, "XRPUSDT")).set, "cluster");
});

Deno.test("listKlineSymbols() lists each set's symbols, sorted", async () => {
  const dir = defaultDataDir();
  assert.deepEqual(await listKlineSymbols(dir, "long"), ["BTCUSDT", "ETHUSDT"]);
  assert.deepEqual(await listKlineSymbols(dir, "cluster"), [
    "BNBUSDT",
    "BTCUSDT",
    "ETHUSDT",
    "SOLUSDT",
    "XRPUSDT",
  ]);
});

Deno.test("findKlineFiles() returns all of a symbol's files in name order, not a longer prefix", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.mkdir(`${dir}/klines-1m/long`, { recursive: true });
  for (
    const name of [
      "BTCUSDT-1m-2025-02.csv",
      "BTCUSDT-1m-2025-01.csv.gz",
      "BTCUSDTX-1m.csv",
      "BTCUSDT-notes.txt",
    ]
  ) {
    await Deno.writeTextFile(`${dir}/klines-1m/long/${name}`, "");
  }
  const found = await findKlineFiles(dir, "BTCUSDT");
  assert.deepEqual(found.paths, [
    `${dir}/klines-1m/long/BTCUSDT-1m-2025-01.csv.gz`,
    `${dir}/klines-1m/long/BTCUSDT-1m-2025-02.csv`,
  ]);
  assert.equal(found.nameSpanDays, 0);
  await assert.rejects(
    () => findKlineFiles(dir, "BTCUSDT", { set: "cluster" }),
    (e: unknown) =>
      e instanceof DataFileError &&
      e.message ===
        `Cannot find klines for symbol BTCUSDT: no BTCUSDT-*.csv, .csv.gz or .parquet file in "${dir}/klines-1m/cluster"`,
  );
  await Deno.remove(dir, { recursive: true });
});
