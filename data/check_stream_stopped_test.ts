import assert from "node:assert/strict";
import { checkStreamStopped } from "./check_stream_stopped.ts";
import type { KlineColumns } from "./kline_columns.ts";

const T0 = 1747699200000;
const M = 60_000;

function series(symbol: string, minutes: number[]): KlineColumns {
  const openTime = Float64Array.from(minutes, (i) => T0 + i * M);
  const ones = () => new Float64Array(minutes.length).fill(1);
  return {
    symbol,
    openTime,
    open: ones(),
    high: ones(),
    low: ones(),
    close: ones(),
    volume: ones(),
    length: minutes.length,
  };
}

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

Deno.test("checkStreamStopped() reports a symbol silent past maxLagMs while another advanced", () => {
  const btc = series("BTCUSDT", [...range(0, 11), ...range(25, 31)]);
  const eth = series("ETHUSDT", range(0, 31));
  const stops = checkStreamStopped([eth, btc], { maxLagMs: 5 * M });
  assert.deepEqual(stops, [{
    symbol: "BTCUSDT",
    lastTs: T0 + 10 * M,
    resumedTs: T0 + 25 * M,
    resumedIndex: 11,
    otherSymbol: "ETHUSDT",
    otherTs: T0 + 16 * M,
  }]);
});

Deno.test("checkStreamStopped() ignores a silence no longer than maxLagMs and one nobody outran", () => {
  const btc = series("BTCUSDT", [0, 1, 6, 7]); // 5 minutes: exactly the limit
  const eth = series("ETHUSDT", range(0, 8));
  assert.deepEqual(checkStreamStopped([btc, eth], { maxLagMs: 5 * M }), []);
  const a = series("A", [0, 1, 20]); // both quiet over the same minutes
  const b = series("B", [0, 1, 20]);
  assert.deepEqual(checkStreamStopped([a, b], { maxLagMs: 5 * M }), []);
});

Deno.test("checkStreamStopped() reports a stream that never resumed, not a late starter", () => {
  const early = series("AAA", range(0, 3)); // stops at minute 2
  const late = series("BBB", range(10, 20)); // starts at minute 10
  const stops = checkStreamStopped([late, early], { maxLagMs: 5 * M });
  assert.deepEqual(stops, [{
    symbol: "AAA",
    lastTs: T0 + 2 * M,
    resumedTs: null,
    resumedIndex: -1,
    otherSymbol: "BBB",
    otherTs: T0 + 10 * M,
  }]);
});

Deno.test("checkStreamStopped() returns nothing for one symbol and rejects a negative lag", () => {
  assert.deepEqual(checkStreamStopped([series("A", [0, 100])]), []);
  assert.deepEqual(checkStreamStopped([]), []);
  assert.throws(() => checkStreamStopped([], { maxLagMs: -1 }), RangeError);
});
