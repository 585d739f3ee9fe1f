import { type AsyncBuffer, type FileMetaData, parquetMetadataAsync, parquetRead } from "hyparquet";
import { badFieldRule, parseDecimalField } from "./_decimal_field.ts";
import { DataFileError } from "./data_file_error.ts";
import { type KlineLoad, KlineQa, type KlineQaOptions } from "./kline_qa.ts";
import { KLINE_CSV_HEADER } from "./read_kline_csv.ts";

/**
 * Reads kline Parquet files of one symbol into typed columns with `hyparquet`, one row group
 * at a time (only that row group's byte ranges are read from disk), judging every row with
 * {@link KlineQa} exactly as the CSV reader does. Columns are found by name (the CSV header
 * names: `open_time, open, high, low, close, volume`). `open_time` may be INT64 (arrives as
 * BigInt, converted exactly), a TIMESTAMP (arrives as a Date), INT32/DOUBLE or a decimal
 * string; prices and volume DOUBLE, FLOAT, integers or decimal strings. A null or unconvertible
 * cell makes its row `non_numeric` / `non_finite`; line numbers in samples are 1-based row
 * numbers within the file.
 *
 * @throws DataFileError (one line) for a missing, unreadable or non-Parquet file, or one that
 *   lacks a required column; bad rows never throw.
 */
export async function readKlineParquet(
  paths: string | readonly string[],
  symbol: string,
  options: KlineQaOptions = {},
): Promise<KlineLoad> {
  const qa = new KlineQa(symbol, options);
  await feedKlineParquet(paths, qa);
  return qa.finish();
}

/** As {@link readKlineParquet}, into a caller's {@link KlineQa} (several files, mixed formats). */
export async function feedKlineParquet(
  paths: string | readonly string[],
  qa: KlineQa,
): Promise<void> {
  for (const path of typeof paths === "string" ? [paths] : paths) {
    qa.file = path.slice(path.lastIndexOf("/") + 1);
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { read: true });
    } catch (e) {
      throw parquetError(path, e);
    }
    try {
      await feedOne(path, file, qa);
    } finally {
      file.close();
    }
  }
}

async function feedOne(path: string, file: Deno.FsFile, qa: KlineQa): Promise<void> {
  const buffer = await fileBuffer(path, file);
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(buffer);
  } catch (e) {
    throw parquetError(path, e);
  }
  const names = metadata.schema.map((s) => s.name);
  for (const name of KLINE_CSV_HEADER) {
    if (!names.includes(name)) {
      throw new DataFileError(
        path,
        `Cannot read kline file "${path}": it has no column ${name}: columns are ${
          names.slice(1).join(",")
        }`,
      );
    }
  }
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    const cols = KLINE_CSV_HEADER.map(() => new Float64Array(rowEnd - rowStart));
    // Per cell: 0 = a finite number, 1 = non_numeric (null, text, unset), 2 = non_finite.
    const codes = KLINE_CSV_HEADER.map(() => new Uint8Array(rowEnd - rowStart).fill(1));
    try {
      await parquetRead({
        file: buffer,
        metadata,
        columns: [...KLINE_CSV_HEADER],
        rowStart,
        rowEnd,
        onChunk(chunk) {
          const c = KLINE_CSV_HEADER.indexOf(chunk.columnName as typeof KLINE_CSV_HEADER[number]);
          if (c < 0) return;
          const from = Math.max(chunk.rowStart, rowStart);
          const to = Math.min(chunk.rowEnd, rowEnd);
          for (let r = from; r < to; r++) {
            const v: unknown = chunk.columnData[r - chunk.rowStart];
            const x = cellToNumber(v);
            cols[c][r - rowStart] = x;
            codes[c][r - rowStart] = Number.isFinite(x)
              ? 0
              : typeof v === "number" || typeof v === "bigint"
              ? 2
              : typeof v === "string" && badFieldRule(v) === "non_finite"
              ? 2
              : 1;
          }
        },
      });
    } catch (e) {
      throw parquetError(path, e);
    }
    for (let i = 0; i < rowEnd - rowStart; i++) {
      const line = rowStart + i + 1;
      const t = cols[0][i];
      if (qa.skipOutside(t)) continue;
      let rule: "non_numeric" | "non_finite" | null = null;
      for (let c = 0; c < cols.length && rule === null; c++) {
        if (codes[c][i] === 1) rule = "non_numeric";
        else if (codes[c][i] === 2) rule = "non_finite";
      }
      if (rule !== null) {
        qa.reject(rule, line, cols.map((col) => col[i]).join(","));
        continue;
      }
      qa.push(t, cols[1][i], cols[2][i], cols[3][i], cols[4][i], cols[5][i], line, null);
    }
    rowStart = rowEnd;
  }
}

/**
 * A cell as a float64: BigInt exactly (ms timestamps are far below 2^53), Date as ms, decimal
 * strings parsed; NaN for null and anything else.
 */
function cellToNumber(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Date) return v.getTime();
  if (typeof v === "string") return parseDecimalField(v);
  return NaN;
}

/** An AsyncBuffer over an open file: each slice is one seek + read, never two at once. */
async function fileBuffer(path: string, file: Deno.FsFile): Promise<AsyncBuffer> {
  let byteLength: number;
  try {
    byteLength = (await file.stat()).size;
  } catch (e) {
    throw parquetError(path, e);
  }
  // hyparquet may ask for several slices at once; seek + read on one handle must not
  // interleave, so reads are queued one after another.
  let queue: Promise<unknown> = Promise.resolve();
  const readAt = async (start: number, stop: number): Promise<ArrayBuffer> => {
    const out = new Uint8Array(Math.max(0, stop - start));
    await file.seek(start, Deno.SeekMode.Start);
    let filled = 0;
    while (filled < out.length) {
      const n = await file.read(out.subarray(filled));
      if (n === null) break;
      filled += n;
    }
    return out.buffer;
  };
  return {
    byteLength,
    slice(start: number, end?: number): Promise<ArrayBuffer> {
      const stop = Math.min(end ?? byteLength, byteLength);
      const next = queue.then(() => readAt(start, stop));
      queue = next.catch(() => {});
      return next;
    },
  };
}

function parquetError(path: string, e: unknown): DataFileError {
  const why = e instanceof Deno.errors.NotFound
    ? "file not found"
    : e instanceof Error
    ? e.message.split("\n")[0]
    : String(e);
  return new DataFileError(path, `Cannot read kline file "${path}": ${why}`, { cause: e });
}
