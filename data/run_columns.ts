/**
 * The columns of every run's CSV outputs, in file order: the one definition every writer and
 * reader uses. Never reorder or rename a column; add new ones at the end. `ts` is event time,
 * written ISO-8601 UTC with milliseconds; numbers are plain decimals.
 */
export const TRADES_COLUMNS = [
  "ts",
  "symbol",
  "order_id",
  "client_order_id",
  "side",
  "price",
  "qty",
  "quote_qty",
  "fee",
  "fee_asset",
  "liquidity",
  "slippage_bp",
  "best_bid",
  "best_ask",
  "model_version",
  "state",
  "macro_state",
] as const;

/** Columns of `orders.csv`; see {@link TRADES_COLUMNS} for the rules. */
export const ORDERS_COLUMNS = [
  "ts",
  "symbol",
  "client_order_id",
  "exchange_order_id",
  "side",
  "type",
  "time_in_force",
  "price",
  "qty",
  "status",
  "reason",
] as const;

/**
 * Columns of `state_timeline.csv`; `posteriors` is `|`-joined (`formatPosteriors`). See
 * {@link TRADES_COLUMNS} for the rules.
 */
export const STATE_TIMELINE_COLUMNS = [
  "ts",
  "symbol",
  "model_version",
  "state",
  "macro_state",
  "conf",
  "risk_bias",
  "edge",
  "kl_drift",
  "posteriors",
] as const;

/**
 * Columns of `guardrails.csv`; `reasons` is `|`-joined reason codes (`formatReasons`), `detail`
 * `key=value` pairs (`formatDetail`). See {@link TRADES_COLUMNS} for the rules.
 */
export const GUARDRAILS_COLUMNS = [
  "ts",
  "symbol",
  "action",
  "reasons",
  "value",
  "threshold",
  "detail",
] as const;

/**
 * Columns of `equity.csv`; `equity = cash + positions_value` on every row. See
 * {@link TRADES_COLUMNS} for the rules.
 */
export const EQUITY_COLUMNS = [
  "ts",
  "cash",
  "positions_value",
  "equity",
  "drawdown",
  "gross_exposure",
  "net_exposure",
] as const;

/** The run files and their columns, by file name. */
export const RUN_FILES = {
  "trades.csv": TRADES_COLUMNS,
  "orders.csv": ORDERS_COLUMNS,
  "state_timeline.csv": STATE_TIMELINE_COLUMNS,
  "guardrails.csv": GUARDRAILS_COLUMNS,
  "equity.csv": EQUITY_COLUMNS,
} as const;
