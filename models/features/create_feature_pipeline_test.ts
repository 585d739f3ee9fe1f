import assert from "node:assert/strict";
import { FEATURE_SCHEMA_V2 } from "./bar_feature_schema.ts";
import { createFeaturePipeline } from "./create_feature_pipeline.ts";
import { FeatureEngine } from "./feature_engine.ts";
import { MacroMicroFeatures } from "./macro_micro_features.ts";
import { MACRO_MICRO_SCHEMA } from "./macro_micro_schema.ts";

Deno.test("createFeaturePipeline() builds the pipeline matching the schema kind", () => {
  const bars = createFeaturePipeline(FEATURE_SCHEMA_V2);
  assert.ok(bars instanceof FeatureEngine);
  assert.equal(bars.schema, FEATURE_SCHEMA_V2);
  const macro = createFeaturePipeline(MACRO_MICRO_SCHEMA);
  assert.ok(macro instanceof MacroMicroFeatures);
  assert.equal(macro.dimension, 15);
});
