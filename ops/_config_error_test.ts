import assert from "node:assert/strict";
import { configErrorFrom, formatConfigIssue } from "./_config_error.ts";

Deno.test("formatConfigIssue() writes path, rule and the current value, 'missing' for an absent field", () => {
  assert.equal(
    formatConfigIssue({ path: "symbols.BTCUSDT.k", rule: "must be > 0", value: -1 }),
    "symbols.BTCUSDT.k must be > 0: current value is -1",
  );
  assert.equal(
    formatConfigIssue({ path: "run.seed", rule: "is required (a number)", value: undefined }),
    "run.seed is required (a number): current value is missing",
  );
  assert.equal(
    formatConfigIssue({ path: "", rule: "must be an object", value: [1] }),
    "(root) must be an object: current value is [1]",
  );
});

Deno.test("formatConfigIssue() shortens a long value to 80 characters", () => {
  const line = formatConfigIssue({ path: "a", rule: "must be short", value: "x".repeat(200) });
  assert.equal(line, `a must be short: current value is "${"x".repeat(76)}...`);
});

Deno.test("configErrorFrom() names the first field and counts one bad field in the singular", () => {
  const err = configErrorFrom('"x.json"', [{ path: "run.seed", rule: "must be ≥ 0", value: -2 }]);
  assert.equal(err.field, "run.seed");
  assert.equal(err.name, "ConfigError");
  assert.equal(
    err.message,
    'Cannot load config "x.json": 1 bad field\n  run.seed must be ≥ 0: current value is -2',
  );
});
