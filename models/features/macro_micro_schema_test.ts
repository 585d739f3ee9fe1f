import assert from "node:assert/strict";
import { barFeatureSchema, FEATURE_SCHEMA_V1, FEATURE_SCHEMA_V2 } from "./bar_feature_schema.ts";
import {
  MACRO_MICRO_SCHEMA,
  MACRO_SLOW_FEATURE_SCHEMA,
  macroMicroSchema,
} from "./macro_micro_schema.ts";

Deno.test("MACRO_MICRO_SCHEMA puts the slow hourly columns before the fast 1m columns", () => {
  assert.equal(MACRO_MICRO_SCHEMA.name, "macro-micro");
  assert.equal(MACRO_MICRO_SCHEMA.version, 1);
  assert.deepEqual(MACRO_MICRO_SCHEMA.columns, [
    ...MACRO_SLOW_FEATURE_SCHEMA.columns.map((c) => `slow.${c}`),
    ...FEATURE_SCHEMA_V1.columns.map((c) => `fast.${c}`),
  ]);
  assert.deepEqual(MACRO_SLOW_FEATURE_SCHEMA.columns, [
    "log_return",
    "rv_6",
    "rv_24",
    "range",
    "volume_z_24",
    "clv",
    "vwap_dist",
  ]);
  assert.equal(MACRO_SLOW_FEATURE_SCHEMA.name, "bars-60m-clv");
  assert.equal(MACRO_SLOW_FEATURE_SCHEMA.hash, "c5266496db5786ff");
  assert.equal(MACRO_MICRO_SCHEMA.hash, "6a45605db9c3ba57");
});

Deno.test("macroMicroSchema() hash changes with either side", () => {
  const other = macroMicroSchema({ fast: FEATURE_SCHEMA_V2 });
  const slower = macroMicroSchema({ slow: barFeatureSchema({ barMinutes: 240, rvWindows: [6] }) });
  assert.notEqual(other.hash, MACRO_MICRO_SCHEMA.hash);
  assert.notEqual(slower.hash, MACRO_MICRO_SCHEMA.hash);
  assert.notEqual(other.hash, slower.hash);
});

Deno.test("macroMicroSchema() throws RangeError for misaligned bar lengths or mixed imbalance", () => {
  assert.throws(() => macroMicroSchema({ slow: barFeatureSchema({ barMinutes: 1 }) }), RangeError);
  assert.throws(() => macroMicroSchema({ slow: barFeatureSchema({ barMinutes: 7 }) }), RangeError);
  assert.throws(
    () =>
      macroMicroSchema({
        slow: barFeatureSchema({ barMinutes: 60, imbalance: "taker_imbalance" }),
      }),
    RangeError,
  );
});
