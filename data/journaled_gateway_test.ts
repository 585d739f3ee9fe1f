import assert from "node:assert/strict";
import type {
  Gateway,
  GatewayEvent,
  GatewayOrder,
  GatewayOrderRequest,
  GatewayResult,
} from "./gateway.ts";
import { decisionFromClientId, JournaledGateway, PAUSED_CODE } from "./journaled_gateway.ts";
import { JournalPhase, OrderJournal } from "./order_journal.ts";

const REQUEST: GatewayOrderRequest = {
  symbol: "BTCUSDT",
  side: "BUY",
  type: "LIMIT",
  timeInForce: "GTC",
  quantity: "0.00100000",
  price: "60000.00000000",
  clientOrderId: `sh-BTCUSDT-${(1_750_000_000_000).toString(36)}-0`,
};

function orderOf(r: GatewayOrderRequest): GatewayOrder {
  return {
    symbol: r.symbol,
    orderId: 1,
    clientOrderId: r.clientOrderId,
    side: r.side,
    type: r.type,
    timeInForce: r.timeInForce,
    price: r.price ?? "0.00000000",
    origQty: r.quantity,
    executedQty: "0.00000000",
    cumulativeQuoteQty: "0.00000000",
    status: "NEW",
    time: 5,
    updateTime: 5,
  };
}

/** A venue stub that records what it was sent and checks the journal at the moment of sending. */
class StubVenue implements Gateway {
  readonly venue = "stub";
  readonly sent: string[] = [];
  readonly phaseAtSend: (string | undefined)[] = [];
  readonly listeners = new Set<(e: GatewayEvent) => void>();
  journal: OrderJournal | null = null;
  answer: GatewayResult<GatewayOrder> | null = null;
  symbolRules() {
    return undefined;
  }
  placeOrder(r: GatewayOrderRequest): Promise<GatewayResult<GatewayOrder>> {
    this.sent.push(r.clientOrderId);
    this.phaseAtSend.push(this.journal?.order(r.clientOrderId)?.phase);
    const order = orderOf(r);
    if (this.answer !== null) return Promise.resolve(this.answer); // a reject pushes no event
    for (const l of this.listeners) l({ kind: "order", ts: 5, executionType: "NEW", order });
    return Promise.resolve({ ok: true, value: order });
  }
  cancelOrder(): Promise<GatewayResult<GatewayOrder>> {
    return Promise.resolve({ ok: false, reject: { code: -2011, msg: "Unknown order sent." } });
  }
  getOrder(_s: string, cid: string): Promise<GatewayResult<GatewayOrder>> {
    return Promise.resolve({ ok: true, value: orderOf({ ...REQUEST, clientOrderId: cid }) });
  }
  openOrders(): Promise<GatewayResult<GatewayOrder[]>> {
    return Promise.resolve({ ok: true, value: [] });
  }
  balances() {
    return Promise.resolve({ ok: true as const, value: [] });
  }
  quote(symbol: string) {
    return Promise.resolve({ ok: true as const, value: { symbol, bidPrice: "1", askPrice: "2" } });
  }
  subscribe(l: (e: GatewayEvent) => void) {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}

async function withJournal(body: (j: OrderJournal, venue: StubVenue) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  const j = new OrderJournal(`${dir}/journal.db`);
  const venue = new StubVenue();
  venue.journal = j;
  try {
    await body(j, venue);
  } finally {
    j.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("JournaledGateway writes a request as pending before sending it, then acks it", async () => {
  await withJournal(async (j, venue) => {
    const gw = new JournaledGateway(venue, j, { now: () => 77 });
    const seen: string[] = [];
    gw.subscribe((e) => seen.push(e.kind));
    const r = await gw.placeOrder(REQUEST);
    assert.ok(r.ok);
    assert.deepEqual(venue.phaseAtSend, [JournalPhase.PENDING]);
    const o = j.order(REQUEST.clientOrderId);
    assert.equal(o?.phase, JournalPhase.ACKED);
    assert.equal(o?.sentAt, 77);
    assert.equal(o?.decision.ts, 1_750_000_000_000);
    assert.deepEqual(seen, ["order"]);
  });
});

Deno.test("JournaledGateway never sends a journaled client id twice", async () => {
  await withJournal(async (j, venue) => {
    const gw = new JournaledGateway(venue, j);
    await gw.placeOrder(REQUEST);
    const again = await gw.placeOrder(REQUEST);
    assert.ok(again.ok, "the venue's state of the known order is answered");
    assert.deepEqual(venue.sent, [REQUEST.clientOrderId]);
    venue.answer = {
      ok: false,
      reject: { code: -2010, msg: "Account has insufficient balance for requested action." },
    };
    const other = { ...REQUEST, clientOrderId: "sh-BTCUSDT-x-1" };
    await gw.placeOrder(other);
    assert.equal(j.order(other.clientOrderId)?.phase, JournalPhase.REJECTED);
    const dup = await gw.placeOrder(other);
    assert.deepEqual(dup, { ok: false, reject: { code: -2010, msg: "Duplicate order sent." } });
    assert.deepEqual(venue.sent, [REQUEST.clientOrderId, other.clientOrderId]);
  });
});

Deno.test("JournaledGateway refuses placements while paused and journals nothing for them", async () => {
  await withJournal(async (j, venue) => {
    const gw = new JournaledGateway(venue, j);
    gw.pause("reconciliation failed");
    const r = await gw.placeOrder(REQUEST);
    assert.equal(r.ok ? 0 : r.reject.code, PAUSED_CODE);
    assert.deepEqual(venue.sent, []);
    assert.equal(j.order(REQUEST.clientOrderId), undefined);
    assert.equal(gw.placementsRefused, 1);
    gw.resume();
    assert.ok((await gw.placeOrder(REQUEST)).ok);
  });
});

Deno.test("decisionFromClientId() reads the decision time of sh- ids and 0 otherwise", () => {
  assert.equal(decisionFromClientId(REQUEST.clientOrderId).ts, 1_750_000_000_000);
  assert.equal(decisionFromClientId("web-1").ts, 0);
});

Deno.test("JournaledGateway sends a dropped request again, same client id, only while fresh", async () => {
  await withJournal(async (j, venue) => {
    const decisionTs = 1_750_000_000_000;
    let marketNow = decisionTs + 60_000;
    const gw = new JournaledGateway(venue, j, {
      resendDropped: (_r, ts) => marketNow - ts <= 120_000,
    });
    j.recordRequest(REQUEST, { ts: decisionTs, modelVersion: "m", state: 0, macroState: 0 }, {
      sentAt: 1,
    });
    j.recordDropped(REQUEST.clientOrderId, "never reached the venue");
    marketNow = decisionTs + 180_000;
    const stale = await gw.placeOrder(REQUEST);
    assert.deepEqual(stale, { ok: false, reject: { code: -2010, msg: "Duplicate order sent." } });
    assert.deepEqual(venue.sent, []);
    marketNow = decisionTs + 60_000;
    const again = await gw.placeOrder(REQUEST);
    assert.ok(again.ok);
    assert.deepEqual(venue.sent, [REQUEST.clientOrderId]);
    assert.deepEqual(venue.phaseAtSend, [JournalPhase.PENDING]);
    assert.equal(j.order(REQUEST.clientOrderId)?.phase, JournalPhase.ACKED);
  });
});
