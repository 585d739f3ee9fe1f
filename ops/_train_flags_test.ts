import assert from "node:assert/strict";
import { z } from "zod";
import {
  intFlag,
  parseFlags,
  parseTimeFlag,
  splitFlags,
  statesFlag,
  UsageError,
} from "./_train_flags.ts";

Deno.test("splitFlags() reads --name value, --name=value and boolean flags", () => {
  assert.deepEqual(
    splitFlags(["--symbol", "BTCUSDT", "--h2", "--seed=3", "--from", "-5"], new Set(["h2"])),
    { symbol: "BTCUSDT", h2: true, seed: "3", from: "-5" },
  );
});

Deno.test("splitFlags() refuses positional arguments, repeats and missing values", () => {
  assert.throws(() => splitFlags(["BTCUSDT"], new Set()), UsageError);
  assert.throws(() => splitFlags(["--a", "1", "--a", "2"], new Set()), /given twice/);
  assert.throws(() => splitFlags(["--a"], new Set()), /--a needs a value/);
  assert.throws(() => splitFlags(["--a", "--b", "1"], new Set()), /--a needs a value/);
  assert.throws(() => splitFlags(["--h2=yes"], new Set(["h2"])), /takes no value/);
});

Deno.test("parseFlags() names every bad and unknown flag in one line", () => {
  const schema = z.strictObject({ n: intFlag(1), states: statesFlag(8), m: intFlag(0).optional() });
  assert.deepEqual(parseFlags(schema, { n: "2", states: "auto" }), { n: 2, states: "auto" });
  assert.throws(() => parseFlags(schema, { n: "0", states: "9", x: "1" }), (e: unknown) => {
    assert.ok(e instanceof UsageError);
    assert.equal(
      e.message,
      'bad flags: --n must be an integer ≥ 1: "0"; --states must be auto or an integer in 1..8: "9"; unknown flag --x',
    );
    return true;
  });
  assert.throws(() => parseFlags(schema, { states: "2" }), /--n is required/);
});

Deno.test("parseTimeFlag() reads epoch ms and ISO dates as UTC", () => {
  assert.equal(parseTimeFlag("1747699200000"), 1747699200000);
  assert.equal(parseTimeFlag("2025-05-20"), Date.UTC(2025, 4, 20));
  assert.equal(parseTimeFlag("2025-05-20T12:30"), Date.UTC(2025, 4, 20, 12, 30));
  assert.equal(parseTimeFlag("2025-05-20T12:30:15.5Z"), Date.UTC(2025, 4, 20, 12, 30, 15, 500));
  assert.equal(parseTimeFlag("2025-05-20T12:30+02:00"), Date.UTC(2025, 4, 20, 10, 30));
  assert.equal(parseTimeFlag("yesterday"), null);
  assert.equal(parseTimeFlag("2025-13-45"), null);
});
