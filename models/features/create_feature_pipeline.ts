import { FeatureEngine } from "./feature_engine.ts";
import { MacroMicroFeatures } from "./macro_micro_features.ts";
import type { AnyFeatureSchema } from "./parse_feature_schema.ts";

/**
 * A fresh feature pipeline for a schema: `FeatureEngine` for a per-bar schema,
 * `MacroMicroFeatures` for a macro/micro one. Use it with the schema a model was trained on.
 */
export function createFeaturePipeline(
  schema: AnyFeatureSchema,
): FeatureEngine | MacroMicroFeatures {
  return schema.kind === "bars" ? new FeatureEngine(schema) : new MacroMicroFeatures(schema);
}
