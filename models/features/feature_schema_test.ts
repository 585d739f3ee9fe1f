import assert from "node:assert/strict";
import { canonicalSchemaString, columnIndex, defineFeatureSchema } from "./feature_schema.ts";
import { fnv1a64 } from "./fnv1a64.ts";

Deno.test("canonicalSchemaString() lists name, version, columns, then params in sorted key order", () => {
  const text = canonicalSchemaString({
    name: "x",
    version: 2,
    columns: ["a", "b"],
    params: { window: 60, floor: 1e-9, spans: [5, 30], source: "clv" },
  });
  assert.equal(
    text,
    "name=x\nversion=2\ncolumns=a,b\nparam.floor=1e-9\nparam.source=clv\nparam.spans=5,30\nparam.window=60\n",
  );
});

Deno.test("defineFeatureSchema() hashes the canonical string with FNV-1a 64", () => {
  const spec = { name: "x", version: 1, columns: ["a"], params: { n: 3 } };
  const schema = defineFeatureSchema(spec);
  assert.equal(schema.hash, fnv1a64("name=x\nversion=1\ncolumns=a\nparam.n=3\n"));
  assert.equal(defineFeatureSchema({ ...spec, params: { n: 4 } }).hash === schema.hash, false);
  assert.equal(defineFeatureSchema({ ...spec, columns: ["b"] }).hash === schema.hash, false);
  assert.equal(defineFeatureSchema({ ...spec, version: 2 }).hash === schema.hash, false);
  assert.ok(Object.isFrozen(schema) && Object.isFrozen(schema.columns));
});

Deno.test("defineFeatureSchema() throws TypeError for bad names, columns, versions and params", () => {
  const ok = { name: "x", version: 1, columns: ["a"], params: {} };
  const cases: Array<Parameters<typeof defineFeatureSchema>[0]> = [
    { ...ok, name: "Has Space" },
    { ...ok, version: 0 },
    { ...ok, version: 1.5 },
    { ...ok, columns: [] },
    { ...ok, columns: ["a", "a"] },
    { ...ok, columns: ["a,b"] },
    { ...ok, params: { n: NaN } },
    { ...ok, params: { n: [1, Infinity] } },
    { ...ok, params: { s: "a\nb" } },
    { ...ok, params: { "bad key": 1 } },
  ];
  for (const bad of cases) {
    assert.throws(() => defineFeatureSchema(bad), TypeError, JSON.stringify(bad));
  }
});

Deno.test("columnIndex() finds a column and throws RangeError naming the schema for a missing one", () => {
  const schema = defineFeatureSchema({ name: "x", version: 1, columns: ["a", "b"], params: {} });
  assert.equal(columnIndex(schema, "b"), 1);
  assert.throws(
    () => columnIndex(schema, "c"),
    /Cannot find column "c" in feature schema "x" v1: columns are a, b/,
  );
});
