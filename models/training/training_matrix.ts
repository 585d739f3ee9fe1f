import { createFeaturePipeline } from "../features/create_feature_pipeline.ts";
import { columnIndex } from "../features/feature_schema.ts";
import type { AnyFeatureSchema } from "../features/parse_feature_schema.ts";
import { type BarColumns, runFeatureBatch } from "../features/run_feature_batch.ts";
import { TrainingInputError } from "./training_input_error.ts";

/** The rows a model is fitted on, and the raw columns the training summaries need. */
export interface TrainingMatrix {
  /** The schema the rows were computed with. */
  readonly schema: AnyFeatureSchema;
  /** Columns per row (the schema's column count). */
  readonly D: number;
  /** Number of rows (ready feature rows). */
  readonly rows: number;
  /** rows×D row-major standardised feature vectors: exactly what the live filter is fed. */
  readonly x: Float64Array;
  /** Open time (ms) of each row's bar. */
  readonly openTime: Float64Array;
  /** Raw `log_return` (`fast.log_return` for macro/micro) of each row: ln(close_t / close_t−1). */
  readonly returns: Float64Array;
  /** Raw per-bar realized volatility of each row: the (fast) schema's longest `rv_<n>` column. */
  readonly realizedVol: Float64Array;
  /** Open time of the first bar fed to the pipeline (the warm-up starts here). */
  readonly warmupFrom: number;
  /** Open time of the first row (inclusive). */
  readonly from: number;
  /** Open time of the last row + one (fast) bar: the exclusive end of the rows. */
  readonly to: number;
  /** Bars the pipeline rejected. */
  readonly rejected: number;
}

/**
 * Runs the schema's feature pipeline over the bars (`runFeatureBatch`: the same `update()` the
 * symbol actor calls) and keeps the *ready* rows only, in time order, as one sequence: the live
 * filter is stepped on ready rows only, so training sees exactly what it will see. Warm-up rows
 * (the first `pipeline.warmupBars` bars or so) are fed but not kept.
 *
 * Throws `TrainingInputError` when no row is ready (span shorter than the warm-up) and
 * `TypeError` when the columns differ in length.
 */
export function trainingMatrix(schema: AnyFeatureSchema, bars: BarColumns): TrainingMatrix {
  const pipeline = createFeaturePipeline(schema);
  const batch = runFeatureBatch(pipeline, bars);
  const D = batch.dimension;
  let rows = 0;
  for (let t = 0; t < batch.rows; t++) rows += batch.ready[t];
  if (rows === 0) {
    throw new TrainingInputError(
      `Cannot train on ${batch.rows} bars: no feature row is ready (schema "${schema.name}" v${schema.version} needs about ${pipeline.warmupBars} bars of warm-up)`,
    );
  }
  const fast = schema.kind === "bars" ? schema : schema.fast;
  const prefix = schema.kind === "bars" ? "" : "fast.";
  const retCol = columnIndex(schema, `${prefix}log_return`);
  const rvCol = columnIndex(schema, `${prefix}rv_${Math.max(...fast.params.rvWindows)}`);
  const x = new Float64Array(rows * D);
  const openTime = new Float64Array(rows);
  const returns = new Float64Array(rows);
  const realizedVol = new Float64Array(rows);
  let r = 0;
  for (let t = 0; t < batch.rows; t++) {
    if (!batch.ready[t]) continue;
    x.set(batch.standardized.subarray(t * D, (t + 1) * D), r * D);
    openTime[r] = bars.openTime[t];
    returns[r] = batch.raw[t * D + retCol];
    realizedVol[r] = batch.raw[t * D + rvCol];
    r++;
  }
  return {
    schema,
    D,
    rows,
    x,
    openTime,
    returns,
    realizedVol,
    warmupFrom: bars.openTime[0],
    from: openTime[0],
    to: openTime[rows - 1] + fast.params.barMinutes * 60_000,
    rejected: batch.rejected,
  };
}
