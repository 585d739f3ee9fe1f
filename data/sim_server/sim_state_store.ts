import { DatabaseSync, type StatementSync } from "node:sqlite";
import { z } from "zod";
import type { ReplayCursor } from "./sim_replay.ts";
import type { BalanceRecord, OrderStatus, SimEvent } from "../sim/sim_records.ts";

/** One engine-changing step, as logged: feed the replay to `cursor`, then do the command. */
export const StateLogEntry = z.discriminatedUnion("kind", [
  /** Only bars were fed. */
  z.object({ kind: z.literal("bars"), cursor: z.record(z.string(), z.number()), time: z.number() }),
  /** `placeOrder(body, {account})` at engine time `time`. */
  z.object({
    kind: z.literal("place"),
    cursor: z.record(z.string(), z.number()),
    time: z.number(),
    account: z.string(),
    body: z.record(z.string(), z.string()),
  }),
  /** `cancelOrder(symbol, ref, {account})`. */
  z.object({
    kind: z.literal("cancel"),
    cursor: z.record(z.string(), z.number()),
    time: z.number(),
    account: z.string(),
    symbol: z.string(),
    orderId: z.number().optional(),
    origClientOrderId: z.string().optional(),
    newClientOrderId: z.string().optional(),
  }),
  /** `cancelOpenOrders(symbol, {account})`. */
  z.object({
    kind: z.literal("cancelAll"),
    cursor: z.record(z.string(), z.number()),
    time: z.number(),
    account: z.string(),
    symbol: z.string(),
  }),
  /** `addAccount(account, {balances})`. */
  z.object({
    kind: z.literal("addAccount"),
    cursor: z.record(z.string(), z.number()),
    time: z.number(),
    account: z.string(),
    balances: z.record(z.string(), z.string()),
  }),
]);
/** One logged step. */
export type StateLogEntry = z.infer<typeof StateLogEntry>;

/** An order as the mirror table keeps it (Binance's order fields, decimals as strings). */
export interface StoredOrder {
  account: string;
  orderId: number;
  symbol: string;
  clientOrderId: string;
  side: string;
  type: string;
  timeInForce: string;
  price: string;
  origQty: string;
  executedQty: string;
  cummulativeQuoteQty: string;
  status: OrderStatus | string;
  time: number;
  updateTime: number;
}

