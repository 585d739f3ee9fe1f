// Per-bar cost of the feature step (`deno bench models/features/`); not a test.
import { randomWalkBars } from "../../models/features/_test_support.ts";
import { FEATURE_SCHEMA_V1, FEATURE_SCHEMA_V2 } from "../../models/features/bar_feature_schema.ts";
import type { FeatureBar } from "../../models/features/feature_bar.ts";
import { FeatureEngine } from "../../models/features/feature_engine.ts";
import type { FeaturePipeline } from "../../models/features/feature_pipeline.ts";
import { MacroMicroFeatures } from "../../models/features/macro_micro_features.ts";
import { MACRO_MICRO_SCHEMA } from "../../models/features/macro_micro_schema.ts";

const SOURCE = randomWalkBars(1, 10_000);

/** One update per iteration over a warmed-up pipeline; bar times keep increasing. */
function benchUpdate(name: string, pipeline: FeaturePipeline): void {
  const raw = new Float64Array(pipeline.dimension), z = new Float64Array(pipeline.dimension);
  for (const b of SOURCE) pipeline.update(b, raw, z); // warm up past the first ready bar
  const bar: FeatureBar = { ...SOURCE[0] };
  let i = 0, t = SOURCE[SOURCE.length - 1].openTime;
  Deno.bench(name, { group: "feature update" }, () => {
    const s = SOURCE[i];
    i = (i + 1) % SOURCE.length;
    t += 60_000;
    bar.openTime = t;
    bar.open = s.open;
    bar.high = s.high;
    bar.low = s.low;
    bar.close = s.close;
    bar.volume = s.volume;
    bar.takerBuyVolume = s.takerBuyVolume;
    pipeline.update(bar, raw, z);
  });
}

benchUpdate("FeatureEngine v1 (8 columns), one 1m bar", new FeatureEngine(FEATURE_SCHEMA_V1));
benchUpdate("FeatureEngine v2 (11 columns), one 1m bar", new FeatureEngine(FEATURE_SCHEMA_V2));
benchUpdate(
  "MacroMicroFeatures (15 columns), one 1m bar",
  new MacroMicroFeatures(MACRO_MICRO_SCHEMA),
);
