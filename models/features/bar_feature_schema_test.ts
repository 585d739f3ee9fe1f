import assert from "node:assert/strict";
import {
  barFeatureSchema,
  FEATURE_SCHEMA_V1,
  FEATURE_SCHEMA_V1_TAKER,
  FEATURE_SCHEMA_V2,
  FEATURE_SCHEMA_V2_TAKER,
} from "./bar_feature_schema.ts";
import { canonicalSchemaString } from "./feature_schema.ts";
import { fnv1a64 } from "./fnv1a64.ts";

Deno.test("FEATURE_SCHEMA_V1 has the v1 columns and a hash pinned to its canonical string", () => {
  assert.equal(FEATURE_SCHEMA_V1.name, "bars-1m-clv");
  assert.equal(FEATURE_SCHEMA_V1.version, 1);
  assert.deepEqual(FEATURE_SCHEMA_V1.columns, [
    "log_return",
    "rv_5",
    "rv_15",
    "rv_60",
    "range",
    "volume_z_60",
    "clv",
    "vwap_dist",
  ]);
  const canonical = "name=bars-1m-clv\nversion=1\n" +
    "columns=log_return,rv_5,rv_15,rv_60,range,volume_z_60,clv,vwap_dist\n" +
    "param.barMinutes=1\nparam.imbalance=clv\nparam.rvWindows=5,15,60\nparam.session=utc-day\n" +
    "param.standardizeWindow=1440\nparam.stdFloor=1e-9\nparam.volumeWindow=60\n";
  assert.equal(canonicalSchemaString(FEATURE_SCHEMA_V1), canonical);
  assert.equal(FEATURE_SCHEMA_V1.hash, fnv1a64(canonical));
});

Deno.test("bar feature schema hashes stay fixed: stored models record them", () => {
  // Changing one of these invalidates every model trained on that schema.
  assert.equal(FEATURE_SCHEMA_V1.hash, "d77d5f7bc329eaa6");
  assert.equal(FEATURE_SCHEMA_V2.hash, "82685f571906b067");
  assert.equal(FEATURE_SCHEMA_V1_TAKER.hash, "00b72b38ba4ef8b4");
  assert.equal(FEATURE_SCHEMA_V2_TAKER.hash, "27dfdd2d8a92c2ba");
  assert.equal(barFeatureSchema().hash, FEATURE_SCHEMA_V1.hash); // rebuilding gives the same hash
});

Deno.test("FEATURE_SCHEMA_V2 adds autocorrelation, volatility clustering and imbalance momentum", () => {
  assert.deepEqual(FEATURE_SCHEMA_V2.columns.slice(8), ["ac1_60", "abs_ac1_60", "clv_mom_5_30"]);
  assert.deepEqual(FEATURE_SCHEMA_V2.columns.slice(0, 8), FEATURE_SCHEMA_V1.columns);
  assert.deepEqual(FEATURE_SCHEMA_V2_TAKER.columns.slice(6), [
    "taker_imbalance",
    "vwap_dist",
    "ac1_60",
    "abs_ac1_60",
    "taker_imbalance_mom_5_30",
  ]);
  assert.equal(FEATURE_SCHEMA_V1_TAKER.name, "bars-1m-taker");
});

Deno.test("bar feature schemas differ in hash for v1/v2, clv/taker and any window change", () => {
  const hashes = [
    FEATURE_SCHEMA_V1,
    FEATURE_SCHEMA_V2,
    FEATURE_SCHEMA_V1_TAKER,
    FEATURE_SCHEMA_V2_TAKER,
    barFeatureSchema({ standardizeWindow: 720 }),
    barFeatureSchema({ rvWindows: [5, 15, 30] }),
    barFeatureSchema({ stdFloor: 1e-8 }),
    barFeatureSchema({ barMinutes: 5 }),
    barFeatureSchema({ version: 2, emaSlow: 20 }),
    barFeatureSchema({ version: 2, autocorrWindow: 120 }),
  ].map((s) => s.hash);
  assert.equal(new Set(hashes).size, hashes.length);
});

Deno.test("barFeatureSchema() ignores v2-only options in v1 and hashes them only in v2", () => {
  assert.equal(barFeatureSchema({ emaSlow: 20 }).hash, FEATURE_SCHEMA_V1.hash);
  assert.equal(FEATURE_SCHEMA_V1.params.autocorrWindow, undefined);
  assert.equal(FEATURE_SCHEMA_V2.params.autocorrWindow, 60);
});

Deno.test("barFeatureSchema() throws RangeError for windows out of range", () => {
  for (
    const bad of [
      { rvWindows: [] },
      { rvWindows: [5, 5] },
      { rvWindows: [0] },
      { volumeWindow: 1 },
      { standardizeWindow: 1.5 },
      { stdFloor: 0 },
      { barMinutes: 0 },
      { version: 2 as const, autocorrWindow: 2 },
      { version: 2 as const, emaFast: 30, emaSlow: 30 },
    ]
  ) {
    assert.throws(() => barFeatureSchema(bad), RangeError, JSON.stringify(bad));
  }
});
