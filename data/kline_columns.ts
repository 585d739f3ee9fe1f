/**
 * One symbol's 1m klines as typed columns, in ascending `openTime` order, all arrays of length
 * `length`. `openTime` is the candle open in ms since the Unix epoch, UTC (exact in float64;
 * the candle covers `[openTime, openTime + 59999]`); prices are quote currency, `volume` is base
 * asset. Only the OHLCV columns Binance data files actually carry: no `close_time`,
 * `quote_volume`, `trades` or `taker_buy_*`.
 */
export interface KlineColumns {
  symbol: string;
  openTime: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  length: number;
}

/** The numeric column names of {@link KlineColumns}, in file order. */
export const KLINE_FIELDS = ["openTime", "open", "high", "low", "close", "volume"] as const;
/** One numeric kline column name. */
export type KlineField = typeof KLINE_FIELDS[number];

/**
 * The index of the first bar with `openTime >= ts` (binary search; `length` if none), for
 * windowing sorted columns.
 */
export function lowerBound(openTime: Float64Array, ts: number, length = openTime.length): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (openTime[mid] < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
