import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import type { GatewayFill, GatewayOrder, GatewayOrderRequest, GatewayReject } from "./gateway.ts";
import { formatFixed8, parseFixed8 } from "./sim/fixed8.ts";
import { OrderStatus, Side } from "./sim/sim_records.ts";

/** Where a journaled order stands from our side. */
export const JournalPhase = {
  /** Written before the request left; whether the venue got it is unknown until acked. */
  PENDING: "pending",
  /** The venue answered (or reported) the order; `status` is its latest known status. */
  ACKED: "acked",
  /** The venue refused it (`rejectCode`); it never existed. */
  REJECTED: "rejected",
  /** Never sent, or -2013 after a lost answer and then dropped as stale (see `reconcile`). */
  DROPPED: "dropped",
} as const;
/** Where a journaled order stands from our side. */
export type JournalPhase = typeof JournalPhase[keyof typeof JournalPhase];

/** Where a fill came from. */
export const FillSource = {
  STREAM: "stream",
  GAP_FILL: "gap",
  RECONCILE: "reconcile",
} as const;
/** Where a fill came from. */
export type FillSource = typeof FillSource[keyof typeof FillSource];

/** The decision behind an order (what the journal keeps beside Binance's fields). */
export interface JournalDecision {
  /** Decision time (event time), ms. */
  ts: number;
  modelVersion: string;
  state: number;
  macroState: number;
}

/** One intent as proposed by a symbol actor (kept for the audit trail). */
export interface JournalIntent {
  ts: number;
  symbol: string;
  modelVersion: string;
  side: string;
  targetQty: number;
  conf: number;
  state: number;
  macroState: number;
  price: number;
}

/** One order of the journal. */
export interface JournalOrder {
  clientOrderId: string;
  symbol: string;
  side: string;
  type: string;
  timeInForce: string;
  /** The request's price ("" for MARKET), then the venue's. */
  price: string;
  quantity: string;
  phase: JournalPhase;
  /** The venue's latest status; null while pending, rejected or dropped. */
  status: OrderStatus | null;
  orderId: number | null;
  executedQty: string;
  cumulativeQuoteQty: string;
  rejectCode: number | null;
  rejectMsg: string | null;
  /** Wall ms when the request was written (just before it was sent). */
  sentAt: number;
  /** Venue time of the latest update, ms. */
  updatedTs: number | null;
  decision: JournalDecision;
}

