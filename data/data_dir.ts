import { fileURLToPath } from "node:url";
import { DataFileError } from "./data_file_error.ts";

/**
 * The bundled real Binance data: `<repo root>/../shared/data/binance`, resolved from this
 * module's location (the repository is cloned beside `shared/` on every machine and on CI),
 * so it does not depend on the working directory.
 */
export function defaultDataDir(): string {
  return fileURLToPath(new URL("../../shared/data/binance", import.meta.url));
}

/** The kline subfolders a data directory may hold (see `klines-1m/` in the data README). */
export const KLINE_SETS = ["long", "cluster"] as const;
/** One kline set: `long` (90 days, BTC+ETH) or `cluster` (30 days, five symbols). */
export type KlineSet = typeof KLINE_SETS[number];

/**
 * The data directory a task should use: `flagValue` (the `--data DIR` flag) if given, else
 * {@link defaultDataDir}. Checks that it exists, is a directory and has the expected layout: a
 * `klines-1m/` folder with at least one of the kline sets (`long/`, `cluster/`) holding at least
 * one `.csv`, `.csv.gz` or `.parquet` file. `ticks/` and `exchangeInfo/` are optional.
 *
 * @returns the directory path, unchanged (relative paths stay relative to the working dir).
 * @throws DataFileError with a one-line message `Cannot use data directory "X": …`.
 */
export async function resolveDataDir(flagValue?: string): Promise<string> {
  const dir = flagValue ?? defaultDataDir();
  const fail = (why: string): never => {
    throw new DataFileError(dir, `Cannot use data directory "${dir}": ${why}`);
  };
  if (dir.trim() === "") fail("the path is empty");
  try {
    await checkLayout(dir, fail);
  } catch (e) {
    if (e instanceof DataFileError) throw e;
    fail(e instanceof Error ? e.message : String(e));
  }
  return dir;
}

async function checkLayout(dir: string, fail: (why: string) => never): Promise<void> {
  const info = await statOrNull(dir);
  if (info === null) fail("it does not exist");
  if (!info.isDirectory) fail("it is not a directory");
  const klines = `${dir}/klines-1m`;
  const klinesInfo = await statOrNull(klines);
  if (klinesInfo === null || !klinesInfo.isDirectory) fail("it has no klines-1m/ folder");
  let files = 0;
  for (const set of KLINE_SETS) {
    const setInfo = await statOrNull(`${klines}/${set}`);
    if (setInfo === null || !setInfo.isDirectory) continue;
    for await (const entry of Deno.readDir(`${klines}/${set}`)) {
      if (entry.isFile && /\.(csv|csv\.gz|parquet)$/.test(entry.name)) files++;
    }
  }
  if (files === 0) {
    fail("klines-1m/long/ and klines-1m/cluster/ hold no .csv, .csv.gz or .parquet file");
  }
}

async function statOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}
