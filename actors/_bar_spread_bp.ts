import { corwinSchultzSpread } from "../data/sim/corwin_schultz.ts";

/** High, low and close of one bar. */
export interface SpreadBar {
  high: number;
  low: number;
  close: number;
}

/**
 * The spread of a bar-only market in bp of the close, estimated the way the simulated exchange
 * derives its book (`data/sim/derived_book.ts`): the Corwin–Schultz estimate over the previous
 * and the current bar (gap-adjusted with the previous close when `gapAdjust`), negative or
 * missing (no previous bar) → 0, in whole ticks, never below one tick, capped at `capBp` of the
 * close when `capBp` > 0; then `ticks · tick / close · 1e4`. A non-positive close or tick gives
 * NaN (the DATA guard stops it).
 */
export function barSpreadBp(
  prev: SpreadBar | null,
  bar: SpreadBar,
  options: { tickSize: number; capBp: number; gapAdjust: boolean },
): number {
  const { tickSize: tick, capBp } = options;
  const close = bar.close;
  if (!(close > 0 && tick > 0 && Number.isFinite(close))) return Number.NaN;
  let estimate = Number.NaN;
  if (prev !== null) {
    estimate = corwinSchultzSpread(
      { high: prev.high, low: prev.low },
      { high: bar.high, low: bar.low },
      options.gapAdjust ? { prevClose: prev.close } : {},
    );
  }
  const rel = Number.isFinite(estimate) && estimate > 0 ? estimate : 0;
  let n = Math.max(1, Math.round((rel * close) / tick));
  if (capBp > 0) n = Math.min(n, Math.max(1, Math.floor((capBp / 1e4) * close / tick)));
  return (n * tick) / close * 1e4;
}
