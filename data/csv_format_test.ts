import assert from "node:assert/strict";
import { SeededRng } from "../models/seeded_rng.ts";
import {
  formatCsvField,
  formatDecimal,
  formatDetail,
  formatPosteriors,
  formatReasons,
  formatTs,
} from "./csv_format.ts";

Deno.test("formatTs() writes ISO-8601 UTC with milliseconds", () => {
  assert.equal(formatTs(1747699200000), "2025-05-20T00:00:00.000Z");
  assert.equal(formatTs(1610064000278), "2021-01-08T00:00:00.278Z");
  assert.equal(formatTs(0), "1970-01-01T00:00:00.000Z");
  assert.throws(() => formatTs(NaN), RangeError);
  assert.throws(() => formatTs(9e15), RangeError);
});

Deno.test("formatDecimal() never uses exponent notation", () => {
  const cases: [number, string][] = [
    [1e-7, "0.0000001"],
    [1.5e21, "1500000000000000000000"],
    [-0, "0"],
    [0, "0"],
    [100, "100"],
    [0.1, "0.1"],
    [-2.5e-9, "-0.0000000025"],
    [1.2345e-7, "0.00000012345"],
    [1e21, "1000000000000000000000"],
    [1.7976931348623157e308, "17976931348623157" + "0".repeat(292)],
    [5e-324, "0." + "0".repeat(323) + "5"],
    [123456.789, "123456.789"],
    [0.000001, "0.000001"],
  ];
  for (const [x, want] of cases) assert.equal(formatDecimal(x), want, String(x));
});

Deno.test("formatDecimal() reads back to the same float64 with shortest digits", () => {
  const rng = new SeededRng(3);
  for (let i = 0; i < 5000; i++) {
    const x = (rng.next() - 0.5) * 10 ** (rng.nextInt(60) - 30);
    const s = formatDecimal(x);
    assert.ok(!/e/i.test(s), s);
    assert.equal(Number(s), x === 0 ? 0 : x, s);
    const digits = s.replace(/^-?0*\.?0*|\./g, "").replace(/0+$/, "");
    const shortest = String(Math.abs(x)).split("e")[0].replace(/^0*\.?0*|\./g, "").replace(
      /0+$/,
      "",
    );
    assert.equal(digits, shortest, s);
  }
});

Deno.test("formatDecimal() rejects NaN and Infinity with RangeError", () => {
  assert.throws(() => formatDecimal(NaN), {
    name: "RangeError",
    message: "Cannot write a non-finite number: NaN",
  });
  assert.throws(() => formatDecimal(Infinity), RangeError);
  assert.throws(() => formatDecimal(-Infinity), RangeError);
});

Deno.test("formatCsvField() quotes commas, quotes, newlines and edge blanks only", () => {
  assert.equal(formatCsvField("plain"), "plain");
  assert.equal(formatCsvField(""), "");
  assert.equal(formatCsvField("a,b"), '"a,b"');
  assert.equal(formatCsvField('say "hi"'), '"say ""hi"""');
  assert.equal(formatCsvField("two\nlines"), '"two\nlines"');
  assert.equal(formatCsvField(" padded"), '" padded"');
  assert.equal(formatCsvField("used=0.021, limit=0.02"), '"used=0.021, limit=0.02"');
});

Deno.test("formatPosteriors(), formatReasons() and formatDetail() need no quoting", () => {
  assert.equal(formatPosteriors(Float64Array.of(0.7, 0.2, 0.1)), "0.7|0.2|0.1");
  assert.equal(formatPosteriors([1e-9, 1]), "0.000000001|1");
  assert.equal(formatPosteriors([]), "");
  assert.equal(formatReasons(["DD", "KILL"]), "DD|KILL");
  assert.equal(
    formatDetail({ used: 0.021, limit: 0.02, side: "BUY" }),
    "used=0.021;limit=0.02;side=BUY",
  );
  assert.throws(() => formatDetail({ "a=b": 1 }), RangeError);
  assert.throws(() => formatDetail({ a: "x;y" }), RangeError);
  assert.throws(() => formatDetail({ a: NaN }), RangeError);
});