/** Counts of the journal's rows. */
export interface JournalCounts {
  intents: number;
  orders: number;
  pending: number;
  open: number;
  rejected: number;
  dropped: number;
  fills: number;
  orderEvents: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS intents(
  seq INTEGER PRIMARY KEY AUTOINCREMENT, ts INTEGER NOT NULL, symbol TEXT NOT NULL,
  model_version TEXT NOT NULL, side TEXT NOT NULL, target_qty REAL NOT NULL, conf REAL NOT NULL,
  state INTEGER NOT NULL, macro_state INTEGER NOT NULL, price REAL NOT NULL);
CREATE TABLE IF NOT EXISTS orders(
  client_order_id TEXT PRIMARY KEY, symbol TEXT NOT NULL, side TEXT NOT NULL, type TEXT NOT NULL,
  time_in_force TEXT NOT NULL, price TEXT NOT NULL, quantity TEXT NOT NULL, phase TEXT NOT NULL,
  status TEXT, order_id INTEGER, executed_qty TEXT NOT NULL, cum_quote TEXT NOT NULL,
  reject_code INTEGER, reject_msg TEXT, sent_at INTEGER NOT NULL, updated_ts INTEGER,
  decision_ts INTEGER NOT NULL, model_version TEXT NOT NULL, state INTEGER NOT NULL,
  macro_state INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS orders_phase ON orders(phase, status);
CREATE TABLE IF NOT EXISTS order_events(
  seq INTEGER PRIMARY KEY AUTOINCREMENT, client_order_id TEXT NOT NULL, ts INTEGER NOT NULL,
  execution_type TEXT NOT NULL, status TEXT NOT NULL, executed_qty TEXT NOT NULL,
  cum_quote TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tape(
  seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS fills(
  symbol TEXT NOT NULL, trade_id INTEGER NOT NULL, order_id INTEGER NOT NULL,
  client_order_id TEXT NOT NULL, side TEXT NOT NULL, price TEXT NOT NULL, qty TEXT NOT NULL,
  quote_qty TEXT NOT NULL, commission TEXT NOT NULL, commission_asset TEXT NOT NULL,
  is_maker INTEGER NOT NULL, time INTEGER NOT NULL, best_bid TEXT NOT NULL,
  best_ask TEXT NOT NULL, queue_ahead TEXT NOT NULL, slippage_bp REAL NOT NULL,
  source TEXT NOT NULL, PRIMARY KEY (symbol, trade_id));
`;

const OPEN = new Set<string>([OrderStatus.NEW, OrderStatus.PARTIALLY_FILLED]);

/**
 * The order journal of a paper or live run: one SQLite file (`node:sqlite`, WAL) in the run
 * directory holding every intent, every order request, the venue's answers and updates, and
 * every fill, written so that a `kill -9` at any moment leaves a file that, read together with
 * the venue's state, tells exactly what happened:
 *
 * - a request is written (`phase = pending`) **before** it is sent; its `clientOrderId` (derived
 *   from the intent) is the key, so writing it again is a no-op ({@link recordRequest} answers
 *   whether it was new);
 * - the venue's answer moves it to `acked` (with the order) or `rejected` (code and message);
 * - order updates only move an order forward (status rank, then executed quantity), each change
 *   appended to `order_events`;
 * - fills are keyed by (symbol, tradeId): a fill seen twice (stream, gap fill, reconciliation) is
 *   written once.
 *
 * Every write is one autocommitted statement (or one transaction), synchronous=NORMAL: what a
 * call wrote survives the process being killed right after it returns.
 */
export class OrderJournal {
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #s: Record<string, StatementSync>;

  /**
   * Opens (creating when missing) the journal at `path`.
   *
   * @param options.fsync synchronous=FULL (survives power loss). @default {false}
   */
  constructor(path: string, options: { fsync?: boolean } = {}) {
    this.path = path;
    this.#db = new DatabaseSync(path);
    // another process may read the file while it is written (a test, an operator's sqlite3):
    // wait for its short locks instead of failing
    this.#db.exec("PRAGMA busy_timeout=5000");
    this.#db.exec("PRAGMA journal_mode=WAL");
    this.#db.exec(`PRAGMA synchronous=${options.fsync ? "FULL" : "NORMAL"}`);
    this.#db.exec(SCHEMA);
    const prep = (sql: string) => this.#db.prepare(sql);
    this.#s = {
      getMeta: prep("SELECT value FROM meta WHERE key = ?"),
      setMeta: prep(
        "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      ),
      intent: prep(
        `INSERT INTO intents(ts, symbol, model_version, side, target_qty, conf, state, macro_state, price)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      request: prep(
        `INSERT OR IGNORE INTO orders(client_order_id, symbol, side, type, time_in_force, price,
           quantity, phase, status, order_id, executed_qty, cum_quote, reject_code, reject_msg,
           sent_at, updated_ts, decision_ts, model_version, state, macro_state)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', NULL, NULL, '0.00000000', '0.00000000', NULL,
           NULL, ?, NULL, ?, ?, ?, ?)`,
      ),
      order: prep("SELECT * FROM orders WHERE client_order_id = ?"),
      updateOrder: prep(
        `UPDATE orders SET phase = 'acked', status = ?, order_id = ?, executed_qty = ?, cum_quote = ?,
           price = ?, updated_ts = ? WHERE client_order_id = ?`,
      ),
      adopt: prep(
        `INSERT INTO orders(client_order_id, symbol, side, type, time_in_force, price, quantity,
           phase, status, order_id, executed_qty, cum_quote, reject_code, reject_msg, sent_at,
           updated_ts, decision_ts, model_version, state, macro_state)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'acked', ?, ?, ?, ?, NULL, NULL, ?, ?, ?, 'external', -1, -1)`,
      ),
      event: prep(
        `INSERT INTO order_events(client_order_id, ts, execution_type, status, executed_qty, cum_quote)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      reject: prep(
        `UPDATE orders SET phase = 'rejected', reject_code = ?, reject_msg = ?, updated_ts = ?
         WHERE client_order_id = ? AND phase IN ('pending', 'dropped')`,
      ),
      drop: prep(
        "UPDATE orders SET phase = 'dropped', reject_msg = ? WHERE client_order_id = ? AND phase = 'pending'",
      ),
      tape: prep("INSERT INTO tape(kind, payload) VALUES (?, ?)"),
      fill: prep(
        `INSERT OR IGNORE INTO fills(symbol, trade_id, order_id, client_order_id, side, price, qty,
           quote_qty, commission, commission_asset, is_maker, time, best_bid, best_ask,
           queue_ahead, slippage_bp, source)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
    };
  }

  /** A value stored with {@link setMeta}, parsed from JSON; undefined when absent. */
  meta(key: string): unknown {
    const row = this.#s.getMeta.get(key) as { value: string } | undefined;
    return row === undefined ? undefined : JSON.parse(row.value);
  }

  /** Stores a JSON value under `key` (run parameters, reconciliation baselines). */
  setMeta(key: string, value: unknown): void {
    this.#s.setMeta.run(key, JSON.stringify(value));
  }

  /** Appends an intent. */
  recordIntent(i: JournalIntent): void {
    this.#s.intent.run(
      i.ts,
      i.symbol,
      i.modelVersion,
      i.side,
      i.targetQty,
      i.conf,
      i.state,
      i.macroState,
      i.price,
    );
  }

  /**
   * Writes a request as `pending`, before it is sent. Returns false (and writes nothing) when the
   * client id is already journaled: the caller must not send it again blindly.
   */
  recordRequest(
    request: GatewayOrderRequest,
    decision: JournalDecision,
    options: { sentAt: number },
  ): boolean {
    const r = this.#s.request.run(
      request.clientOrderId,
      request.symbol,
      request.side,
      request.type,
      request.timeInForce,
      request.price ?? "",
      request.quantity,
      options.sentAt,
      decision.ts,
      decision.modelVersion,
      decision.state,
      decision.macroState,
    );
    return Number(r.changes) > 0;
  }

