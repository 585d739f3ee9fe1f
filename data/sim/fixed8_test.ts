import assert from "node:assert/strict";
import {
  divFixed8,
  divRound,
  FIXED8_ONE,
  fixed8FromNumber,
  fixed8ToNumber,
  formatFixed8,
  mulFixed8,
  parseFixed8,
  Rounding,
  roundToStep,
  tryParseFixed8,
} from "./fixed8.ts";

Deno.test("tryParseFixed8() reads Binance decimals exactly and counts significant decimals", () => {
  assert.deepEqual(tryParseFixed8("0.01000000"), { ok: true, value: 1_000_000n, decimals: 2 });
  assert.deepEqual(tryParseFixed8("10000"), { ok: true, value: 10_000n * FIXED8_ONE, decimals: 0 });
  assert.deepEqual(tryParseFixed8("0.00000001"), { ok: true, value: 1n, decimals: 8 });
  assert.deepEqual(tryParseFixed8("1.1234567800"), { ok: true, value: 112_345_678n, decimals: 8 });
});

Deno.test("tryParseFixed8() reports precision beyond 8 decimals and malformed text", () => {
  assert.deepEqual(tryParseFixed8("0.000000001"), { ok: false, reason: "precision" });
  for (const bad of ["", "-1", "1e-7", ".5", "1.", "abc", " 1", "1,5"]) {
    assert.deepEqual(tryParseFixed8(bad), { ok: false, reason: "malformed" }, bad);
  }
});

Deno.test("parseFixed8() accepts signs and exponents and throws on precision or syntax", () => {
  assert.equal(parseFixed8("-1.5"), -150_000_000n);
  assert.equal(parseFixed8("1e-7"), 10n);
  assert.equal(parseFixed8("2.5E+3"), 250_000_000_000n);
  assert.throws(() => parseFixed8("1e-9"), RangeError);
  assert.throws(() => parseFixed8("x"), SyntaxError);
});

Deno.test("fixed8FromNumber() goes through the shortest decimal form and rounds as asked", () => {
  assert.equal(fixed8FromNumber(0.1 + 0.2), 30_000_000n);
  assert.equal(fixed8FromNumber(70070.53), 7_007_053_000_000n);
  assert.equal(fixed8FromNumber(0.123456789), 12_345_679n);
  assert.equal(fixed8FromNumber(0.123456789, { rounding: Rounding.FLOOR }), 12_345_678n);
  assert.equal(fixed8FromNumber(-0.123456789, { rounding: Rounding.FLOOR }), -12_345_679n);
  assert.equal(fixed8FromNumber(1e-7), 10n);
  assert.throws(() => fixed8FromNumber(Number.NaN), RangeError);
});

Deno.test("formatFixed8() pads to 8 decimals like Binance and can cut to fewer", () => {
  assert.equal(formatFixed8(1_000_000n), "0.01000000");
  assert.equal(formatFixed8(0n), "0.00000000");
  assert.equal(formatFixed8(-150_000_000n), "-1.50000000");
  assert.equal(formatFixed8(123_456_789n, { decimals: 2 }), "1.23");
  assert.equal(formatFixed8(-1n, { decimals: 2 }), "0.00");
  assert.equal(fixed8ToNumber(7_007_053_000_000n), 70070.53);
});

Deno.test("mulFixed8() and divFixed8() round in the direction asked", () => {
  // 0.33333333 * 3 = 0.99999999 exactly
  assert.equal(mulFixed8(33_333_333n, 3n * FIXED8_ONE, Rounding.FLOOR), 99_999_999n);
  // 0.00000001 * 0.5 = 0.000000005 -> floor 0, ceil 1, halfUp 1
  assert.equal(mulFixed8(1n, 50_000_000n, Rounding.FLOOR), 0n);
  assert.equal(mulFixed8(1n, 50_000_000n, Rounding.CEIL), 1n);
  assert.equal(mulFixed8(1n, 50_000_000n, Rounding.HALF_UP), 1n);
  assert.equal(divFixed8(FIXED8_ONE, 3n * FIXED8_ONE, Rounding.FLOOR), 33_333_333n);
  assert.equal(divFixed8(FIXED8_ONE, 3n * FIXED8_ONE, Rounding.CEIL), 33_333_334n);
  assert.throws(() => divFixed8(1n, 0n, Rounding.FLOOR), RangeError);
  assert.equal(divRound(-7n, 2n, Rounding.FLOOR), -4n);
  assert.equal(divRound(-7n, 2n, Rounding.CEIL), -3n);
  assert.equal(divRound(-7n, 2n, Rounding.HALF_UP), -4n);
});

Deno.test("roundToStep() snaps to the grid and leaves values alone for a zero step", () => {
  assert.equal(roundToStep(1_234n, 1_000n, Rounding.FLOOR), 1_000n);
  assert.equal(roundToStep(1_234n, 1_000n, Rounding.CEIL), 2_000n);
  assert.equal(roundToStep(2_000n, 1_000n, Rounding.CEIL), 2_000n);
  assert.equal(roundToStep(1_234n, 0n, Rounding.FLOOR), 1_234n);
});