/** A fill as the mirror table keeps it. */
export interface StoredTrade {
  tradeId: number;
  account: string;
  symbol: string;
  orderId: number;
  side: string;
  price: string;
  qty: string;
  quoteQty: string;
  commission: string;
  commissionAsset: string;
  isMaker: boolean;
  time: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS checkpoint(
  id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, cursor TEXT NOT NULL,
  snapshot TEXT NOT NULL, saved_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS log(seq INTEGER PRIMARY KEY, entry TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS balances(
  account TEXT NOT NULL, asset TEXT NOT NULL, free TEXT NOT NULL, locked TEXT NOT NULL,
  PRIMARY KEY (account, asset));
CREATE TABLE IF NOT EXISTS orders(
  order_id INTEGER PRIMARY KEY, account TEXT NOT NULL, symbol TEXT NOT NULL,
  client_order_id TEXT NOT NULL, side TEXT NOT NULL, type TEXT NOT NULL,
  time_in_force TEXT NOT NULL, price TEXT NOT NULL, orig_qty TEXT NOT NULL,
  executed_qty TEXT NOT NULL, cum_quote TEXT NOT NULL, status TEXT NOT NULL,
  time INTEGER NOT NULL, update_time INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS orders_open ON orders(account, status);
CREATE TABLE IF NOT EXISTS trades(
  trade_id INTEGER PRIMARY KEY, account TEXT NOT NULL, symbol TEXT NOT NULL,
  order_id INTEGER NOT NULL, side TEXT NOT NULL, price TEXT NOT NULL, qty TEXT NOT NULL,
  quote_qty TEXT NOT NULL, commission TEXT NOT NULL, commission_asset TEXT NOT NULL,
  is_maker INTEGER NOT NULL, time INTEGER NOT NULL);
`;

const SCHEMA_VERSION = "1";

/**
 * The server's state in one SQLite file (`node:sqlite`), built so that nothing acknowledged is
 * lost when the process dies (SIGKILL included) and a write never grows with history:
 *
 * - `log`: an append-only log of every engine-changing step ({@link StateLogEntry}: bars fed up to
 *   a replay cursor, an order placed, a cancel, an account added), one row per step, written in
 *   the same transaction as the mirror rows below and **before** the HTTP answer or any
 *   WebSocket event leaves the server. The engine is deterministic, so the log replayed from the
 *   checkpoint rebuilds exactly the same state.
 * - `checkpoint`: the engine's full snapshot (`SimExchange.snapshot()`) and the replay cursor at
 *   log position `seq`; written every N steps and on clean shutdown, in one transaction that also
 *   drops the log rows it covers (compaction). Restart cost = one snapshot + at most N steps.
 * - `orders`, `trades`, `balances`: a queryable mirror of the exchange state (Binance's fields),
 *   upserted from the engine's events in the same transaction as the log row. They are what a
 *   person or a reconciling tool reads; restart does not need them but checks them.
 * - `meta`: schema version and the server configuration the state was made with.
 *
 * Durability: WAL journal; `synchronous=NORMAL` survives the process being killed (the OS keeps
 * the written pages), `fsync: true` (`synchronous=FULL`) also survives power loss at the cost of
 * one fsync per step.
 */
export class SimStateStore {
  readonly #db: DatabaseSync;
  readonly #path: string;
  #seq: number;
  #checkpointSeq: number;
  readonly #insertLog: StatementSync;
  readonly #upsertOrder: StatementSync;
  readonly #insertTrade: StatementSync;
  readonly #upsertBalance: StatementSync;

  /**
   * Opens (creating when missing) the state file.
   *
   * @param options.fsync fsync every commit (survives power loss). @default {false}
   * @throws Error when the file is not a state file of this schema version.
   */
  constructor(path: string, options: { fsync?: boolean } = {}) {
    this.#path = path;
    this.#db = new DatabaseSync(path);
    this.#db.exec("PRAGMA journal_mode=WAL");
    this.#db.exec(`PRAGMA synchronous=${options.fsync ? "FULL" : "NORMAL"}`);
    this.#db.exec(SCHEMA);
    const version = this.#meta("schema");
    if (version === null) this.#setMeta("schema", SCHEMA_VERSION);
    else if (version !== SCHEMA_VERSION) {
      this.#db.close();
      throw new Error(`Cannot open state file "${path}": schema version is ${version}`);
    }
    const last = this.#db.prepare("SELECT MAX(seq) AS s FROM log").get() as { s: number | null };
    const cp = this.#db.prepare("SELECT seq FROM checkpoint WHERE id = 1").get() as
      | { seq: number }
      | undefined;
    this.#checkpointSeq = cp?.seq ?? 0;
    this.#seq = Math.max(last.s ?? 0, this.#checkpointSeq);
    this.#insertLog = this.#db.prepare("INSERT INTO log(seq, entry) VALUES (?, ?)");
    this.#upsertOrder = this.#db.prepare(
      `INSERT INTO orders(order_id, account, symbol, client_order_id, side, type, time_in_force,
         price, orig_qty, executed_qty, cum_quote, status, time, update_time)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(order_id) DO UPDATE SET executed_qty = excluded.executed_qty,
         cum_quote = excluded.cum_quote, status = excluded.status,
         update_time = excluded.update_time`,
    );
    this.#insertTrade = this.#db.prepare(
      `INSERT OR REPLACE INTO trades(trade_id, account, symbol, order_id, side, price, qty,
         quote_qty, commission, commission_asset, is_maker, time)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#upsertBalance = this.#db.prepare(
      `INSERT INTO balances(account, asset, free, locked) VALUES (?, ?, ?, ?)
       ON CONFLICT(account, asset) DO UPDATE SET free = excluded.free, locked = excluded.locked`,
    );
  }

  /** The file path. */
  get path(): string {
    return this.#path;
  }

  /** True until a checkpoint has been written (a new file). */
  get isNew(): boolean {
    return this.#db.prepare("SELECT 1 FROM checkpoint WHERE id = 1").get() === undefined;
  }

  /** Log rows written since the last checkpoint. */
  get stepsSinceCheckpoint(): number {
    return this.#seq - this.#checkpointSeq;
  }

  /** The configuration stored with the state (JSON-decoded), or null in a new file. */
  readConfig(): unknown {
    const text = this.#meta("config");
    return text === null ? null : JSON.parse(text);
  }

  /** Stores the configuration the state belongs to. */
  writeConfig(config: unknown): void {
    this.#setMeta("config", JSON.stringify(config));
  }

  /** The last checkpoint: engine snapshot (JSON-decoded), replay cursor and log position. */
  readCheckpoint(): { seq: number; cursor: ReplayCursor; snapshot: unknown } | null {
    const row = this.#db.prepare("SELECT seq, cursor, snapshot FROM checkpoint WHERE id = 1")
      .get() as { seq: number; cursor: string; snapshot: string } | undefined;
    if (row === undefined) return null;
    return { seq: row.seq, cursor: JSON.parse(row.cursor), snapshot: JSON.parse(row.snapshot) };
  }

  /**
   * The logged steps after the checkpoint, in order.
   *
   * @throws TypeError when a row does not parse (a corrupt or foreign file).
   */
  *readLog(): Generator<StateLogEntry> {
    const rows = this.#db.prepare("SELECT seq, entry FROM log WHERE seq > ? ORDER BY seq")
      .iterate(this.#checkpointSeq) as Iterable<{ seq: number; entry: string }>;
    for (const row of rows) {
      const parsed = StateLogEntry.safeParse(JSON.parse(row.entry));
      if (!parsed.success) {
        throw new TypeError(
          `Cannot read state log row ${row.seq} of "${this.#path}": ${
            parsed.error.issues[0].message
          }`,
        );
      }
      yield parsed.data;
    }
  }

  /**
   * Appends one step and applies its events to the mirror tables, in one transaction.
   *
   * @returns the step's log position.
   */
  commit(entry: StateLogEntry, events: readonly SimEvent[]): number {
    this.#db.exec("BEGIN");
    try {
      const seq = this.#seq + 1;
      this.#insertLog.run(seq, JSON.stringify(entry));
      this.#applyEvents(events);
      this.#db.exec("COMMIT");
      this.#seq = seq;
      return seq;
    } catch (err) {
      this.#db.exec("ROLLBACK");
      throw err;
    }
  }

  /**
   * Writes a checkpoint at the current log position and drops the log rows it covers, in one
   * transaction. `events` (e.g. the starting balances of new accounts) go to the mirror tables.
   */
  checkpoint(
    snapshot: unknown,
    cursor: ReplayCursor,
    options: { now: number; events?: readonly SimEvent[] },
  ): void {
    this.#db.exec("BEGIN");
    try {
      this.#db.prepare(
        `INSERT INTO checkpoint(id, seq, cursor, snapshot, saved_at) VALUES (1, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, cursor = excluded.cursor,
           snapshot = excluded.snapshot, saved_at = excluded.saved_at`,
      ).run(this.#seq, JSON.stringify(cursor), JSON.stringify(snapshot), options.now);
      this.#db.prepare("DELETE FROM log WHERE seq <= ?").run(this.#seq);
      this.#applyEvents(options.events ?? []);
      this.#db.exec("COMMIT");
      this.#checkpointSeq = this.#seq;
    } catch (err) {
      this.#db.exec("ROLLBACK");
      throw err;
    }
  }

  /** An account's balances from the mirror, sorted by asset. */
  balances(account: string): BalanceRecord[] {
    const rows = this.#db.prepare(
      "SELECT asset, free, locked FROM balances WHERE account = ? ORDER BY asset",
    ).all(account) as Record<string, string>[];
    return rows.map((r) => ({ asset: r.asset, free: r.free, locked: r.locked }));
  }

  /** An account's orders from the mirror (only open ones with `open`), by order id. */
  orders(account: string, options: { open?: boolean } = {}): StoredOrder[] {
    const where = options.open ? "AND status IN ('NEW', 'PARTIALLY_FILLED')" : "";
    const rows = this.#db.prepare(
      `SELECT order_id, account, symbol, client_order_id, side, type, time_in_force, price,
         orig_qty, executed_qty, cum_quote, status, time, update_time
       FROM orders WHERE account = ? ${where} ORDER BY order_id`,
    ).all(account) as Record<string, string | number>[];
    return rows.map((r) => ({
      account: String(r.account),
      orderId: Number(r.order_id),
      symbol: String(r.symbol),
      clientOrderId: String(r.client_order_id),
      side: String(r.side),
      type: String(r.type),
      timeInForce: String(r.time_in_force),
      price: String(r.price),
      origQty: String(r.orig_qty),
      executedQty: String(r.executed_qty),
      cummulativeQuoteQty: String(r.cum_quote),
      status: String(r.status),
      time: Number(r.time),
      updateTime: Number(r.update_time),
    }));
  }

