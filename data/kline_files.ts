import { KLINE_SETS, type KlineSet } from "./data_dir.ts";
import { DataFileError } from "./data_file_error.ts";

/** Which kline set to read: one of {@link KLINE_SETS}, or `auto`. */
export type KlineSetChoice = KlineSet | "auto";

/** The file(s) a kline load used, so callers and `summary.json` can say what was read. */
export interface KlineSource {
  /** The set the files came from. */
  set: KlineSet;
  /** Absolute or dir-relative paths, sorted by name, read in this order as one stream. */
  paths: string[];
  /**
   * Days from the earliest start date to the latest end date written in the file names
   * (`…-YYYY-MM-DD_YYYY-MM-DD.csv.gz`); 0 when no name carries such dates.
   */
  nameSpanDays: number;
}

const EXT = /\.(?:csv|csv\.gz|parquet)$/;
const NAME_SPAN = /(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})/;

/**
 * Finds one symbol's kline files in a data directory. A file belongs to `symbol` when its name is
 * `<SYMBOL>-….csv|.csv.gz|.parquet` (e.g. `BTCUSDT-1m-2025-05-20_2025-08-18.csv.gz`); all such
 * files of the set are used, in name order. With `set: "auto"` the set whose files cover the
 * longest span by their names wins (ties: `long` before `cluster`), so BTCUSDT and ETHUSDT come
 * from `long/` (90 days) and SOL/BNB/XRP from `cluster/` (30 days) in the bundled data.
 *
 * @throws DataFileError (one line) when no set holds a file for `symbol`.
 */
export async function findKlineFiles(
  dataDir: string,
  symbol: string,
  options: {
    /** @default {"auto"} */
    set?: KlineSetChoice;
  } = {},
): Promise<KlineSource> {
  const choice = options.set ?? "auto";
  const sets = choice === "auto" ? KLINE_SETS : [choice];
  let best: KlineSource | null = null;
  for (const set of sets) {
    const paths = await symbolFiles(`${dataDir}/klines-1m/${set}`, symbol);
    if (paths.length === 0) continue;
    const source = { set, paths, nameSpanDays: nameSpanDays(paths) };
    if (best === null || source.nameSpanDays > best.nameSpanDays) best = source;
  }
  if (best === null) {
    const where = choice === "auto" ? `klines-1m/{${KLINE_SETS.join(",")}}` : `klines-1m/${choice}`;
    throw new DataFileError(
      dataDir,
      `Cannot find klines for symbol ${symbol}: no ${symbol}-*.csv, .csv.gz or .parquet file in "${dataDir}/${where}"`,
    );
  }
  return best;
}

/**
 * The symbols that have kline files in one set of a data directory, sorted; empty when the set
 * folder does not exist.
 */
export async function listKlineSymbols(dataDir: string, set: KlineSet): Promise<string[]> {
  const symbols = new Set<string>();
  for (const name of await fileNames(`${dataDir}/klines-1m/${set}`)) {
    const dash = name.indexOf("-");
    if (dash > 0 && EXT.test(name)) symbols.add(name.slice(0, dash));
  }
  return [...symbols].sort();
}

async function symbolFiles(dir: string, symbol: string): Promise<string[]> {
  return (await fileNames(dir))
    .filter((name) => name.startsWith(`${symbol}-`) && EXT.test(name))
    .sort()
    .map((name) => `${dir}/${name}`);
}

async function fileNames(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) if (entry.isFile) names.push(entry.name);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) return [];
    throw new DataFileError(
      dir,
      `Cannot list kline folder "${dir}": ${e instanceof Error ? e.message : e}`,
    );
  }
  return names;
}

function nameSpanDays(paths: readonly string[]): number {
  let start = Infinity;
  let end = -Infinity;
  for (const path of paths) {
    const m = NAME_SPAN.exec(path.slice(path.lastIndexOf("/") + 1));
    if (m === null) continue;
    const a = Date.parse(`${m[1]}T00:00:00Z`);
    const b = Date.parse(`${m[2]}T00:00:00Z`);
    if (Number.isFinite(a) && Number.isFinite(b)) {
      start = Math.min(start, a);
      end = Math.max(end, b);
    }
  }
  return end > start ? (end - start) / 86_400_000 : 0;
}