  /**
   * Records the venue's view of an order (placement answer, stream update, query): moves it to
   * `acked` and forward only (status rank NEW < PARTIALLY_FILLED < done, then executed quantity);
   * appends an `order_events` row when something changed. An order the journal never sent
   * (placed by someone else on the account) is adopted with model version `external`. Returns
   * whether it changed.
   */
  recordOrder(order: GatewayOrder, options: { executionType: string; ts: number }): boolean {
    const row = this.#s.order.get(order.clientOrderId) as OrderRow | undefined;
    if (row === undefined) {
      this.#tx(() => {
        this.#s.adopt.run(
          order.clientOrderId,
          order.symbol,
          order.side,
          order.type,
          order.timeInForce,
          order.price,
          order.origQty,
          order.status,
          order.orderId,
          order.executedQty,
          order.cumulativeQuoteQty,
          order.time,
          options.ts,
          order.time,
        );
        this.#appendEvent(order, options);
      });
      return true;
    }
    if (row.phase === JournalPhase.ACKED && row.status !== null) {
      const was = { status: row.status, executedQty: row.executed_qty };
      if (!isForward(was, order)) return false;
    }
    this.#tx(() => {
      this.#s.updateOrder.run(
        order.status,
        order.orderId,
        order.executedQty,
        order.cumulativeQuoteQty,
        order.type === "MARKET" ? row.price : order.price,
        options.ts,
        order.clientOrderId,
      );
      this.#appendEvent(order, options);
    });
    return true;
  }

  /** Records that the venue refused a pending request. */
  recordReject(clientOrderId: string, reject: GatewayReject, options: { ts: number }): void {
    this.#s.reject.run(reject.code, reject.msg, options.ts, clientOrderId);
  }

  /**
   * Makes a dropped request pending again, to be sent under the same client id (its decision is
   * still fresh; see `JournaledGateway`). Returns whether it was dropped.
   */
  revive(clientOrderId: string, options: { sentAt: number }): boolean {
    const r = this.#db.prepare(
      "UPDATE orders SET phase = 'pending', sent_at = ?, reject_msg = NULL WHERE client_order_id = ? AND phase = 'dropped'",
    ).run(options.sentAt, clientOrderId);
    return Number(r.changes) > 0;
  }

  /** Marks a pending request that never reached the venue as dropped (it will not be sent). */
  recordDropped(clientOrderId: string, why: string): void {
    this.#s.drop.run(why, clientOrderId);
  }

  /** Writes a fill once (keyed by symbol and trade id); returns whether it was new. */
  recordFill(f: GatewayFill, options: { source: FillSource }): boolean {
    const r = this.#s.fill.run(
      f.symbol,
      f.tradeId,
      f.orderId,
      f.clientOrderId,
      f.side,
      f.price,
      f.qty,
      f.quoteQty,
      f.commission,
      f.commissionAsset,
      f.isMaker ? 1 : 0,
      f.time,
      f.bestBid,
      f.bestAsk,
      f.queueAhead,
      f.slippageBp,
      options.source,
    );
    return Number(r.changes) > 0;
  }

  /** One order by client id. */
  order(clientOrderId: string): JournalOrder | undefined {
    const row = this.#s.order.get(clientOrderId) as OrderRow | undefined;
    return row === undefined ? undefined : fromRow(row);
  }

  /** Orders in the order they were written, optionally only those in `phase`. */
  orders(options: { phase?: JournalPhase; symbol?: string } = {}): JournalOrder[] {
    const where: string[] = [];
    const args: SQLInputValue[] = [];
    if (options.phase !== undefined) {
      where.push("phase = ?");
      args.push(options.phase);
    }
    if (options.symbol !== undefined) {
      where.push("symbol = ?");
      args.push(options.symbol);
    }
    const sql = `SELECT * FROM orders ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY rowid`;
    return (this.#db.prepare(sql).all(...args) as unknown as OrderRow[]).map(fromRow);
  }

  /** Requests written but never answered (a crash or a lost answer between send and answer). */
  pendingRequests(): JournalOrder[] {
    return this.orders({ phase: JournalPhase.PENDING });
  }

  /** Orders the journal believes open on the venue. */
  openOrders(): JournalOrder[] {
    return this.orders({ phase: JournalPhase.ACKED }).filter((o) => OPEN.has(o.status ?? ""));
  }

  /** Fills, ascending by (symbol, trade id), optionally of one symbol from a trade id on. */
  fills(options: { symbol?: string; fromTradeId?: number } = {}): GatewayFill[] {
    const args: SQLInputValue[] = [];
    const where: string[] = [];
    if (options.symbol !== undefined) {
      where.push("symbol = ?");
      args.push(options.symbol);
    }
    if (options.fromTradeId !== undefined) {
      where.push("trade_id >= ?");
      args.push(options.fromTradeId);
    }
    const sql = `SELECT * FROM fills ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY symbol, trade_id`;
    return (this.#db.prepare(sql).all(...args) as unknown as FillRow[]).map(fillFromRow);
  }

  /** Per symbol, the highest trade id journaled. */
  lastTradeIds(): Record<string, number> {
    const rows = this.#db.prepare(
      "SELECT symbol, MAX(trade_id) AS id FROM fills GROUP BY symbol ORDER BY symbol",
    ).all() as { symbol: string; id: number }[];
    return Object.fromEntries(rows.map((r) => [r.symbol, r.id]));
  }

  /**
   * The change of each asset's balance that the journaled fills explain (fixed8 decimal strings):
   * a BUY adds `qty` of the base and takes `quoteQty` of the quote, a SELL the reverse, and each
   * commission is taken from its asset.
   *
   * @param assets the base and quote asset of each symbol.
   * @param options.afterTradeIds only fills with a trade id above these (per symbol).
   */
  balanceChanges(
    assets: (symbol: string) => { base: string; quote: string },
    options: { afterTradeIds?: Readonly<Record<string, number>> } = {},
  ): Record<string, string> {
    const sum = new Map<string, bigint>();
    const add = (asset: string, v: bigint) => sum.set(asset, (sum.get(asset) ?? 0n) + v);
    for (const f of this.fills()) {
      const after = options.afterTradeIds?.[f.symbol];
      if (after !== undefined && f.tradeId <= after) continue;
      const { base, quote } = assets(f.symbol);
      const qty = parseFixed8(f.qty);
      const quoteQty = parseFixed8(f.quoteQty);
      if (f.side === Side.BUY) {
        add(base, qty);
        add(quote, -quoteQty);
      } else {
        add(base, -qty);
        add(quote, quoteQty);
      }
      if (f.commissionAsset !== "") add(f.commissionAsset, -parseFixed8(f.commission));
    }
    return Object.fromEntries(
      [...sum].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, formatFixed8(v)]),
    );
  }

  /**
   * Appends one entry to the run's tape (the trading path's exchanges with the venue, in order,
   * for an exact replay on resume; see `ops/_paper_tape.ts`). `payload` is stored as JSON.
   */
  appendTape(kind: string, payload: unknown): void {
    this.#s.tape.run(kind, JSON.stringify(payload));
  }

  /** The tape, in order. */
  tape(): { seq: number; kind: string; payload: unknown }[] {
    const rows = this.#db.prepare("SELECT seq, kind, payload FROM tape ORDER BY seq").all() as {
      seq: number;
      kind: string;
      payload: string;
    }[];
    return rows.map((r) => ({ seq: r.seq, kind: r.kind, payload: JSON.parse(r.payload) }));
  }

  /** Row counts. */
  counts(): JournalCounts {
    const one = (sql: string) => (this.#db.prepare(sql).get() as { n: number }).n;
    return {
      intents: one("SELECT COUNT(*) AS n FROM intents"),
      orders: one("SELECT COUNT(*) AS n FROM orders"),
      pending: one("SELECT COUNT(*) AS n FROM orders WHERE phase = 'pending'"),
      open: one(
        "SELECT COUNT(*) AS n FROM orders WHERE phase = 'acked' AND status IN ('NEW', 'PARTIALLY_FILLED')",
      ),
      rejected: one("SELECT COUNT(*) AS n FROM orders WHERE phase = 'rejected'"),
      dropped: one("SELECT COUNT(*) AS n FROM orders WHERE phase = 'dropped'"),
      fills: one("SELECT COUNT(*) AS n FROM fills"),
      orderEvents: one("SELECT COUNT(*) AS n FROM order_events"),
    };
  }

  /** Closes the file (WAL checkpointed by SQLite). Idempotent. */
  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  #appendEvent(order: GatewayOrder, options: { executionType: string; ts: number }): void {
    this.#s.event.run(
      order.clientOrderId,
      options.ts,
      options.executionType,
      order.status,
      order.executedQty,
      order.cumulativeQuoteQty,
    );
  }

  #tx(body: () => void): void {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      body();
      this.#db.exec("COMMIT");
    } catch (err) {
      this.#db.exec("ROLLBACK");
      throw err;
    }
  }
}

