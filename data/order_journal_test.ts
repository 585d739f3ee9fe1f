import assert from "node:assert/strict";
import type { GatewayFill, GatewayOrder, GatewayOrderRequest } from "./gateway.ts";
import { FillSource, JournalPhase, OrderJournal } from "./order_journal.ts";

const REQUEST: GatewayOrderRequest = {
  symbol: "BTCUSDT",
  side: "BUY",
  type: "LIMIT",
  timeInForce: "GTC",
  quantity: "0.00100000",
  price: "60000.00000000",
  clientOrderId: "sh-BTCUSDT-abc-0",
};
const DECISION = { ts: 1_750_000_000_000, modelVersion: "hmm-1", state: 2, macroState: 1 };

function order(status: GatewayOrder["status"], executedQty: string): GatewayOrder {
  return {
    symbol: "BTCUSDT",
    orderId: 7,
    clientOrderId: REQUEST.clientOrderId,
    side: "BUY",
    type: "LIMIT",
    timeInForce: "GTC",
    price: "60000.00000000",
    origQty: "0.00100000",
    executedQty,
    cumulativeQuoteQty: "0.00000000",
    status,
    time: 1,
    updateTime: 2,
  };
}

function fill(tradeId: number, side: "BUY" | "SELL", qty: string, quoteQty: string): GatewayFill {
  return {
    tradeId,
    orderId: 7,
    clientOrderId: REQUEST.clientOrderId,
    symbol: "BTCUSDT",
    side,
    price: "60000.00000000",
    qty,
    quoteQty,
    commission: side === "BUY" ? "0.00000100" : "0.06000000",
    commissionAsset: side === "BUY" ? "BTC" : "USDT",
    isMaker: true,
    time: 3,
    bestBid: "59999.99000000",
    bestAsk: "60000.00000000",
    queueAhead: "0.00000000",
    slippageBp: 0,
  };
}

async function withJournal(body: (j: OrderJournal, path: string) => void | Promise<void>) {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/journal.db`;
  const j = new OrderJournal(path);
  try {
    await body(j, path);
  } finally {
    j.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("OrderJournal writes a request once, as pending, before the venue answers", async () => {
  await withJournal((j) => {
    assert.equal(j.recordRequest(REQUEST, DECISION, { sentAt: 10 }), true);
    assert.equal(j.recordRequest(REQUEST, DECISION, { sentAt: 11 }), false);
    const [p] = j.pendingRequests();
    assert.equal(p.clientOrderId, REQUEST.clientOrderId);
    assert.equal(p.phase, JournalPhase.PENDING);
    assert.equal(p.sentAt, 10);
    assert.deepEqual(p.decision, DECISION);
  });
});

Deno.test("OrderJournal moves an order forward only and logs each change", async () => {
  await withJournal((j) => {
    j.recordRequest(REQUEST, DECISION, { sentAt: 10 });
    assert.equal(j.recordOrder(order("NEW", "0.00000000"), { executionType: "NEW", ts: 1 }), true);
    assert.equal(j.recordOrder(order("NEW", "0.00000000"), { executionType: "NEW", ts: 1 }), false);
    assert.equal(
      j.recordOrder(order("PARTIALLY_FILLED", "0.00050000"), { executionType: "TRADE", ts: 2 }),
      true,
    );
    assert.equal(j.recordOrder(order("NEW", "0.00000000"), { executionType: "NEW", ts: 3 }), false);
    assert.deepEqual(j.openOrders().map((o) => [o.status, o.executedQty]), [[
      "PARTIALLY_FILLED",
      "0.00050000",
    ]]);
    j.recordOrder(order("FILLED", "0.00100000"), { executionType: "TRADE", ts: 4 });
    assert.deepEqual(j.openOrders(), []);
    assert.deepEqual(j.counts(), {
      intents: 0,
      orders: 1,
      pending: 0,
      open: 0,
      rejected: 0,
      dropped: 0,
      fills: 0,
      orderEvents: 3,
    });
  });
});

Deno.test("OrderJournal writes a fill seen twice once and explains balance changes", async () => {
  await withJournal((j) => {
    assert.equal(
      j.recordFill(fill(5, "BUY", "0.00100000", "60.00000000"), { source: FillSource.STREAM }),
      true,
    );
    assert.equal(
      j.recordFill(fill(5, "BUY", "0.00100000", "60.00000000"), { source: FillSource.GAP_FILL }),
      false,
    );
    j.recordFill(fill(9, "SELL", "0.00050000", "30.00000000"), { source: FillSource.RECONCILE });
    assert.deepEqual(j.lastTradeIds(), { BTCUSDT: 9 });
    const assets = () => ({ base: "BTC", quote: "USDT" });
    assert.deepEqual(j.balanceChanges(assets), { BTC: "0.00049900", USDT: "-30.06000000" });
    assert.deepEqual(j.balanceChanges(assets, { afterTradeIds: { BTCUSDT: 5 } }), {
      BTC: "-0.00050000",
      USDT: "29.94000000",
    });
  });
});

Deno.test("OrderJournal adopts an order it never sent as external and keeps rejects", async () => {
  await withJournal((j) => {
    j.recordOrder({ ...order("NEW", "0.00000000"), clientOrderId: "web-1" }, {
      executionType: "NEW",
      ts: 5,
    });
    assert.equal(j.order("web-1")?.decision.modelVersion, "external");
    j.recordRequest({ ...REQUEST, clientOrderId: "sh-r" }, DECISION, { sentAt: 1 });
    j.recordReject("sh-r", {
      code: -2010,
      msg: "Account has insufficient balance for requested action.",
    }, { ts: 6 });
    const r = j.order("sh-r");
    assert.equal(r?.phase, JournalPhase.REJECTED);
    assert.equal(r?.rejectCode, -2010);
  });
});

Deno.test("OrderJournal keeps what was written when the process dies without closing", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/journal.db`;
  try {
    const script = `
      import { OrderJournal } from ${
      JSON.stringify(new URL("./order_journal.ts", import.meta.url).href)
    };
      const j = new OrderJournal(${JSON.stringify(path)});
      j.recordRequest(${JSON.stringify(REQUEST)}, ${JSON.stringify(DECISION)}, { sentAt: 1 });
      j.setMeta("run", { endTs: 42 });
      console.log("written");
      await new Promise(() => {});
    `;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["eval", script],
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const reader = child.stdout.getReader();
    const { value } = await reader.read();
    assert.match(new TextDecoder().decode(value), /written/);
    child.kill("SIGKILL");
    await child.status;
    reader.releaseLock();
    await child.stdout.cancel();
    const j = new OrderJournal(path);
    assert.deepEqual(j.pendingRequests().map((o) => o.clientOrderId), [REQUEST.clientOrderId]);
    assert.deepEqual(j.meta("run"), { endTs: 42 });
    j.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
