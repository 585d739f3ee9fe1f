import assert from "node:assert/strict";
import { assertSchemaMatches, FeatureSchemaMismatchError } from "./assert_schema_matches.ts";
import {
  barFeatureSchema,
  FEATURE_SCHEMA_V1,
  FEATURE_SCHEMA_V1_TAKER,
  FEATURE_SCHEMA_V2,
} from "./bar_feature_schema.ts";
import { defineFeatureSchema } from "./feature_schema.ts";

function mismatch(expected: Parameters<typeof assertSchemaMatches>[0], actual: typeof expected) {
  try {
    assertSchemaMatches(expected, actual);
  } catch (e) {
    if (e instanceof FeatureSchemaMismatchError) return e;
    throw e;
  }
  throw new Error("assertSchemaMatches did not throw");
}

Deno.test("assertSchemaMatches() passes for the same schema, rebuilt", () => {
  assertSchemaMatches(FEATURE_SCHEMA_V2, barFeatureSchema({ version: 2 }));
});

Deno.test("assertSchemaMatches() names both schemas and the differing columns for v2 against v1", () => {
  const e = mismatch(FEATURE_SCHEMA_V2, FEATURE_SCHEMA_V1);
  assert.deepEqual(e.missingColumns, ["ac1_60", "abs_ac1_60", "clv_mom_5_30"]);
  assert.deepEqual(e.unexpectedColumns, []);
  assert.equal(e.expected, FEATURE_SCHEMA_V2);
  assert.equal(e.actual, FEATURE_SCHEMA_V1);
  for (
    const part of [
      `"bars-1m-clv" v2 (hash ${FEATURE_SCHEMA_V2.hash})`,
      `"bars-1m-clv" v1 (hash ${FEATURE_SCHEMA_V1.hash})`,
      "missing columns ac1_60, abs_ac1_60, clv_mom_5_30",
    ]
  ) {
    assert.ok(e.message.includes(part), `${e.message} lacks ${part}`);
  }
});

Deno.test("assertSchemaMatches() refuses taker_imbalance features for a clv model", () => {
  const e = mismatch(FEATURE_SCHEMA_V1, FEATURE_SCHEMA_V1_TAKER);
  assert.deepEqual(e.missingColumns, ["clv"]);
  assert.deepEqual(e.unexpectedColumns, ["taker_imbalance"]);
  assert.ok(e.message.includes("parameter imbalance taker_imbalance instead of clv"), e.message);
});

Deno.test("assertSchemaMatches() reports a parameter change when the columns are the same", () => {
  const e = mismatch(FEATURE_SCHEMA_V1, barFeatureSchema({ standardizeWindow: 720 }));
  assert.deepEqual([e.missingColumns, e.unexpectedColumns], [[], []]);
  assert.ok(e.message.endsWith(": parameter standardizeWindow 720 instead of 1440"), e.message);
});

Deno.test("assertSchemaMatches() refuses a schema whose hash was forged to match", () => {
  const forged = { ...FEATURE_SCHEMA_V1_TAKER, hash: FEATURE_SCHEMA_V1.hash };
  assert.throws(() => assertSchemaMatches(FEATURE_SCHEMA_V1, forged), FeatureSchemaMismatchError);
  const reordered = defineFeatureSchema({
    ...FEATURE_SCHEMA_V1,
    columns: [...FEATURE_SCHEMA_V1.columns].reverse(),
  });
  assert.match(mismatch(FEATURE_SCHEMA_V1, reordered).message, /column order vwap_dist,clv,/);
});
