import { checkStreamStopped } from "./check_stream_stopped.ts";
import { formatTs } from "./csv_format.ts";
import { defaultDataDir, KLINE_SETS, type KlineSet } from "./data_dir.ts";
import { DataFileError } from "./data_file_error.ts";
import { findKlineFiles, listKlineSymbols } from "./kline_files.ts";
import { type LoadedKlines, loadKlines, type LoadKlinesOptions } from "./load_klines.ts";
import { addQaFinding, mergeQaReports, QaFlag, type QaReport } from "./qa_report.ts";

/** Several symbols' klines from one set, checked against each other. */
export interface LoadedKlineSet {
  /** The set every symbol was read from. */
  set: KlineSet;
  /** One entry per symbol, sorted by symbol name. */
  symbols: LoadedKlines[];
  /** All symbols' reports merged (for `summary.json`); per-symbol reports stay in `symbols`. */
  qa: QaReport;
}

/**
 * Loads several symbols' klines from the *same* set, so their spans line up: with `set: "auto"`,
 * the set that holds every symbol and has the longest span by file names (ties: `long` first).
 * After loading, {@link checkStreamStopped} marks symbols whose stream stopped while another
 * advanced: each episode counts one `stream_stopped` (STALE) finding in that symbol's report and
 * sets {@link QaFlag.stream_stopped} on the bar where it resumed.
 *
 * @throws DataFileError (one line) when no set holds all symbols, a symbol is given twice, or a
 *   file cannot be read.
 */
export async function loadKlineSet(
  symbols: readonly string[],
  options: LoadKlinesOptions & {
    /** Allowed silence of one symbol while others advance, in ms. @default {300000} */
    maxLagMs?: number;
  } = {},
): Promise<LoadedKlineSet> {
  const dataDir = options.dataDir ?? defaultDataDir();
  const wanted = [...symbols].sort();
  const dup = wanted.find((s, i) => i > 0 && wanted[i - 1] === s);
  if (wanted.length === 0 || dup !== undefined) {
    throw new DataFileError(
      dataDir,
      `Cannot load a kline set of symbols: ${
        wanted.length === 0 ? "none given" : `${dup} given twice`
      }`,
    );
  }
  const set = await chooseSet(dataDir, wanted, options.set ?? "auto");
  const loaded: LoadedKlines[] = [];
  for (const symbol of wanted) loaded.push(await loadKlines(symbol, { ...options, dataDir, set }));
  const maxSamples = options.maxSamples ?? 10;
  const stops = checkStreamStopped(loaded.map((l) => l.columns), { maxLagMs: options.maxLagMs });
  const bySymbol = new Map(loaded.map((l) => [l.columns.symbol, l]));
  for (const stop of stops) {
    const target = bySymbol.get(stop.symbol);
    if (target === undefined) continue;
    if (stop.resumedIndex >= 0) target.flags[stop.resumedIndex] |= QaFlag.stream_stopped;
    addQaFinding(target.qa, {
      rule: "stream_stopped",
      file: "",
      line: 0,
      text: `${stop.symbol} had no bar after ${formatTs(stop.lastTs)} while ${stop.otherSymbol} ` +
        `printed ${formatTs(stop.otherTs)}; resumed ${
          stop.resumedTs === null ? "never" : formatTs(stop.resumedTs)
        }`,
    }, maxSamples);
  }
  return { set, symbols: loaded, qa: mergeQaReports(loaded.map((l) => l.qa), { maxSamples }) };
}

async function chooseSet(
  dataDir: string,
  symbols: readonly string[],
  choice: KlineSet | "auto",
): Promise<KlineSet> {
  if (choice !== "auto") return choice;
  let best: KlineSet | null = null;
  let bestSpan = -1;
  for (const set of KLINE_SETS) {
    const have = await listKlineSymbols(dataDir, set);
    if (!symbols.every((s) => have.includes(s))) continue;
    const span = await setSpanDays(dataDir, set, symbols);
    if (span > bestSpan) {
      best = set;
      bestSpan = span;
    }
  }
  if (best === null) {
    throw new DataFileError(
      dataDir,
      `Cannot find one kline set holding all of ${symbols.join(",")} in "${dataDir}/klines-1m"`,
    );
  }
  return best;
}

async function setSpanDays(
  dataDir: string,
  set: KlineSet,
  symbols: readonly string[],
): Promise<number> {
  let span = Infinity;
  for (const s of symbols) {
    span = Math.min(span, (await findKlineFiles(dataDir, s, { set })).nameSpanDays);
  }
  return span;
}
