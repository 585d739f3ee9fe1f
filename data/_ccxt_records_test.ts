import assert from "node:assert/strict";
import {
  canceledFromRaw,
  executionTypeOf,
  normalStatus,
  orderFromReport,
  parse,
  RawExecutionReport,
} from "./_ccxt_records.ts";

const REPORT = {
  e: "executionReport",
  E: 1499405658658,
  s: "ETHBTC",
  c: "cancel-req-1",
  S: "BUY",
  o: "LIMIT",
  f: "GTC",
  q: "1.00000000",
  p: "0.10264410",
  P: "0.00000000",
  F: "0.00000000",
  g: -1,
  C: "mine-1",
  x: "CANCELED",
  X: "CANCELED",
  r: "NONE",
  i: 4293153,
  l: "0.00000000",
  z: "0.25",
  L: "0.00000000",
  n: "0",
  N: null,
  T: 1499405658657,
  t: -1,
  w: false,
  m: false,
  O: 1499405658000,
  Z: "0.0256",
  Y: "0.00000000",
};

Deno.test("orderFromReport() names a cancelled order by its own client id (C) in 8-decimal strings", () => {
  const order = orderFromReport(parse(RawExecutionReport, REPORT, "executionReport"));
  assert.deepEqual(order, {
    symbol: "ETHBTC",
    orderId: 4293153,
    clientOrderId: "mine-1",
    side: "BUY",
    type: "LIMIT",
    timeInForce: "GTC",
    price: "0.10264410",
    origQty: "1.00000000",
    executedQty: "0.25000000",
    cumulativeQuoteQty: "0.02560000",
    status: "CANCELED",
    time: 1499405658000,
    updateTime: 1499405658658,
  });
  const fresh = orderFromReport(
    parse(RawExecutionReport, { ...REPORT, x: "NEW", X: "NEW", c: "mine-1", C: "" }, "report"),
  );
  assert.equal(fresh.clientOrderId, "mine-1");
});

Deno.test("executionTypeOf() maps TRADE_PREVENTION to EXPIRED and skips REPLACED", () => {
  const r = (x: string) => parse(RawExecutionReport, { ...REPORT, x }, "report");
  assert.equal(executionTypeOf(r("TRADE_PREVENTION")), "EXPIRED");
  assert.equal(executionTypeOf(r("REPLACED")), null);
  assert.equal(executionTypeOf(r("TRADE")), "TRADE");
});

Deno.test("normalStatus() maps Binance's transient statuses onto open or done", () => {
  assert.equal(normalStatus("PENDING_NEW", "0.00000000"), "NEW");
  assert.equal(normalStatus("PENDING_CANCEL", "0.00000000"), "NEW");
  assert.equal(normalStatus("PENDING_CANCEL", "0.10000000"), "PARTIALLY_FILLED");
  assert.equal(normalStatus("EXPIRED_IN_MATCH", "0.00000000"), "EXPIRED");
});

Deno.test("canceledFromRaw() reads the order's own id from origClientOrderId", () => {
  const o = canceledFromRaw({
    symbol: "LTCBTC",
    origClientOrderId: "myOrder1",
    orderId: 4,
    orderListId: -1,
    clientOrderId: "cancelMyOrder1",
    transactTime: 1684804350068,
    price: "2.00000000",
    origQty: "1.00000000",
    executedQty: "0.00000000",
    origQuoteOrderQty: "0.000000",
    cummulativeQuoteQty: "0.00000000",
    status: "CANCELED",
    timeInForce: "GTC",
    type: "LIMIT",
    side: "BUY",
    selfTradePreventionMode: "NONE",
  });
  assert.equal(o.clientOrderId, "myOrder1");
  assert.equal(o.status, "CANCELED");
});

Deno.test("parse() throws a TypeError naming the field of a malformed venue answer", () => {
  assert.throws(
    () => parse(RawExecutionReport, { ...REPORT, q: "1e-3" }, "executionReport"),
    (e: unknown) => e instanceof TypeError && /executionReport as q/.test(e.message),
  );
});
