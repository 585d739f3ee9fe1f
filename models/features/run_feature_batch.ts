import type { FeatureBar } from "./feature_bar.ts";
import type { FeaturePipeline } from "./feature_pipeline.ts";
import { FeatureStatus } from "./feature_status.ts";

/** Bars as columns of equal length T (e.g. from a kline loader); prices and volumes as in `FeatureBar`. */
export interface BarColumns {
  readonly openTime: ArrayLike<number>;
  readonly open: ArrayLike<number>;
  readonly high: ArrayLike<number>;
  readonly low: ArrayLike<number>;
  readonly close: ArrayLike<number>;
  readonly volume: ArrayLike<number>;
  /** Only when the data has it; never invent it. */
  readonly takerBuyVolume?: ArrayLike<number>;
}

/** What `runFeatureBatch` produced, row t for bar t. */
export interface FeatureBatch {
  /** T. */
  readonly rows: number;
  /** D, the schema's column count. */
  readonly dimension: number;
  /** T×D row-major raw features (row t at [t·D, (t+1)·D)); rejected rows are 0. */
  readonly raw: Float64Array;
  /** T×D row-major standardised features; rows that are not ready are 0. */
  readonly standardized: Float64Array;
  /** Length T: 1 where the row's status is `ready` (use these rows to train), else 0. */
  readonly ready: Uint8Array;
  /** Index of the first ready row, −1 when none. */
  readonly firstReady: number;
  /** How many bars the pipeline rejected. */
  readonly rejected: number;
}

/**
 * Runs a feature pipeline over whole columns, bar by bar through the same `update()` the symbol
 * actor calls, so training sees exactly what the live filter will see. The pipeline keeps its
 * state afterwards (continue it, or `snapshot()` it, to hand over to a live actor).
 * Throws `TypeError` when the columns differ in length.
 */
export function runFeatureBatch(pipeline: FeaturePipeline, bars: BarColumns): FeatureBatch {
  const rows = bars.openTime.length, d = pipeline.dimension;
  const columns = [bars.open, bars.high, bars.low, bars.close, bars.volume];
  if (bars.takerBuyVolume !== undefined) columns.push(bars.takerBuyVolume);
  if (columns.some((c) => c.length !== rows)) {
    throw new TypeError(
      `Cannot run features over bar columns of unequal length: ${
        [bars.openTime, ...columns].map((c) => c.length).join(", ")
      }`,
    );
  }
  const raw = new Float64Array(rows * d), standardized = new Float64Array(rows * d);
  const ready = new Uint8Array(rows);
  const rowRaw = new Float64Array(d), rowZ = new Float64Array(d);
  const bar: FeatureBar = { openTime: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  let firstReady = -1, rejected = 0;
  for (let t = 0; t < rows; t++) {
    bar.openTime = bars.openTime[t];
    bar.open = bars.open[t];
    bar.high = bars.high[t];
    bar.low = bars.low[t];
    bar.close = bars.close[t];
    bar.volume = bars.volume[t];
    if (bars.takerBuyVolume !== undefined) bar.takerBuyVolume = bars.takerBuyVolume[t];
    const status = pipeline.update(bar, rowRaw, rowZ);
    if (status === FeatureStatus.REJECTED) {
      rejected++;
      continue;
    }
    raw.set(rowRaw, t * d);
    if (status === FeatureStatus.READY) {
      standardized.set(rowZ, t * d);
      ready[t] = 1;
      if (firstReady < 0) firstReady = t;
    }
  }
  return { rows, dimension: d, raw, standardized, ready, firstReady, rejected };
}
