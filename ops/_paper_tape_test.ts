import assert from "node:assert/strict";
import type {
  Gateway,
  GatewayEvent,
  GatewayOrder,
  GatewayOrderRequest,
  GatewayResult,
} from "../data/gateway.ts";
import { OrderJournal } from "../data/order_journal.ts";
import { readTape, TapedControl, TapedGateway, TapePlayer } from "./_paper_tape.ts";

function order(cid: string, status: GatewayOrder["status"]): GatewayOrder {
  return {
    symbol: "BTCUSDT",
    orderId: 1,
    clientOrderId: cid,
    side: "BUY",
    type: "LIMIT",
    timeInForce: "GTC",
    price: "1.00000000",
    origQty: "1.00000000",
    executedQty: "0.00000000",
    cumulativeQuoteQty: "0.00000000",
    status,
    time: 1,
    updateTime: 1,
  };
}

/** A venue stub: answers quotes with a counter, places orders, pushes events when told. */
class Venue implements Gateway {
  readonly venue = "stub";
  calls: string[] = [];
  n = 0;
  readonly listeners = new Set<(e: GatewayEvent) => void>();
  symbolRules() {
    return undefined;
  }
  push(e: GatewayEvent) {
    for (const l of this.listeners) l(e);
  }
  placeOrder(r: GatewayOrderRequest): Promise<GatewayResult<GatewayOrder>> {
    this.calls.push(`place ${r.clientOrderId}`);
    this.push({ kind: "order", ts: 2, executionType: "NEW", order: order(r.clientOrderId, "NEW") });
    return Promise.resolve({ ok: true, value: order(r.clientOrderId, "NEW") });
  }
  cancelOrder(): Promise<GatewayResult<GatewayOrder>> {
    return Promise.resolve({ ok: false, reject: { code: -2011, msg: "Unknown order sent." } });
  }
  getOrder(): Promise<GatewayResult<GatewayOrder>> {
    return Promise.resolve({ ok: false, reject: { code: -2013, msg: "Order does not exist." } });
  }
  openOrders(): Promise<GatewayResult<GatewayOrder[]>> {
    return Promise.resolve({ ok: true, value: [] });
  }
  balances() {
    return Promise.resolve({ ok: true as const, value: [] });
  }
  quote(symbol: string) {
    this.calls.push(`quote ${symbol}`);
    const p = `${++this.n}.00000000`;
    return Promise.resolve({ ok: true as const, value: { symbol, bidPrice: p, askPrice: p } });
  }
  subscribe(l: (e: GatewayEvent) => void) {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}

const REQ: GatewayOrderRequest = {
  symbol: "BTCUSDT",
  side: "BUY",
  type: "LIMIT",
  timeInForce: "GTC",
  quantity: "1.00000000",
  price: "1.00000000",
  clientOrderId: "sh-a",
};
const FILLED: GatewayEvent = {
  kind: "order",
  ts: 3,
  executionType: "TRADE",
  order: { ...order("sh-a", "FILLED"), executedQty: "1.00000000" },
};

/** The scripted trading path: what an execution actor would call, logging what it sees. */
async function script(gw: Gateway, seen: string[], venue: Venue | null, crashAfter = Infinity) {
  gw.subscribe((e) => seen.push(`event ${e.kind === "order" ? e.order.status : "fill"}`));
  const steps: (() => Promise<void>)[] = [
    async () => {
      const q = await gw.quote("BTCUSDT");
      seen.push(`quote ${q.ok ? q.value.bidPrice : "-"}`);
    },
    async () => {
      const r = await gw.placeOrder(REQ);
      seen.push(`placed ${r.ok ? r.value.status : "-"}`);
      venue?.push(FILLED); // arrives while idle: held for the next call
    },
    async () => {
      const q = await gw.quote("BTCUSDT");
      seen.push(`quote ${q.ok ? q.value.bidPrice : "-"}`);
    },
  ];
  for (const [i, step] of steps.entries()) {
    if (i >= crashAfter) return;
    await step();
  }
}

async function withJournal(body: (j: OrderJournal) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  const j = new OrderJournal(`${dir}/journal.db`);
  try {
    await body(j);
  } finally {
    j.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("TapedGateway holds idle events for the next call and replays the tape exactly", async () => {
  await withJournal(async (j) => {
    const venue = new Venue();
    const live: string[] = [];
    await script(new TapedGateway(venue, j, new TapePlayer([], async () => {})), live, venue);
    assert.deepEqual(live, [
      "quote 1.00000000",
      "event NEW",
      "placed NEW",
      "event FILLED", // held while idle, delivered when the next call starts
      "quote 2.00000000",
    ]);
    const replayVenue = new Venue();
    const replayed: string[] = [];
    const player = new TapePlayer(readTape(j), () => Promise.resolve());
    await script(new TapedGateway(replayVenue, j, player), replayed, null);
    assert.deepEqual(replayed, live);
    assert.deepEqual(replayVenue.calls, [], "nothing reaches the venue while replaying");
    assert.equal(player.played, player.length);
  });
});

Deno.test("TapedGateway goes live where the tape ends, once, after catching up", async () => {
  await withJournal(async (j) => {
    const venue = new Venue();
    await script(new TapedGateway(venue, j, new TapePlayer([], async () => {})), [], venue, 1);
    const second = new Venue();
    second.n = 41;
    let caughtUp = 0;
    const player = new TapePlayer(readTape(j), () => {
      caughtUp++;
      return Promise.resolve();
    });
    const seen: string[] = [];
    await script(new TapedGateway(second, j, player), seen, second);
    assert.deepEqual(seen.slice(0, 1), ["quote 1.00000000"], "the taped answer");
    assert.deepEqual(second.calls, ["place sh-a", "quote BTCUSDT"], "the rest went live");
    assert.equal(caughtUp, 1);
    assert.equal(player.live, true);
  });
});

Deno.test("TapedGateway refuses a call that differs from the tape", async () => {
  await withJournal(async (j) => {
    const venue = new Venue();
    await script(new TapedGateway(venue, j, new TapePlayer([], async () => {})), [], venue);
    const gw = new TapedGateway(new Venue(), j, new TapePlayer(readTape(j), async () => {}));
    await assert.rejects(() => gw.quote("ETHUSDT"), RangeError);
  });
});

Deno.test("TapedGateway delivers the events of a call the process died in, then makes it live", async () => {
  await withJournal(async (j) => {
    const venue = new Venue();
    const gw = new TapedGateway(venue, j, new TapePlayer([], async () => {}));
    await gw.quote("BTCUSDT");
    // the process dies inside placeOrder: call and events taped, no answer
    j.appendTape("call", { method: "placeOrder", args: [REQ] });
    j.appendTape("event", {
      event: { kind: "order", ts: 2, executionType: "NEW", order: order("sh-a", "NEW") },
    });
    const second = new Venue();
    const seen: string[] = [];
    const resumed = new TapedGateway(second, j, new TapePlayer(readTape(j), async () => {}));
    resumed.subscribe((e) => seen.push(`event ${e.kind === "order" ? e.order.status : "fill"}`));
    await resumed.quote("BTCUSDT");
    const r = await resumed.placeOrder(REQ);
    assert.ok(r.ok);
    assert.deepEqual(seen.slice(0, 1), ["event NEW"], "the taped event first");
    assert.deepEqual(second.calls, ["place sh-a"]);
    // a second resume plays the dangling call's events, then the call made live answers
    const third = new Venue();
    const again: string[] = [];
    const twice = new TapedGateway(third, j, new TapePlayer(readTape(j), async () => {}));
    twice.subscribe((e) => again.push(`event ${e.kind === "order" ? e.order.status : "fill"}`));
    await twice.quote("BTCUSDT");
    const r2 = await twice.placeOrder(REQ);
    assert.deepEqual(r2, r);
    assert.deepEqual(third.calls, [], "all of it from the tape");
    assert.deepEqual(again, seen);
  });
});

Deno.test("TapedControl tapes the commands it hands out live and hands them back at the same place on replay", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shoal-tape-control-" });
  const path = `${dir}/journal.db`;
  {
    const journal = new OrderJournal(path);
    const player = new TapePlayer([], () => Promise.resolve());
    await player.goLive();
    const control = new TapedControl(journal, player);
    journal.appendTape("batch", { seq: 0, bars: [] });
    assert.deepEqual(control.take(), []); // nothing asked: nothing taped
    control.requestKill("operator");
    control.requestKill("twice"); // already killed: no second command
    assert.deepEqual(control.take(), [{ kind: "kill", reason: "operator" }]);
    control.applied({ kind: "kill", reason: "operator" }, 60_000);
    assert.deepEqual(control.kill, { active: true, reason: "operator", since: 60_000 });
    journal.appendTape("batch", { seq: 1, bars: [] });
    control.requestResume();
    assert.deepEqual(control.take(), [{ kind: "resume" }]);
    journal.close();
  }
  const journal = new OrderJournal(path);
  const tape = readTape(journal);
  assert.deepEqual(tape.map((e) => e.kind), ["batch", "control", "batch", "control"]);
  const player = new TapePlayer(tape, () => Promise.resolve());
  const control = new TapedControl(journal, player);
  player.take(); // batch 0
  control.requestResume(); // not killed (yet): nothing to ask
  control.requestKill("while replaying"); // waits for the tape to end
  assert.deepEqual(control.take(), [{ kind: "kill", reason: "operator" }]);
  assert.deepEqual(control.take(), []); // a batch comes first
  player.take(); // batch 1
  assert.deepEqual(control.take(), [{ kind: "resume" }]);
  await player.goLive();
  assert.deepEqual(control.take(), [{ kind: "kill", reason: "while replaying" }]);
  assert.equal(readTape(journal).length, 5, "the live command is taped");
  journal.close();
  await Deno.remove(dir, { recursive: true });
});
