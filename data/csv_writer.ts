import { formatCsvField, formatDecimal, formatTs } from "./csv_format.ts";

/** One cell: text, a number, or null/undefined for an empty field. */
export type CsvValue = string | number | null | undefined;

/** A row as a record with exactly the writer's columns. */
export type CsvRow<C extends readonly string[]> = { readonly [K in C[number]]: CsvValue };

/**
 * Writes one CSV file with a fixed header: rows are buffered as text and written to the file
 * (`Deno.open` + `TextEncoder`) whenever the buffer reaches `bufferBytes`, on {@link flush} and
 * on {@link close}. Cells: a number in the `ts` column is event time in ms and written with
 * `formatTs`; every other number with `formatDecimal` (plain decimal; NaN/Infinity throw, so a
 * run never writes them); strings are quoted when needed (`formatCsvField`); null/undefined give
 * an empty field. Lines end with `\n`. Writes are synchronous, so rows land in the order written.
 */
export class CsvWriter<C extends readonly string[]> {
  readonly path: string;
  readonly columns: C;
  readonly #file: Deno.FsFile;
  readonly #bufferBytes: number;
  readonly #encoder = new TextEncoder();
  #pending: string[] = [];
  #pendingChars = 0;
  #rows = 0;
  #closed = false;

  private constructor(path: string, columns: C, file: Deno.FsFile, bufferBytes: number) {
    this.path = path;
    this.columns = columns;
    this.#file = file;
    this.#bufferBytes = bufferBytes;
  }

  /**
   * Creates (or truncates) `path` and writes the header line.
   *
   * @throws RangeError for an empty or duplicated column list; Deno's error if the file cannot
   *   be created.
   */
  static async open<C extends readonly string[]>(
    path: string,
    columns: C,
    options: {
      /** Buffered characters that trigger a write. @default {65536} */
      bufferBytes?: number;
    } = {},
  ): Promise<CsvWriter<C>> {
    if (columns.length === 0 || new Set(columns).size !== columns.length) {
      throw new RangeError(`Cannot write a CSV with columns: ${columns.join(",")}`);
    }
    const file = await Deno.open(path, { write: true, create: true, truncate: true });
    const writer = new CsvWriter(path, columns, file, options.bufferBytes ?? 65_536);
    writer.#append(columns.map(formatCsvField).join(","));
    return writer;
  }

  /** Data rows written so far (the header excluded). */
  get rows(): number {
    return this.#rows;
  }

  /**
   * Appends one row. Throws (and writes nothing of the row) on a non-finite number, a missing
   * column, or a closed writer.
   */
  write(row: CsvRow<C>): void {
    if (this.#closed) throw new TypeError(`Cannot write to a closed CSV file: ${this.path}`);
    const cells: string[] = [];
    const record = row as Readonly<Record<string, CsvValue>>;
    for (const col of this.columns) {
      if (!(col in record)) {
        throw new TypeError(
          `Cannot write a ${this.path} row without column ${col}: ${JSON.stringify(row)}`,
        );
      }
      cells.push(formatCell(col, record[col], this.path));
    }
    this.#append(cells.join(","));
    this.#rows++;
  }

  /** Writes the buffered rows to the file. */
  flush(): void {
    if (this.#pending.length === 0) return;
    const bytes = this.#encoder.encode(this.#pending.join(""));
    this.#pending = [];
    this.#pendingChars = 0;
    let written = 0;
    while (written < bytes.length) written += this.#file.writeSync(bytes.subarray(written));
  }

  /** Flushes and closes the file; further writes throw. Closing twice is a no-op. */
  close(): void {
    if (this.#closed) return;
    this.flush();
    this.#file.close();
    this.#closed = true;
  }

  #append(line: string): void {
    this.#pending.push(line, "\n");
    this.#pendingChars += line.length + 1;
    if (this.#pendingChars >= this.#bufferBytes) this.flush();
  }
}

function formatCell(column: string, v: CsvValue, path: string): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return formatCsvField(v);
  try {
    return column === "ts" ? formatTs(v) : formatDecimal(v);
  } catch (e) {
    throw new RangeError(
      `Cannot write column ${column} of ${path}: ${e instanceof Error ? e.message : e}`,
    );
  }
}
