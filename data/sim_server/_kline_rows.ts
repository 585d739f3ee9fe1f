import { fixed8FromNumber, formatFixed8 } from "../sim/fixed8.ts";
import { type KlineColumns, lowerBound } from "../kline_columns.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** 1970-01-05 was a Monday: weekly candles start on Mondays 00:00 UTC. */
const MONDAY = 4 * DAY;

/** Fixed-length kline intervals served by aggregating the 1m data, in ms. */
const FIXED: Readonly<Record<string, number>> = {
  "1m": MIN,
  "3m": 3 * MIN,
  "5m": 5 * MIN,
  "15m": 15 * MIN,
  "30m": 30 * MIN,
  "1h": HOUR,
  "2h": 2 * HOUR,
  "4h": 4 * HOUR,
  "6h": 6 * HOUR,
  "8h": 8 * HOUR,
  "12h": 12 * HOUR,
  "1d": DAY,
  "3d": 3 * DAY,
  "1w": 7 * DAY,
};

/** Every interval the server answers (Binance's list without `1s`, which 1m data cannot give). */
export const KLINE_INTERVALS: readonly string[] = [...Object.keys(FIXED), "1M"];

/** Whether `interval` is served. */
export function isKlineInterval(interval: string): boolean {
  return interval in FIXED || interval === "1M";
}

/** Open time of the candle of `interval` containing `ts` (UTC; weeks start Monday). */
export function bucketStart(ts: number, interval: string): number {
  if (interval === "1M") {
    const d = new Date(ts);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
  const len = FIXED[interval];
  const origin = interval === "1w" ? MONDAY : 0;
  return Math.floor((ts - origin) / len) * len + origin;
}

/** Open time of the candle after the one opening at `start`. */
export function bucketEnd(start: number, interval: string): number {
  if (interval === "1M") {
    const d = new Date(start);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
  return start + FIXED[interval];
}

/**
 * One kline as Binance's 12-column row: open time, OHLC, base volume, close time, then quote
 * volume, trade count, taker-buy base and quote volumes and "ignore". The data holds OHLCV only,
 * so those last five are sent as `"0"` / `0`, never estimated.
 */
export type KlineRow = [
  number,
  string,
  string,
  string,
  string,
  string,
  number,
  string,
  number,
  string,
  string,
  string,
];

/** One aggregated candle in fixed8 before formatting. */
export interface Candle {
  openTime: number;
  closeTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: bigint;
}

/**
 * The candles of `interval` built from the first `available` 1m bars of `series` (the bars the
 * replay has fed so far: nothing later is ever shown). Candles are aggregated in UTC buckets;
 * the last one may be incomplete, as Binance's current candle is. Selection follows Binance:
 * with `startTime`, the first `limit` candles opening at or after it (and at or before
 * `endTime`); with only `endTime`, the last `limit` opening at or before it; with neither, the
 * most recent `limit`.
 */
export function klineCandles(
  series: KlineColumns,
  available: number,
  options: { interval: string; startTime?: number; endTime?: number; limit: number },
): Candle[] {
  const { interval, startTime, endTime, limit } = options;
  const t = series.openTime;
  let hi = available;
  if (endTime !== undefined) {
    hi = Math.min(
      hi,
      lowerBound(t, bucketEnd(bucketStart(endTime, interval), interval), available),
    );
  }
  let lo = 0;
  if (startTime !== undefined) {
    lo = lowerBound(t, bucketStart(startTime, interval), hi);
  } else if (interval !== "1M" && hi > 0) {
    const lastStart = bucketStart(t[hi - 1], interval);
    lo = lowerBound(t, lastStart - (limit - 1) * FIXED[interval], hi);
  }
  const out: Candle[] = [];
  let cur: Candle | null = null;
  let curEnd = 0;
  for (let i = lo; i < hi; i++) {
    const ts = t[i];
    if (cur === null || ts >= curEnd) {
      if (cur !== null) out.push(cur);
      const start = bucketStart(ts, interval);
      curEnd = bucketEnd(start, interval);
      cur = {
        openTime: start,
        closeTime: curEnd - 1,
        open: series.open[i],
        high: series.high[i],
        low: series.low[i],
        close: series.close[i],
        volume: fixed8FromNumber(series.volume[i]),
      };
    } else {
      if (series.high[i] > cur.high) cur.high = series.high[i];
      if (series.low[i] < cur.low) cur.low = series.low[i];
      cur.close = series.close[i];
      cur.volume += fixed8FromNumber(series.volume[i]);
    }
  }
  if (cur !== null) out.push(cur);
  const picked = out.filter((c) =>
    (startTime === undefined || c.openTime >= startTime) &&
    (endTime === undefined || c.openTime <= endTime)
  );
  return startTime !== undefined ? picked.slice(0, limit) : picked.slice(-limit);
}

/** A candle as Binance's REST kline row (see {@link KlineRow}). */
export function klineRow(c: Candle): KlineRow {
  return [
    c.openTime,
    price(c.open),
    price(c.high),
    price(c.low),
    price(c.close),
    formatFixed8(c.volume),
    c.closeTime,
    "0",
    0,
    "0",
    "0",
    "0",
  ];
}

/** A float price from the data as Binance's 8-decimal string. */
export function price(v: number): string {
  return formatFixed8(fixed8FromNumber(v));
}
