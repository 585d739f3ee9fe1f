import assert from "node:assert/strict";
import { bucketEnd, bucketStart, isKlineInterval, klineCandles, klineRow } from "./_kline_rows.ts";
import { testSeries } from "./_test_series.ts";

const T0 = Date.UTC(2025, 4, 20, 0, 0); // a Tuesday
const s = testSeries("BTCUSDT", [
  [T0, 10, 12, 9, 11, 1],
  [T0 + 60_000, 11, 15, 10, 14, 2.5],
  [T0 + 120_000, 14, 14, 8, 9, 0.1],
  [T0 + 300_000, 9, 10, 9, 10, 3],
  [T0 + 360_000, 10, 11, 10, 11, 1],
]);

Deno.test("klineCandles() aggregates 5m buckets from the 1m bars fed so far", () => {
  const out = klineCandles(s, 5, { interval: "5m", limit: 10 });
  assert.equal(out.length, 2);
  assert.deepEqual(klineRow(out[0]), [
    T0,
    "10.00000000",
    "15.00000000",
    "8.00000000",
    "9.00000000",
    "3.60000000",
    T0 + 299_999,
    "0",
    0,
    "0",
    "0",
    "0",
  ]);
  assert.deepEqual(klineRow(out[1]).slice(0, 7), [
    T0 + 300_000,
    "9.00000000",
    "11.00000000",
    "9.00000000",
    "11.00000000",
    "4.00000000",
    T0 + 599_999,
  ]);
});

Deno.test("klineCandles() never shows a bar that was not fed", () => {
  const out = klineCandles(s, 2, { interval: "1m", limit: 10 });
  assert.deepEqual(out.map((c) => c.openTime), [T0, T0 + 60_000]);
});

Deno.test("klineCandles() takes the first limit from startTime and the last limit otherwise", () => {
  const all = (o: object) =>
    klineCandles(s, 5, { interval: "1m", limit: 2, ...o }).map((c) => (c.openTime - T0) / 60_000);
  assert.deepEqual(all({}), [5, 6]);
  assert.deepEqual(all({ startTime: T0 + 60_000 }), [1, 2]);
  assert.deepEqual(all({ endTime: T0 + 120_000 }), [1, 2]);
  assert.deepEqual(all({ startTime: T0 + 1, endTime: T0 + 300_000 }), [1, 2]);
});

Deno.test("bucketStart() starts weeks on Monday and months on the 1st, UTC", () => {
  assert.equal(bucketStart(T0, "1w"), Date.UTC(2025, 4, 19));
  assert.equal(bucketStart(T0, "1M"), Date.UTC(2025, 4, 1));
  assert.equal(bucketEnd(Date.UTC(2025, 11, 1), "1M"), Date.UTC(2026, 0, 1));
  assert.equal(bucketStart(T0 + 3_599_999, "1h"), T0);
  assert.equal(isKlineInterval("1s"), false);
  assert.equal(isKlineInterval("4h"), true);
});
