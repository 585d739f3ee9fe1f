import { readTickCsv, type TickCsvOptions, type TickCsvSpec } from "./_tick_csv.ts";
import type { QaReport } from "./qa_report.ts";

export type { TickCsvOptions } from "./_tick_csv.ts";

/**
 * Trades (`ticks/<SYMBOL>-trades-*.csv`: `trade_id,price,quantity,time,is_buyer_maker`, as
 * Binance `GET /api/v3/trades` `id, price, qty, time, isBuyerMaker`), typed columns in file order.
 * Ids fit float64 exactly; `isBuyerMaker` is 1/0.
 */
export interface TradeColumns {
  symbol: string;
  tradeId: Float64Array;
  price: Float64Array;
  qty: Float64Array;
  /** Trade time, ms since epoch. */
  time: Float64Array;
  isBuyerMaker: Uint8Array;
  length: number;
}

/**
 * Aggregate trades (`ticks/<SYMBOL>-aggTrades-*.csv`:
 * `agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker`,
 * the websocket `a,p,q,f,l,T,m`).
 */
export interface AggTradeColumns {
  symbol: string;
  aggTradeId: Float64Array;
  price: Float64Array;
  qty: Float64Array;
  firstTradeId: Float64Array;
  lastTradeId: Float64Array;
  /** Transact time, ms since epoch. */
  time: Float64Array;
  isBuyerMaker: Uint8Array;
  length: number;
}

/** Top-of-book snapshots (`ticks/<SYMBOL>-bookTicker-*.csv`: `time,bid_price,bid_qty,ask_price,ask_qty`). */
export interface BookTickerColumns {
  symbol: string;
  /** The recorder's time, ms since epoch (the source had no Binance updateId). */
  time: Float64Array;
  bidPrice: Float64Array;
  bidQty: Float64Array;
  askPrice: Float64Array;
  askQty: Float64Array;
  length: number;
}

/** Columns, one QA flag byte per kept row (`QaFlag.gap` on an id jump), and the QA report. */
export interface TickLoad<C> {
  columns: C;
  flags: Uint8Array;
  qa: QaReport;
}

const TRADES: TickCsvSpec = {
  header: ["trade_id", "price", "quantity", "time", "is_buyer_maker"],
  kinds: ["id", "price", "qty", "time", "bool"],
  contiguousId: true,
};

const AGG_TRADES: TickCsvSpec = {
  header: [
    "agg_trade_id",
    "price",
    "quantity",
    "first_trade_id",
    "last_trade_id",
    "transact_time",
    "is_buyer_maker",
  ],
  kinds: ["id", "price", "qty", "id", "id", "time", "bool"],
  contiguousId: true,
};

const BOOK_TICKER: TickCsvSpec = {
  header: ["time", "bid_price", "bid_qty", "ask_price", "ask_qty"],
  kinds: ["time", "price", "qty", "price", "qty"],
  contiguousId: false,
  book: ["bid_price", "ask_price"],
};

/**
 * Streams a trades CSV into {@link TradeColumns}. QA drops truncated, non-numeric, non-finite,
 * non-positive-price, negative-quantity, out-of-order (time or id going back) and duplicate-id
 * rows and flags id jumps as `gap`; see `readTickCsv` in `_tick_csv.ts` for the exact rules.
 *
 * @throws DataFileError (one line) for a missing or unreadable file or a wrong header.
 */
export async function readTradesCsv(
  path: string,
  options: TickCsvOptions = {},
): Promise<TickLoad<TradeColumns>> {
  const r = await readTickCsv(path, TRADES, options);
  const [tradeId, price, qty, time, maker] = r.columns;
  return {
    columns: {
      symbol: r.symbol,
      tradeId,
      price,
      qty,
      time,
      isBuyerMaker: Uint8Array.from(maker),
      length: r.length,
    },
    flags: r.flags,
    qa: r.qa,
  };
}

/** As {@link readTradesCsv}, for an aggTrades CSV ({@link AggTradeColumns}). */
export async function readAggTradesCsv(
  path: string,
  options: TickCsvOptions = {},
): Promise<TickLoad<AggTradeColumns>> {
  const r = await readTickCsv(path, AGG_TRADES, options);
  const [aggTradeId, price, qty, firstTradeId, lastTradeId, time, maker] = r.columns;
  return {
    columns: {
      symbol: r.symbol,
      aggTradeId,
      price,
      qty,
      firstTradeId,
      lastTradeId,
      time,
      isBuyerMaker: Uint8Array.from(maker),
      length: r.length,
    },
    flags: r.flags,
    qa: r.qa,
  };
}

/**
 * As {@link readTradesCsv}, for a bookTicker CSV ({@link BookTickerColumns}); a row with
 * bid ≥ ask is dropped as `crossed_book`, time going back as `out_of_order`.
 */
export async function readBookTickerCsv(
  path: string,
  options: TickCsvOptions = {},
): Promise<TickLoad<BookTickerColumns>> {
  const r = await readTickCsv(path, BOOK_TICKER, options);
  const [time, bidPrice, bidQty, askPrice, askQty] = r.columns;
  return {
    columns: { symbol: r.symbol, time, bidPrice, bidQty, askPrice, askQty, length: r.length },
    flags: r.flags,
    qa: r.qa,
  };
}
