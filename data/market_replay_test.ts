import assert from "node:assert/strict";
import type { KlineColumns } from "./kline_columns.ts";
import { loadKlineSet } from "./load_kline_set.ts";
import {
  BarBatchSchema,
  replayBars,
  type ReplayBatch,
  ReplayBatchSchema,
  replayTransferables,
} from "./market_replay.ts";

const T0 = 1747699200000;
const M = 60_000;

function series(symbol: string, minutes: number[], base = 100): KlineColumns {
  const n = minutes.length;
  const col = (f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
  return {
    symbol,
    openTime: col((i) => T0 + minutes[i] * M),
    open: col((i) => base + i),
    high: col((i) => base + i + 1),
    low: col((i) => base + i - 1),
    close: col((i) => base + i + 0.5),
    volume: col((i) => i + 1),
    length: n,
  };
}

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

/** Every bar of the replay as [openTime, symbol], in batch order then symbol order. */
function flatten(batches: ReplayBatch[]): [number, string][] {
  const out: [number, string][] = [];
  for (const b of batches) {
    const rows: [number, string][] = [];
    for (const bars of b.bars) {
      for (let i = 0; i < bars.length; i++) rows.push([bars.openTime[i], bars.symbol]);
    }
    rows.sort((x, y) => x[0] - y[0] || (x[1] < y[1] ? -1 : 1));
    out.push(...rows);
  }
  return out;
}

Deno.test("replayBars() merges symbols in event time, ties by symbol name, losing no bar", () => {
  const eth = series("ETHUSDT", range(0, 300).filter((i) => i % 3 !== 0));
  const btc = series("BTCUSDT", range(5, 305));
  const sol = series("SOLUSDT", range(0, 400).filter((i) => i % 2 === 0));
  const batches = [...replayBars([sol, eth, btc], { batchSize: 100 })];
  const all = flatten(batches);
  assert.equal(all.length, eth.length + btc.length + sol.length);
  for (let i = 1; i < all.length; i++) {
    const [t0, s0] = all[i - 1];
    const [t1, s1] = all[i];
    assert.ok(t1 > t0 || (t1 === t0 && s1 > s0), `order at ${i}`);
  }
  assert.deepEqual(batches.map((b) => b.seq), range(0, batches.length));
  for (const b of batches) {
    assert.deepEqual(b.bars.map((x) => x.symbol), ["BTCUSDT", "ETHUSDT", "SOLUSDT"]);
    assert.equal(b.size, b.bars.reduce((s, x) => s + x.length, 0));
    assert.ok(b.size <= 100);
  }
  // each symbol's bars, concatenated over batches, are its columns unchanged
  const close = Float64Array.from(batches.flatMap((b) => [...b.bars[1].close]));
  assert.deepEqual(close, eth.close);
});

Deno.test("replayBars() ends a batch on a whole minute so symbols of one minute travel together", () => {
  const a = series("AAA", range(0, 250));
  const b = series("BBB", range(0, 250));
  const sizes101 = [...replayBars([a, b], { batchSize: 101 })].map((x) => x.size);
  assert.deepEqual(sizes101, [100, 100, 100, 100, 100]);
  const batches = [...replayBars([a, b], { batchSize: 100 })];
  assert.deepEqual(batches.map((x) => x.size), [100, 100, 100, 100, 100]);
  assert.deepEqual(
    batches.map((x) => [x.fromTs, x.toTs]),
    range(0, 5).map((k) => [T0 + 50 * k * M, T0 + (50 * k + 49) * M]),
  );
  assert.deepEqual(batches[0].bars.map((x) => x.length), [50, 50]);
});

Deno.test("replayBars() splits one minute by symbol order only when it holds more than batchSize bars", () => {
  const many = range(0, 150).map((i) => series(`S${String(i).padStart(3, "0")}`, [0, 1]));
  const batches = [...replayBars(many, { batchSize: 100 })];
  assert.deepEqual(batches.map((x) => x.size), [100, 50, 100, 50]);
  assert.equal(batches[0].bars[99].length, 1);
  assert.equal(batches[0].bars[100].length, 0);
  assert.equal(batches[1].bars[100].openTime[0], T0);
});

Deno.test("replayBars() replays only [from, to) and yields nothing for an empty window", () => {
  const a = series("AAA", range(0, 1000));
  const batches = [...replayBars([a], { batchSize: 250, from: T0 + 100 * M, to: T0 + 700 * M })];
  assert.deepEqual(batches.map((x) => x.size), [250, 250, 100]);
  assert.equal(batches[0].fromTs, T0 + 100 * M);
  assert.equal(batches[2].toTs, T0 + 699 * M);
  assert.deepEqual([...replayBars([a], { from: T0 + 2000 * M })], []);
  assert.deepEqual([...replayBars([])], []);
});

Deno.test("replayBars() is deterministic and copies bars into one owned buffer per symbol", () => {
  const a = series("AAA", range(0, 300));
  const b = series("BBB", range(0, 300), 5);
  const one = [...replayBars([a, b], { batchSize: 100 })];
  const two = [...replayBars([b, a], { batchSize: 100 })];
  assert.deepEqual(one, two);
  const bars = one[0].bars[0];
  assert.equal(bars.openTime.buffer.byteLength, 6 * 8 * bars.length);
  for (const col of [bars.open, bars.high, bars.low, bars.close, bars.volume]) {
    assert.equal(col.buffer, bars.openTime.buffer);
  }
  bars.close[0] = -1;
  assert.equal(a.close[0], 100.5); // the source is untouched
});

Deno.test("replayBars() batches survive a transfer and parse with the batch schemas", () => {
  const a = series("AAA", range(0, 120));
  const [batch] = [...replayBars([a], { batchSize: 100 })];
  const transfer = replayTransferables(batch);
  const moved = structuredClone(batch, { transfer });
  assert.equal(transfer[0].byteLength, 0); // detached on the sender side
  const parsed = ReplayBatchSchema.parse(moved);
  assert.equal(parsed.bars[0].length, 100);
  assert.equal(parsed.bars[0].close[99], 100 + 99 + 0.5);
  const bad = { ...moved.bars[0], length: 99 };
  assert.equal(BarBatchSchema.safeParse(bad).success, false);
});

Deno.test("replayBars() rejects a small batchSize, a repeated symbol and unsorted bars", () => {
  const a = series("AAA", [0, 1]);
  assert.throws(() => [...replayBars([a], { batchSize: 99 })], RangeError);
  assert.throws(() => [...replayBars([a], { batchSize: 150.5 })], RangeError);
  assert.throws(() => [...replayBars([a, series("AAA", [3])])], RangeError);
  assert.throws(() => [...replayBars([series("BBB", [2, 1])])], RangeError);
  assert.throws(() => [...replayBars([series("BBB", [1, 1])])], RangeError);
});

Deno.test("replayBars() replays the real five-symbol cluster in whole minutes of 1000 bars", async () => {
  const set = await loadKlineSet(["BTCUSDT", "ETHUSDT", "SOLUSDT", "BNBUSDT", "XRPUSDT"]);
  const batches = [...replayBars(set.symbols.map((s) => s.columns), { batchSize: 1000 })];
  assert.equal(batches.length, 216);
  assert.ok(
    batches.slice(0, -1).every((b) => b.size === 1000 && b.bars.every((x) => x.length === 200)),
  );
  assert.equal(batches[215].size, 995);
  assert.equal(batches[0].fromTs, Date.UTC(2026, 2, 23, 12, 9));
  assert.equal(batches[215].toTs, Date.UTC(2026, 3, 22, 12, 7));
});
