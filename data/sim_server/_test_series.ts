import type { KlineColumns } from "../kline_columns.ts";

/**
 * Test helper: a symbol's 1m bars from rows `[openTime, open, high, low, close, volume]`.
 */
export function testSeries(symbol: string, rows: readonly number[][]): KlineColumns {
  const col = (k: number) => Float64Array.from(rows, (r) => r[k]);
  return {
    symbol,
    openTime: col(0),
    open: col(1),
    high: col(2),
    low: col(3),
    close: col(4),
    volume: col(5),
    length: rows.length,
  };
}

/** Test helper: `n` flat-ish bars from `t0`, close = base + i, volume 1 + i/10. */
export function rampSeries(symbol: string, t0: number, n: number, base: number): KlineColumns {
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const c = base + i;
    rows.push([t0 + i * 60_000, c - 0.5, c + 1, c - 1, c, 1 + i / 10]);
  }
  return testSeries(symbol, rows);
}
