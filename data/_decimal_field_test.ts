import assert from "node:assert/strict";
import { SeededRng } from "../models/seeded_rng.ts";
import { badFieldRule, parseDecimalField, parseDecimalRange } from "./_decimal_field.ts";

Deno.test("parseDecimalField() rejects empty, hex and words that Number() would accept", () => {
  assert.ok(Number.isNaN(parseDecimalField("")));
  assert.ok(Number.isNaN(parseDecimalField("   ")));
  assert.ok(Number.isNaN(parseDecimalField("0x10")));
  assert.ok(Number.isNaN(parseDecimalField("Infinity")));
  assert.equal(parseDecimalField("1e999"), Infinity);
  assert.equal(parseDecimalField(" 1.5 "), 1.5);
  assert.equal(parseDecimalField("-.5e2"), -50);
});

Deno.test("parseDecimalRange() is bit-identical to Number() on 20000 random decimals", () => {
  const rng = new SeededRng(11);
  for (let i = 0; i < 20_000; i++) {
    const intDigits = rng.nextInt(9);
    const fracDigits = rng.nextInt(10);
    let s = rng.nextInt(2) === 0 ? "" : "-";
    for (let k = 0; k < Math.max(1, intDigits); k++) s += rng.nextInt(10);
    if (fracDigits > 0) s += ".";
    for (let k = 0; k < fracDigits; k++) s += rng.nextInt(10);
    const padded = `x,${s},y`;
    assert.ok(Object.is(parseDecimalRange(padded, 2, 2 + s.length), Number(s)), s);
  }
});

Deno.test("parseDecimalRange() falls back to the regex path for long and odd fields", () => {
  const cases = ["0.00031099999999999997", "1747699200000.25", "1e5", "+3", "1.", ".5", "-", "."];
  for (const s of cases) {
    const want = parseDecimalField(s);
    assert.ok(Object.is(parseDecimalRange(s, 0, s.length), want), s);
  }
});

Deno.test("badFieldRule() tells non_finite from non_numeric", () => {
  assert.equal(badFieldRule("NaN"), "non_finite");
  assert.equal(badFieldRule("-inf"), "non_finite");
  assert.equal(badFieldRule("1e999"), "non_finite");
  assert.equal(badFieldRule(""), "non_numeric");
  assert.equal(badFieldRule("abc"), "non_numeric");
});
