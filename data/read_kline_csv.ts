import { badFieldRule, parseDecimalField, parseDecimalRange } from "./_decimal_field.ts";
import { forEachLine, readLineChunks } from "./_text_lines.ts";
import { DataFileError } from "./data_file_error.ts";
import { type KlineLoad, KlineQa, type KlineQaOptions } from "./kline_qa.ts";

/** The header names of a kline CSV, in file order (see the data README). */
export const KLINE_CSV_HEADER = ["open_time", "open", "high", "low", "close", "volume"] as const;

/**
 * Streams kline CSV files (`.csv`, or gzip `.csv.gz`) of one symbol into typed columns, judging
 * every row with {@link KlineQa} while reading; files are read in the order given and checked as
 * one stream. Columns are found by header name, so extra columns are ignored; a file whose first
 * line starts with a number has no header and is read positionally as Binance's 12-column kline
 * row (first six used). Line numbers in QA samples are 1-based, the header being line 1.
 *
 * @throws DataFileError (one line) for a missing or unreadable file, a corrupt gzip stream or a
 *   header without one of {@link KLINE_CSV_HEADER}; bad rows never throw.
 */
export async function readKlineCsv(
  paths: string | readonly string[],
  symbol: string,
  options: KlineQaOptions = {},
): Promise<KlineLoad> {
  const qa = new KlineQa(symbol, options);
  await feedKlineCsv(paths, qa);
  return qa.finish();
}

/** As {@link readKlineCsv}, into a caller's {@link KlineQa} (several files, mixed formats). */
export async function feedKlineCsv(paths: string | readonly string[], qa: KlineQa): Promise<void> {
  for (const path of typeof paths === "string" ? [paths] : paths) {
    const feeder = new KlineCsvFeeder(qa, path);
    for await (const text of readLineChunks(path)) forEachLine(text, feeder.line);
  }
}

/**
 * As {@link readKlineCsv} for lines already in memory (the first line is the header unless it
 * starts with a number); for tests and small inputs. Samples name the file `""`.
 */
export function parseKlineCsv(
  lines: Iterable<string>,
  symbol: string,
  options: KlineQaOptions = {},
): KlineLoad {
  const qa = new KlineQa(symbol, options);
  const feeder = new KlineCsvFeeder(qa, "");
  for (const line of lines) feeder.line(line, 0, line.length);
  return qa.finish();
}

/** Turns the lines of one file into KlineQa calls; tracks the header and line numbers. */
class KlineCsvFeeder {
  readonly #qa: KlineQa;
  readonly #path: string;
  #lineNo = 0;
  /** slotOf[fieldNumber] = 0..5 (open_time..volume) or -1; empty before the first line. */
  #slotOf: number[] = [];
  #need = 0;
  /** Field number of open_time. */
  #tField = 0;
  readonly #values = new Float64Array(6);
  readonly #starts = new Int32Array(6);
  readonly #ends = new Int32Array(6);

  constructor(qa: KlineQa, path: string) {
    this.#qa = qa;
    this.#path = path;
    qa.file = path.slice(path.lastIndexOf("/") + 1);
  }

  /** One line `text[start, end)`; an arrow so that it can be passed to forEachLine. */
  readonly line = (text: string, start: number, end: number): void => {
    const lineNo = ++this.#lineNo;
    const qa = this.#qa;
    if (this.#need === 0) {
      const first = text.slice(start, end);
      if (first.trim() === "") {
        qa.reject("truncated_line", lineNo, first);
        return;
      }
      const comma = first.indexOf(",");
      if (Number.isFinite(parseDecimalField(comma < 0 ? first : first.slice(0, comma)))) {
        this.#setSlots([0, 1, 2, 3, 4, 5]);
      } else {
        this.#readHeader(first.split(","));
        return;
      }
    }
    const values = this.#values;
    const starts = this.#starts;
    const ends = this.#ends;
    const slotOf = this.#slotOf;
    let found = 0;
    let field = 0;
    let s = start;
    while (field < this.#need) {
      let e = text.indexOf(",", s);
      if (e === -1 || e > end) e = end;
      const slot = slotOf[field];
      if (slot >= 0) {
        values[slot] = parseDecimalRange(text, s, e);
        starts[slot] = s;
        ends[slot] = e;
        found++;
      }
      field++;
      if (e === end) break;
      s = e + 1;
    }
    if (found < 6) {
      if (this.#tField < field && qa.skipOutside(values[0])) return;
      qa.reject("truncated_line", lineNo, text.slice(start, end));
      return;
    }
    if (qa.skipOutside(values[0])) return;
    for (let k = 0; k < 6; k++) {
      if (!Number.isFinite(values[k])) {
        qa.reject(badFieldRule(text.slice(starts[k], ends[k])), lineNo, text.slice(start, end));
        return;
      }
    }
    qa.push(
      values[0],
      values[1],
      values[2],
      values[3],
      values[4],
      values[5],
      lineNo,
      text,
      start,
      end,
    );
  };

  #readHeader(fields: string[]): void {
    const names = fields.map((f) => f.trim().toLowerCase());
    const idx = KLINE_CSV_HEADER.map((name) => names.indexOf(name));
    const missing = idx.findIndex((i) => i < 0);
    if (missing >= 0) {
      throw new DataFileError(
        this.#path,
        `Cannot read kline file "${this.#path}": its header has no column ${
          KLINE_CSV_HEADER[missing]
        }: header is "${fields.join(",").slice(0, 120)}"`,
      );
    }
    this.#setSlots(idx);
  }

  /** idx[slot] = field number of open_time, open, high, low, close, volume. */
  #setSlots(idx: number[]): void {
    this.#need = Math.max(...idx) + 1;
    this.#tField = idx[0];
    this.#slotOf = new Array<number>(this.#need).fill(-1);
    idx.forEach((fieldNo, slot) => (this.#slotOf[fieldNo] = slot));
  }
}