interface OrderRow {
  client_order_id: string;
  symbol: string;
  side: string;
  type: string;
  time_in_force: string;
  price: string;
  quantity: string;
  phase: JournalPhase;
  status: OrderStatus | null;
  order_id: number | null;
  executed_qty: string;
  cum_quote: string;
  reject_code: number | null;
  reject_msg: string | null;
  sent_at: number;
  updated_ts: number | null;
  decision_ts: number;
  model_version: string;
  state: number;
  macro_state: number;
}

interface FillRow {
  symbol: string;
  trade_id: number;
  order_id: number;
  client_order_id: string;
  side: Side;
  price: string;
  qty: string;
  quote_qty: string;
  commission: string;
  commission_asset: string;
  is_maker: number;
  time: number;
  best_bid: string;
  best_ask: string;
  queue_ahead: string;
  slippage_bp: number;
}

function fromRow(r: OrderRow): JournalOrder {
  return {
    clientOrderId: r.client_order_id,
    symbol: r.symbol,
    side: r.side,
    type: r.type,
    timeInForce: r.time_in_force,
    price: r.price,
    quantity: r.quantity,
    phase: r.phase,
    status: r.status,
    orderId: r.order_id,
    executedQty: r.executed_qty,
    cumulativeQuoteQty: r.cum_quote,
    rejectCode: r.reject_code,
    rejectMsg: r.reject_msg,
    sentAt: r.sent_at,
    updatedTs: r.updated_ts,
    decision: {
      ts: r.decision_ts,
      modelVersion: r.model_version,
      state: r.state,
      macroState: r.macro_state,
    },
  };
}

function fillFromRow(r: FillRow): GatewayFill {
  return {
    tradeId: r.trade_id,
    orderId: r.order_id,
    clientOrderId: r.client_order_id,
    symbol: r.symbol,
    side: r.side,
    price: r.price,
    qty: r.qty,
    quoteQty: r.quote_qty,
    commission: r.commission,
    commissionAsset: r.commission_asset,
    isMaker: r.is_maker === 1,
    time: r.time,
    bestBid: r.best_bid,
    bestAsk: r.best_ask,
    queueAhead: r.queue_ahead,
    slippageBp: r.slippage_bp,
  };
}

function rankOf(status: string): number {
  if (status === OrderStatus.NEW) return 0;
  if (status === OrderStatus.PARTIALLY_FILLED) return 1;
  return 2;
}

/** True when `next` moves the order forward from `was` (never back to an older state). */
function isForward(
  was: { status: string; executedQty: string },
  next: { status: string; executedQty: string },
): boolean {
  const r0 = rankOf(was.status);
  const r1 = rankOf(next.status);
  if (r1 < r0) return false;
  const q0 = parseFixed8(was.executedQty);
  const q1 = parseFixed8(next.executedQty);
  if (q1 < q0) return false;
  return r1 > r0 || q1 > q0;
}
