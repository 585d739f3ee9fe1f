import assert from "node:assert/strict";
import type { AccountPosition, ExecutionReport, FillRecord } from "../sim/sim_records.ts";
import { SimStateStore } from "./sim_state_store.ts";

async function tempFile(): Promise<string> {
  const dir = await Deno.makeTempDir();
  return `${dir}/state.db`;
}

const fill: FillRecord = {
  tradeId: 7,
  orderId: 3,
  clientOrderId: "c3",
  symbol: "BTCUSDT",
  side: "BUY",
  price: "100.00000000",
  qty: "0.50000000",
  quoteQty: "50.00000000",
  commission: "0.00050000",
  commissionAsset: "BTC",
  isMaker: false,
  time: 1000,
  bestBid: "99.00000000",
  bestAsk: "100.00000000",
  queueAhead: "0.00000000",
  slippageBp: 0,
};

function report(over: Partial<ExecutionReport>): ExecutionReport {
  return {
    type: "executionReport",
    account: "k",
    eventTime: 1000,
    symbol: "BTCUSDT",
    clientOrderId: "c3",
    side: "BUY",
    orderType: "LIMIT",
    timeInForce: "GTC",
    quantity: "1.00000000",
    price: "100.00000000",
    executionType: "NEW",
    orderStatus: "NEW",
    rejectReason: "NONE",
    orderId: 3,
    lastExecutedQty: "0.00000000",
    cumulativeFilledQty: "0.00000000",
    lastExecutedPrice: "0.00000000",
    commission: "0",
    commissionAsset: null,
    transactionTime: 1000,
    tradeId: -1,
    isOrderOnBook: true,
    isMaker: false,
    orderCreationTime: 900,
    cumulativeQuoteQty: "0.00000000",
    lastQuoteQty: "0.00000000",
    quoteOrderQty: "0.00000000",
    origClientOrderId: "",
    workingTime: 900,
    fill: null,
    ...over,
  };
}

const position: AccountPosition = {
  type: "outboundAccountPosition",
  account: "k",
  eventTime: 1000,
  lastUpdateTime: 1000,
  balances: [{ asset: "USDT", free: "50.00000000", locked: "50.00000000" }],
};

Deno.test("SimStateStore logs steps in order and mirrors orders, trades and balances from events", async () => {
  const path = await tempFile();
  const s = new SimStateStore(path);
  assert.equal(s.isNew, true);
  s.commit({ kind: "bars", cursor: { BTCUSDT: 60_000 }, time: 119_999 }, []);
  s.commit({
    kind: "place",
    cursor: { BTCUSDT: 60_000 },
    time: 120_500,
    account: "k",
    body: { symbol: "BTCUSDT" },
  }, [
    report({}),
    report({
      executionType: "TRADE",
      orderStatus: "PARTIALLY_FILLED",
      cumulativeFilledQty: "0.50000000",
      cumulativeQuoteQty: "50.00000000",
      transactionTime: 1000,
      fill,
    }),
    report({ orderId: -1, executionType: "REJECTED", orderStatus: "REJECTED" }),
    position,
  ]);
  s.close();

  const again = new SimStateStore(path);
  assert.deepEqual([...again.readLog()].map((e) => e.kind), ["bars", "place"]);
  assert.equal(again.stepsSinceCheckpoint, 2);
  assert.deepEqual(again.balances("k"), [{
    asset: "USDT",
    free: "50.00000000",
    locked: "50.00000000",
  }]);
  const [o] = again.orders("k", { open: true });
  assert.equal(o.orderId, 3);
  assert.equal(o.status, "PARTIALLY_FILLED");
  assert.equal(o.executedQty, "0.50000000");
  assert.equal(again.orders("k").length, 1, "the reject (orderId -1) is not an order");
  assert.deepEqual(again.trades("k").map((t) => [t.tradeId, t.qty, t.commission, t.isMaker]), [
    [7, "0.50000000", "0.00050000", false],
  ]);
  again.close();
});

Deno.test("SimStateStore.checkpoint() keeps the snapshot and drops the log it covers", async () => {
  const path = await tempFile();
  const s = new SimStateStore(path);
  s.commit({ kind: "bars", cursor: { BTCUSDT: 0 }, time: 1 }, []);
  s.checkpoint({ hello: 1 }, { BTCUSDT: 0 }, { now: 5 });
  s.commit({ kind: "bars", cursor: { BTCUSDT: 60_000 }, time: 2 }, []);
  assert.equal(s.isNew, false);
  assert.equal(s.stepsSinceCheckpoint, 1);
  assert.deepEqual(s.readCheckpoint(), { seq: 1, cursor: { BTCUSDT: 0 }, snapshot: { hello: 1 } });
  assert.deepEqual([...s.readLog()].map((e) => e.cursor), [{ BTCUSDT: 60_000 }]);
  s.writeConfig({ a: [1] });
  s.close();
  const again = new SimStateStore(path);
  assert.deepEqual(again.readConfig(), { a: [1] });
  assert.equal(again.stepsSinceCheckpoint, 1);
  again.close();
});

Deno.test("SimStateStore refuses a file of another schema version", async () => {
  const path = await tempFile();
  const s = new SimStateStore(path);
  s.close();
  const { DatabaseSync } = await import("node:sqlite");
  const db = new DatabaseSync(path);
  db.exec("UPDATE meta SET value = '99' WHERE key = 'schema'");
  db.close();
  assert.throws(() => new SimStateStore(path), /schema version is 99/);
});
