import type { KlineColumns } from "./kline_columns.ts";

/** One episode of a symbol whose stream stopped while another symbol's advanced. */
export interface StreamStop {
  /** The symbol that went quiet. */
  symbol: string;
  /** Its last bar's open time before the silence (ms). */
  lastTs: number;
  /** Its next bar's open time (ms), or null when it never resumed. */
  resumedTs: number | null;
  /** Index of that next bar in the symbol's columns, or -1 when it never resumed. */
  resumedIndex: number;
  /** The first other symbol to print a bar more than `maxLagMs` after `lastTs`... */
  otherSymbol: string;
  /** ...and that bar's open time (ms): the moment the stream counted as stopped. */
  otherTs: number;
}

/**
 * Finds the `stream_stopped` (STALE) episodes across several symbols' klines: symbol S is stale
 * at time u when another symbol has a bar at u while S's latest bar is more than `maxLagMs`
 * older (u − lastTs > maxLagMs). One episode per silence, from S's last bar until its next bar
 * (or the end of the data). A symbol that starts later than the others is not stale before its
 * first bar. With one symbol, or none, the result is empty. Episodes are sorted by symbol, then
 * time. O(total bars + episodes × symbols × log bars).
 */
export function checkStreamStopped(
  series: readonly KlineColumns[],
  options: {
    /** Allowed silence while others advance, in ms. @default {300000} (5 one-minute bars) */
    maxLagMs?: number;
  } = {},
): StreamStop[] {
  const maxLag = options.maxLagMs ?? 300_000;
  if (!(maxLag >= 0)) throw new RangeError(`Cannot check streams with maxLagMs: ${maxLag}`);
  const ordered = [...series].sort((
    a,
    b,
  ) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  const stops: StreamStop[] = [];
  for (const s of ordered) {
    for (let i = 0; i < s.length; i++) {
      const last = s.openTime[i];
      const next = i + 1 < s.length ? s.openTime[i + 1] : Infinity;
      if (next - last <= maxLag) continue;
      let otherTs = Infinity;
      let otherSymbol = "";
      for (const o of ordered) {
        if (o === s) continue;
        const j = firstAbove(o.openTime, o.length, last + maxLag);
        if (j < o.length && o.openTime[j] < otherTs) {
          otherTs = o.openTime[j];
          otherSymbol = o.symbol;
        }
      }
      if (otherTs < next) {
        stops.push({
          symbol: s.symbol,
          lastTs: last,
          resumedTs: Number.isFinite(next) ? next : null,
          resumedIndex: Number.isFinite(next) ? i + 1 : -1,
          otherSymbol,
          otherTs,
        });
      }
    }
  }
  return stops;
}

/** Index of the first value > x in sorted `a[0..n)`, or n. */
function firstAbove(a: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
