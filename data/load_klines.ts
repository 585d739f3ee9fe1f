import { defaultDataDir } from "./data_dir.ts";
import { findKlineFiles, type KlineSetChoice, type KlineSource } from "./kline_files.ts";
import { type KlineLoad, KlineQa, type KlineQaOptions } from "./kline_qa.ts";
import { feedKlineCsv } from "./read_kline_csv.ts";
import { feedKlineParquet } from "./read_kline_parquet.ts";

/** Where to load klines from, and how to check them. */
export interface LoadKlinesOptions extends KlineQaOptions {
  /** The data directory (`--data DIR`). @default {defaultDataDir()} */
  dataDir?: string;
  /** Which kline set: `long`, `cluster`, or `auto` (longest span). @default {"auto"} */
  set?: KlineSetChoice;
}

/** A symbol's clean klines, flags and QA report, and the files they came from. */
export interface LoadedKlines extends KlineLoad {
  source: KlineSource;
}

/**
 * Loads one symbol's 1m klines from a data directory: finds the file(s) with
 * {@link findKlineFiles}, streams them (CSV, gzip CSV or Parquet, by extension) through one
 * {@link KlineQa}, and returns the clean typed columns. `from`/`to` (ms, `[from, to)`) filter
 * while streaming. Bad rows are dropped or flagged and counted, never thrown.
 *
 * @throws DataFileError (one line) when no file is found or a file cannot be read.
 */
export async function loadKlines(
  symbol: string,
  options: LoadKlinesOptions = {},
): Promise<LoadedKlines> {
  const dataDir = options.dataDir ?? defaultDataDir();
  const source = await findKlineFiles(dataDir, symbol, { set: options.set ?? "auto" });
  const qa = new KlineQa(symbol, options);
  for (const path of source.paths) {
    if (path.endsWith(".parquet")) await feedKlineParquet(path, qa);
    else await feedKlineCsv(path, qa);
  }
  return { ...qa.finish(), source };
}
