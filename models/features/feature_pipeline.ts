import type { FeatureBar } from "./feature_bar.ts";
import type { FeatureSchema } from "./feature_schema.ts";
import type { FeatureStatus } from "./feature_status.ts";

/**
 * What the symbol actor and the training batch drive, bar by bar: `FeatureEngine` (one schema)
 * and `MacroMicroFeatures` (slow + fast composition) both implement it.
 */
export interface FeaturePipeline {
  /** The schema of the vectors written. */
  readonly schema: FeatureSchema;
  /** `schema.columns.length`. */
  readonly dimension: number;
  /**
   * Accepted, gap-free bars from the first one until the first `ready` status, inclusive: exact
   * for `FeatureEngine`, an upper bound for `MacroMicroFeatures` (it depends on where in a slow
   * bar the stream starts).
   */
  readonly warmupBars: number;
  /**
   * Applies one bar. Writes the raw feature vector into `raw[0..dimension)` and, when given, the
   * rolling-standardised vector into `standardized[0..dimension)`; never writes NaN or ±Infinity.
   * Allocates nothing.
   */
  update(bar: FeatureBar, raw: Float64Array, standardized?: Float64Array): FeatureStatus;
}
