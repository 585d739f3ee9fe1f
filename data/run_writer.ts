import { type CsvRow, type CsvValue, CsvWriter } from "./csv_writer.ts";
import { type ParquetColumnKind, ParquetRollup } from "./parquet_rollup.ts";
import {
  EQUITY_COLUMNS,
  GUARDRAILS_COLUMNS,
  ORDERS_COLUMNS,
  STATE_TIMELINE_COLUMNS,
  TRADES_COLUMNS,
} from "./run_columns.ts";

/** One `trades.csv` row. */
export type TradeRow = CsvRow<typeof TRADES_COLUMNS>;
/** One `orders.csv` row. */
export type OrderRow = CsvRow<typeof ORDERS_COLUMNS>;
/** One `state_timeline.csv` row. */
export type StateRow = CsvRow<typeof STATE_TIMELINE_COLUMNS>;
/** One `guardrails.csv` row. */
export type GuardRow = CsvRow<typeof GUARDRAILS_COLUMNS>;
/** One `equity.csv` row. */
export type EquityRow = CsvRow<typeof EQUITY_COLUMNS>;

const TRADE_KINDS: readonly ParquetColumnKind[] = [
  "ts",
  "string",
  "int64",
  "string",
  "string",
  "double",
  "double",
  "double",
  "double",
  "string",
  "string",
  "double",
  "double",
  "double",
  "string",
  "int",
  "int",
];
const STATE_KINDS: readonly ParquetColumnKind[] = [
  "ts",
  "string",
  "string",
  "int",
  "int",
  "double",
  "double",
  "double",
  "double",
  "string",
];
const EQUITY_KINDS: readonly ParquetColumnKind[] = [
  "ts",
  "double",
  "double",
  "double",
  "double",
  "double",
  "double",
];

/**
 * The files of one run directory: the five CSVs of `run_columns.ts` (`CsvWriter`: `ts` as ISO-8601
 * UTC with milliseconds, numbers as plain decimals, exact decimal strings passed through) and the
 * daily Parquet rollups `parquet/{trades,state_timeline,equity}/<YYYY-MM-DD>.parquet` of three of
 * them, holding the same rows. Rows are written in the order they are given; a Parquet day is
 * written once `advance(ts)` says that time has moved past it (rows of a table must not go back
 * to a day already passed), the rest on `close()`.
 */
export class RunWriter {
  readonly dir: string;
  readonly #trades: CsvWriter<typeof TRADES_COLUMNS>;
  readonly #orders: CsvWriter<typeof ORDERS_COLUMNS>;
  readonly #states: CsvWriter<typeof STATE_TIMELINE_COLUMNS>;
  readonly #guards: CsvWriter<typeof GUARDRAILS_COLUMNS>;
  readonly #equity: CsvWriter<typeof EQUITY_COLUMNS>;
  readonly #rollups: {
    trades: ParquetRollup<typeof TRADES_COLUMNS>;
    states: ParquetRollup<typeof STATE_TIMELINE_COLUMNS>;
    equity: ParquetRollup<typeof EQUITY_COLUMNS>;
  } | null;

  private constructor(dir: string, parts: {
    trades: CsvWriter<typeof TRADES_COLUMNS>;
    orders: CsvWriter<typeof ORDERS_COLUMNS>;
    states: CsvWriter<typeof STATE_TIMELINE_COLUMNS>;
    guards: CsvWriter<typeof GUARDRAILS_COLUMNS>;
    equity: CsvWriter<typeof EQUITY_COLUMNS>;
  }, parquet: boolean) {
    this.dir = dir;
    this.#trades = parts.trades;
    this.#orders = parts.orders;
    this.#states = parts.states;
    this.#guards = parts.guards;
    this.#equity = parts.equity;
    const p = `${dir}/parquet`;
    this.#rollups = parquet
      ? {
        trades: new ParquetRollup(`${p}/trades`, TRADES_COLUMNS, TRADE_KINDS),
        states: new ParquetRollup(`${p}/state_timeline`, STATE_TIMELINE_COLUMNS, STATE_KINDS),
        equity: new ParquetRollup(`${p}/equity`, EQUITY_COLUMNS, EQUITY_KINDS),
      }
      : null;
  }

  /**
   * Creates `dir` (and parents), truncates the five CSVs and writes their headers; removes an old
   * `parquet/` folder so a re-run into the same directory leaves no stale day behind.
   *
   * @param options.parquet write the daily rollups. @default {true}
   */
  static async open(dir: string, options: { parquet?: boolean } = {}): Promise<RunWriter> {
    await Deno.mkdir(dir, { recursive: true });
    await Deno.remove(`${dir}/parquet`, { recursive: true }).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    });
    return new RunWriter(dir, {
      trades: await CsvWriter.open(`${dir}/trades.csv`, TRADES_COLUMNS),
      orders: await CsvWriter.open(`${dir}/orders.csv`, ORDERS_COLUMNS),
      states: await CsvWriter.open(`${dir}/state_timeline.csv`, STATE_TIMELINE_COLUMNS),
      guards: await CsvWriter.open(`${dir}/guardrails.csv`, GUARDRAILS_COLUMNS),
      equity: await CsvWriter.open(`${dir}/equity.csv`, EQUITY_COLUMNS),
    }, options.parquet ?? true);
  }

  trade(row: TradeRow): void {
    this.#trades.write(row);
    this.#rollups?.trades.add(cells(TRADES_COLUMNS, row));
  }

  order(row: OrderRow): void {
    this.#orders.write(row);
  }

  state(row: StateRow): void {
    this.#states.write(row);
    this.#rollups?.states.add(cells(STATE_TIMELINE_COLUMNS, row));
  }

  guard(row: GuardRow): void {
    this.#guards.write(row);
  }

  equity(row: EquityRow): void {
    this.#equity.write(row);
    if (this.#rollups === null) return;
    this.#rollups.equity.add(cells(EQUITY_COLUMNS, row));
    // Every run day (it has equity rows) gets all three tables, also without trades or states.
    if (typeof row.ts === "number") {
      this.#rollups.trades.touch(row.ts);
      this.#rollups.states.touch(row.ts);
    }
  }

  /** Writes the buffered CSV rows to their files now. */
  flush(): void {
    for (const w of [this.#trades, this.#orders, this.#states, this.#guards, this.#equity]) {
      w.flush();
    }
  }

  /** Writes the Parquet days that end at or before `ts`. */
  async advance(ts: number): Promise<void> {
    if (this.#rollups === null) return;
    for (const r of Object.values(this.#rollups)) await r.flushBefore(ts);
  }

  /** Flushes and closes the CSVs, writes the remaining Parquet days; returns the Parquet paths. */
  async close(): Promise<string[]> {
    for (const w of [this.#trades, this.#orders, this.#states, this.#guards, this.#equity]) {
      w.close();
    }
    if (this.#rollups === null) return [];
    const out: string[] = [];
    for (const r of Object.values(this.#rollups)) {
      await r.close();
      out.push(...r.written);
    }
    return out;
  }
}

/**
 * An exact decimal string without trailing zeros (`"105573.73000000"` → `"105573.73"`,
 * `"0.00000000"` → `"0"`), as the CSVs write the exchange's 8-decimal amounts.
 */
export function trimDecimal(text: string): string {
  if (!text.includes(".")) return text;
  const t = text.replace(/0+$/, "").replace(/\.$/, "");
  return t === "" || t === "-0" ? "0" : t;
}

function cells<C extends readonly string[]>(columns: C, row: CsvRow<C>): CsvValue[] {
  const record = row as Readonly<Record<string, CsvValue>>;
  return columns.map((c) => record[c]);
}