  /** An account's fills from the mirror, by trade id. */
  trades(account: string): StoredTrade[] {
    const rows = this.#db.prepare(
      `SELECT trade_id, account, symbol, order_id, side, price, qty, quote_qty, commission,
         commission_asset, is_maker, time FROM trades WHERE account = ? ORDER BY trade_id`,
    ).all(account) as Record<string, string | number>[];
    return rows.map((r) => ({
      tradeId: Number(r.trade_id),
      account: String(r.account),
      symbol: String(r.symbol),
      orderId: Number(r.order_id),
      side: String(r.side),
      price: String(r.price),
      qty: String(r.qty),
      quoteQty: String(r.quote_qty),
      commission: String(r.commission),
      commissionAsset: String(r.commission_asset),
      isMaker: Number(r.is_maker) === 1,
      time: Number(r.time),
    }));
  }

  /** Closes the file. */
  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  #applyEvents(events: readonly SimEvent[]): void {
    for (const ev of events) {
      if (ev.type === "outboundAccountPosition") {
        for (const b of ev.balances) this.#upsertBalance.run(ev.account, b.asset, b.free, b.locked);
        continue;
      }
      if (ev.orderId < 0) continue; // a reject: Binance has no order for it
      const canceled = ev.executionType === "CANCELED";
      this.#upsertOrder.run(
        ev.orderId,
        ev.account,
        ev.symbol,
        canceled ? ev.origClientOrderId : ev.clientOrderId,
        ev.side,
        ev.orderType,
        ev.timeInForce,
        ev.price,
        ev.quantity,
        ev.cumulativeFilledQty,
        ev.cumulativeQuoteQty,
        ev.orderStatus,
        ev.orderCreationTime,
        ev.transactionTime,
      );
      const f = ev.fill;
      if (f !== null) {
        this.#insertTrade.run(
          f.tradeId,
          ev.account,
          f.symbol,
          f.orderId,
          f.side,
          f.price,
          f.qty,
          f.quoteQty,
          f.commission,
          f.commissionAsset,
          f.isMaker ? 1 : 0,
          f.time,
        );
      }
    }
  }

  #meta(key: string): string | null {
    const row = this.#db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as
      | { value: string }
      | undefined;
    return row?.value ?? null;
  }

  #setMeta(key: string, value: string): void {
    this.#db.prepare(
      "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    ).run(key, value);
  }
}
