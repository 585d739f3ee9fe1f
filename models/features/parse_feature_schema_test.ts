import assert from "node:assert/strict";
import {
  barFeatureSchema,
  FEATURE_SCHEMA_V1,
  FEATURE_SCHEMA_V1_TAKER,
  FEATURE_SCHEMA_V2,
  FEATURE_SCHEMA_V2_TAKER,
} from "./bar_feature_schema.ts";
import { MACRO_MICRO_SCHEMA } from "./macro_micro_schema.ts";
import { parseFeatureSchema } from "./parse_feature_schema.ts";

Deno.test("parseFeatureSchema() reads back every exported schema from its JSON", () => {
  const custom = barFeatureSchema({ version: 2, rvWindows: [10, 30], emaFast: 3, emaSlow: 12 });
  for (
    const schema of [
      FEATURE_SCHEMA_V1,
      FEATURE_SCHEMA_V2,
      FEATURE_SCHEMA_V1_TAKER,
      FEATURE_SCHEMA_V2_TAKER,
      MACRO_MICRO_SCHEMA,
      custom,
    ]
  ) {
    const parsed = parseFeatureSchema(JSON.parse(JSON.stringify(schema)));
    assert.deepEqual(parsed, schema);
  }
});

Deno.test("parseFeatureSchema() throws TypeError when the stored hash does not match the content", () => {
  const json = JSON.parse(JSON.stringify(FEATURE_SCHEMA_V1));
  json.params.standardizeWindow = 720; // edited by hand, hash kept
  assert.throws(() => parseFeatureSchema(json), /stored hash d77d5f7bc329eaa6 does not match/);
  const renamed = { ...JSON.parse(JSON.stringify(FEATURE_SCHEMA_V1)), name: "bars-1m-other" };
  assert.throws(() => parseFeatureSchema(renamed), TypeError);
  const macro = JSON.parse(JSON.stringify(MACRO_MICRO_SCHEMA));
  macro.fast.params.volumeWindow = 30;
  assert.throws(() => parseFeatureSchema(macro), TypeError);
});

Deno.test("parseFeatureSchema() throws TypeError naming the field for a wrong shape", () => {
  const json = JSON.parse(JSON.stringify(FEATURE_SCHEMA_V1));
  delete json.params.rvWindows;
  assert.throws(() => parseFeatureSchema(json), /Cannot parse a feature schema: params\.rvWindows/);
  assert.throws(() => parseFeatureSchema("bars"), TypeError);
});
