import { parquetWriteBuffer } from "hyparquet-writer";
import type { CsvValue } from "./csv_writer.ts";

/**
 * How one column is stored in Parquet: `ts` event time (TIMESTAMP, ms, UTC), `string`, `double`
 * (a number or an exact decimal string, stored as the nearest float64), `int` (INT32), `int64`
 * (INT64, read back as a bigint).
 */
export type ParquetColumnKind = "ts" | "string" | "double" | "int" | "int64";

const DAY_MS = 86_400_000;

/**
 * Daily Parquet files of one run table (`trades`, `state_timeline`, `equity`): rows are added as
 * they are written to the CSV (the same cells), kept per UTC day of their `ts`, and a day is
 * written as `<dir>/<YYYY-MM-DD>.parquet` by `flushBefore` (every day before a given time) or
 * `close`. Columns carry the CSV names in CSV order; empty cells are nulls. The file bytes depend
 * only on the rows (hyparquet-writer, SNAPPY, `createdBy` "shoal"), so a deterministic run writes
 * byte-identical files. A day gets a file once it has a row or was `touch`ed (a run day without
 * trades still has its `trades` file, with no rows, so every run day has all three tables). Rows
 * that arrive for a day already written go to `<YYYY-MM-DD>-part<N>.parquet`.
 */
export class ParquetRollup<C extends readonly string[]> {
  readonly dir: string;
  readonly columns: C;
  readonly #kinds: readonly ParquetColumnKind[];
  readonly #days = new Map<number, CsvValue[][]>();
  readonly #written: string[] = [];
  /** Files written per day: a row that arrives after its day was written goes to a next part. */
  readonly #parts = new Map<number, number>();

  /**
   * @param kinds one kind per column.
   * @throws RangeError when `kinds` does not match `columns` or the first column is not `ts`.
   */
  constructor(dir: string, columns: C, kinds: readonly ParquetColumnKind[]) {
    if (kinds.length !== columns.length || columns[0] !== "ts" || kinds[0] !== "ts") {
      throw new RangeError(
        `Cannot roll up columns ${columns.join(",")} with kinds ${
          kinds.join(",")
        }: need one kind each, ts first`,
      );
    }
    this.dir = dir;
    this.columns = columns;
    this.#kinds = kinds;
  }

  /** Paths written so far, in writing order. */
  get written(): readonly string[] {
    return this.#written;
  }

  /** Adds one row (cells in column order; the first is the event time in ms). */
  add(cells: readonly CsvValue[]): void {
    const day = Math.floor((cells[0] as number) / DAY_MS);
    let rows = this.#days.get(day);
    if (rows === undefined) {
      rows = [];
      this.#days.set(day, rows);
    }
    rows.push(cells.slice());
  }

  /** Makes the UTC day of `ts` one that gets a file, with rows or without. */
  touch(ts: number): void {
    const day = Math.floor(ts / DAY_MS);
    if (!this.#days.has(day) && !this.#parts.has(day)) this.#days.set(day, []);
  }

  /** Writes (and forgets) every day that ends at or before `ts`. */
  async flushBefore(ts: number): Promise<void> {
    const today = Math.floor(ts / DAY_MS);
    for (const day of [...this.#days.keys()].sort((a, b) => a - b)) {
      if (day >= today) break;
      await this.#write(day);
    }
  }

  /** Writes every remaining day. */
  async close(): Promise<void> {
    for (const day of [...this.#days.keys()].sort((a, b) => a - b)) await this.#write(day);
  }

  async #write(day: number): Promise<void> {
    const rows = this.#days.get(day)!;
    this.#days.delete(day);
    const part = this.#parts.get(day) ?? 0;
    this.#parts.set(day, part + 1);
    const columnData = this.columns.map((name, c) => {
      const kind = this.#kinds[c];
      const data = rows.map((r) => cellValue(r[c], kind));
      return { name, data, type: PARQUET_TYPE[kind] };
    });
    const bytes = parquetWriteBuffer({ columnData, createdBy: "shoal" });
    await Deno.mkdir(this.dir, { recursive: true });
    const date = new Date(day * DAY_MS).toISOString().slice(0, 10);
    // A late row (a fill reported after a restart that crossed midnight) must not overwrite the
    // day already written, so it lands in `<date>-part2.parquet`; `*.parquet` reads both.
    const path = `${this.dir}/${date}${part === 0 ? "" : `-part${part + 1}`}.parquet`;
    await Deno.writeFile(path, new Uint8Array(bytes));
    this.#written.push(path);
  }
}

const PARQUET_TYPE = {
  ts: "TIMESTAMP",
  string: "STRING",
  double: "DOUBLE",
  int: "INT32",
  int64: "INT64",
} as const;

function cellValue(v: CsvValue, kind: ParquetColumnKind): Date | string | number | bigint | null {
  if (v === null || v === undefined || v === "") return null;
  switch (kind) {
    case "ts":
      return new Date(v as number);
    case "string":
      return String(v);
    case "double":
    case "int":
      return typeof v === "number" ? v : Number(v);
    case "int64":
      return BigInt(v);
  }
}
