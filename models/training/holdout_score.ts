import { runFeatureBatch } from "../features/run_feature_batch.ts";
import type { BarColumns } from "../features/run_feature_batch.ts";
import type { ModelRuntime } from "../model_file.ts";
import { TrainingInputError } from "./training_input_error.ts";

/** A model's one-step-ahead fit on held-out bars. */
export interface HoldoutScore {
  /** Scored rows: ready feature rows with open time ≥ scoreFrom. */
  rows: number;
  /** Σ over scored rows of log p(x_t | x_0..t−1): the live filter's log-likelihood increments. */
  loglik: number;
  /** loglik / rows: the figure compared between models. */
  meanLoglik: number;
}

/**
 * Scores a model on held-out bars the way it would run live: a fresh feature pipeline of the
 * model's schema and a fresh online filter go over every bar (`runFeatureBatch`, then one filter
 * step per ready row); rows before `scoreFrom` only warm the features and the filter up, rows at
 * or after it are scored with the filter's increment c_t = log p(x_t | x_0..t−1) (the predictive
 * log-likelihood, so nothing after t is used). Models of the same feature schema score the same
 * rows and their mean increments compare directly; across schemas they do not (different
 * observation spaces).
 *
 * Throws `TrainingInputError` when no ready row lies at or after `scoreFrom`.
 */
export function holdoutScore(
  runtime: ModelRuntime,
  bars: BarColumns,
  scoreFrom: number,
): HoldoutScore {
  const batch = runFeatureBatch(runtime.createPipeline(), bars);
  const filter = runtime.createFilter();
  const D = batch.dimension;
  let loglik = 0;
  let rows = 0;
  for (let t = 0; t < batch.rows; t++) {
    if (!batch.ready[t]) continue;
    const inc = filter.step(batch.standardized, t * D);
    if (bars.openTime[t] >= scoreFrom) {
      loglik += inc;
      rows++;
    }
  }
  if (rows === 0) {
    throw new TrainingInputError(
      `Cannot score ${runtime.id}: no ready feature row at or after ${
        new Date(scoreFrom).toISOString()
      } among ${batch.rows} bars`,
    );
  }
  return { rows, loglik, meanLoglik: loglik / rows };
}
