import assert from "node:assert/strict";
import { DecisionBatch } from "./decision_batch.ts";
import { GuardRecorded } from "./guard_recorded.ts";
import { MarketBatch } from "./market_batch.ts";
import { CLIENT_ORDER_ID, clientOrderIdFor } from "./order_submit.ts";

Deno.test("MarketBatch refuses columns of different lengths", () => {
  const col = (n: number) => new Float64Array(n);
  const batch = {
    type: "market.batch",
    symbol: "BTCUSDT",
    seq: 0,
    ts: 59_999,
    openTime: col(2),
    open: col(2),
    high: col(2),
    low: col(2),
    close: col(2),
    volume: col(2),
    flags: new Uint8Array(2),
    length: 2,
  };
  assert.ok(MarketBatch.safeParse(batch).success);
  assert.equal(MarketBatch.safeParse({ ...batch, flags: new Uint8Array(1) }).success, false);
  assert.equal(MarketBatch.safeParse({ ...batch, close: [1, 2] }).success, false);
});

Deno.test("DecisionBatch needs rows × states posteriors", () => {
  const f = (n: number) => new Float64Array(n);
  const i = (n: number) => new Int32Array(n);
  const batch = {
    type: "decision.batch",
    symbol: "ETHUSDT",
    seq: 3,
    ts: 1,
    modelVersion: "h2-0123456789ab",
    states: 3,
    rows: 2,
    barTs: f(2),
    state: i(2),
    macroState: i(2),
    conf: f(2),
    riskBias: f(2),
    edge: f(2),
    klDrift: f(2),
    drift: new Uint8Array(2),
    posteriors: f(6),
    targetQty: f(2),
    guardBits: new Uint16Array(2),
    intents: [],
    guards: [],
    warmupBars: 0,
    rejectedBars: 0,
  };
  assert.ok(DecisionBatch.safeParse(batch).success);
  assert.equal(DecisionBatch.safeParse({ ...batch, posteriors: f(4) }).success, false);
});

Deno.test("GuardRecorded accepts only known reason codes joined by |", () => {
  const row = {
    type: "guard.recorded",
    ts: 0,
    symbol: "BTCUSDT",
    level: "symbol",
    action: "block",
    reasons: "CONF|SPREAD",
    value: 0.5,
    threshold: 0.6,
    detail: "conf=0.5",
  };
  assert.ok(GuardRecorded.safeParse(row).success);
  assert.equal(GuardRecorded.safeParse({ ...row, reasons: "CONF|LATE" }).success, false);
});

Deno.test("clientOrderIdFor() fits Binance's pattern for the longest symbol names", () => {
  const ts = Date.UTC(2099, 11, 31, 23, 59, 59, 999);
  const id = clientOrderIdFor("ABCDEFGHIJKLMNOPQRST", ts, 12);
  assert.match(id, CLIENT_ORDER_ID);
  assert.ok(id.length <= 36, `${id} has ${id.length} characters`);
  assert.equal(clientOrderIdFor("BTCUSDT", 1, 0), "sh-BTCUSDT-1-0");
});
