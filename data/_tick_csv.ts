import { badFieldRule, parseDecimalField } from "./_decimal_field.ts";
import { GrowableF64, GrowableU8 } from "./_growable.ts";
import { readLineBatches } from "./_text_lines.ts";
import { DataFileError } from "./data_file_error.ts";
import { QaFlag, type QaReport, type QaRule, QaTally } from "./qa_report.ts";

/**
 * How a tick CSV column is parsed and checked: `time` (ms, the window and ordering key), `id`
 * (the first one is the sequence key), `price` (> 0), `qty` (≥ 0), `bool` (`true`/`false`).
 */
export type TickFieldKind = "time" | "id" | "price" | "qty" | "bool";

/** A tick file layout: header names and their kinds, in file order. */
export interface TickCsvSpec {
  header: readonly string[];
  kinds: readonly TickFieldKind[];
  /** Whether the sequence id should step by exactly 1 (a jump is flagged as `gap`). */
  contiguousId: boolean;
  /** Header names of bid and ask prices: bid ≥ ask drops the row as `crossed_book`. */
  book?: readonly [string, string];
}

/** Options common to the tick loaders. */
export interface TickCsvOptions {
  /** Symbol to report; @default {the file name up to its first "-"} */
  symbol?: string;
  /** Keep rows with time >= from (ms, inclusive). @default {-Infinity} */
  from?: number;
  /** Keep rows with time < to (ms, exclusive). @default {Infinity} */
  to?: number;
  /** @default {10} */
  maxSamples?: number;
}

/** Raw result: one column per header field (bools as 0/1), flags and the report. */
export interface TickCsvResult {
  symbol: string;
  columns: Float64Array[];
  length: number;
  flags: Uint8Array;
  qa: QaReport;
}

/**
 * Streams a small tick CSV into typed columns with row-level QA. Rules, in order (the first
 * broken drop rule decides): truncated_line, non_numeric (also a bool not `true`/`false`),
 * non_finite, non_positive_price (a price ≤ 0), negative_volume (a quantity < 0), crossed_book
 * (bid ≥ ask), out_of_order (time earlier than the last kept row, or sequence id lower),
 * duplicate_ts (sequence id equal to the last kept one); gap (flag: sequence id jumps by more
 * than 1, when ids are contiguous by contract). Equal times are normal (many trades share a
 * millisecond). Rows with a time outside `[from, to)` are skipped before the rules.
 *
 * @throws DataFileError (one line) for a missing or unreadable file or a header that lacks a
 *   column of the spec.
 */
export async function readTickCsv(
  path: string,
  spec: TickCsvSpec,
  options: TickCsvOptions = {},
): Promise<TickCsvResult> {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const symbol = options.symbol ?? name.slice(0, Math.max(0, name.indexOf("-")));
  const from = options.from ?? -Infinity;
  const to = options.to ?? Infinity;
  const tally = new QaTally({ maxSamples: options.maxSamples });
  tally.file = name;
  const report = tally.report;
  const n = spec.header.length;
  const cols = spec.header.map(() => new GrowableF64(256));
  const flags = new GrowableU8(256);
  const timeAt = spec.kinds.indexOf("time");
  const idAt = spec.kinds.indexOf("id");
  let slots: number[] | null = null;
  let bidAt = -1;
  let askAt = -1;
  const values = new Float64Array(n);
  let lineNo = 0;
  let lastTime = -Infinity;
  let lastId = -Infinity;
  for await (const lines of readLineBatches(path)) {
    for (const text of lines) {
      lineNo++;
      const fields = text.split(",");
      if (slots === null) {
        slots = headerSlots(path, spec, fields);
        if (spec.book !== undefined) {
          bidAt = spec.header.indexOf(spec.book[0]);
          askAt = spec.header.indexOf(spec.book[1]);
        }
        continue;
      }
      const need = Math.max(...slots) + 1;
      const t = timeAt >= 0 && slots[timeAt] < fields.length
        ? parseDecimalField(fields[slots[timeAt]])
        : NaN;
      if (!Number.isNaN(t) && !(t >= from && t < to)) {
        report.rowsOutsideWindow++;
        continue;
      }
      report.rowsRead++;
      const rule = judge(fields, need, slots, spec, values) ??
        orderRule(values, timeAt, idAt, bidAt, askAt, lastTime, lastId);
      if (rule !== null) {
        tally.record(rule, lineNo, text);
        continue;
      }
      let flag = 0;
      if (spec.contiguousId && idAt >= 0 && lastId !== -Infinity && values[idAt] > lastId + 1) {
        flag |= QaFlag.gap;
        tally.record("gap", lineNo, text);
      }
      for (let k = 0; k < n; k++) cols[k].push(values[k]);
      flags.push(flag);
      report.rowsKept++;
      if (timeAt >= 0) lastTime = values[timeAt];
      if (idAt >= 0) lastId = values[idAt];
    }
  }
  if (slots === null) {
    throw new DataFileError(path, `Cannot read tick file "${path}": it is empty (no header)`);
  }
  return {
    symbol,
    columns: cols.map((c) => c.trimmed()),
    length: flags.length,
    flags: flags.trimmed(),
    qa: report,
  };
}

function headerSlots(path: string, spec: TickCsvSpec, fields: string[]): number[] {
  const names = fields.map((f) => f.trim().toLowerCase());
  return spec.header.map((name) => {
    const at = names.indexOf(name);
    if (at < 0) {
      throw new DataFileError(
        path,
        `Cannot read tick file "${path}": its header has no column ${name}: header is "${
          fields.join(",").slice(0, 120)
        }"`,
      );
    }
    return at;
  });
}

/** Parses the fields into `values`; the drop rule of a malformed row, or null. */
function judge(
  fields: string[],
  need: number,
  slots: readonly number[],
  spec: TickCsvSpec,
  values: Float64Array,
): QaRule | null {
  if (fields.length < need) return "truncated_line";
  for (let k = 0; k < slots.length; k++) {
    const s = fields[slots[k]];
    if (spec.kinds[k] === "bool") {
      const b = s.trim().toLowerCase();
      if (b !== "true" && b !== "false") return "non_numeric";
      values[k] = b === "true" ? 1 : 0;
      continue;
    }
    const x = parseDecimalField(s);
    if (!Number.isFinite(x)) return badFieldRule(s);
    values[k] = x;
  }
  for (let k = 0; k < slots.length; k++) {
    if (spec.kinds[k] === "price" && !(values[k] > 0)) return "non_positive_price";
  }
  for (let k = 0; k < slots.length; k++) {
    if (spec.kinds[k] === "qty" && values[k] < 0) return "negative_volume";
  }
  return null;
}

function orderRule(
  values: Float64Array,
  timeAt: number,
  idAt: number,
  bidAt: number,
  askAt: number,
  lastTime: number,
  lastId: number,
): QaRule | null {
  if (bidAt >= 0 && askAt >= 0 && values[bidAt] >= values[askAt]) return "crossed_book";
  if (timeAt >= 0 && values[timeAt] < lastTime) return "out_of_order";
  if (idAt >= 0 && values[idAt] < lastId) return "out_of_order";
  if (idAt >= 0 && values[idAt] === lastId) return "duplicate_ts";
  return null;
}
