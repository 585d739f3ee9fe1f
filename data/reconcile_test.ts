import assert from "node:assert/strict";
import { type FlakyProxy, startFlakyProxy } from "./_flaky_proxy.ts";
import { CcxtGateway } from "./ccxt_gateway.ts";
import type { GatewayOrderRequest } from "./gateway.ts";
import { JournaledGateway } from "./journaled_gateway.ts";
import { JournalPhase, OrderJournal } from "./order_journal.ts";
import { MismatchKind, reconcile, type ReconcileOptions } from "./reconcile.ts";
import {
  type RunningSimExchange,
  startSimExchangeServer,
} from "./sim_server/start_sim_exchange_server.ts";

const FROM = Date.UTC(2025, 5, 19);
const ASSETS: ReconcileOptions["assets"] = new Map([
  ["BTCUSDT", { base: "BTC", quote: "USDT" }],
  ["ETHUSDT", { base: "ETH", quote: "USDT" }],
]);
const OPTIONS: ReconcileOptions = { assets: ASSETS, recvWindowMs: 200 };

interface Setup {
  run: RunningSimExchange;
  proxy: FlakyProxy;
  gw: CcxtGateway;
  journal: OrderJournal;
  jgw: JournaledGateway<CcxtGateway>;
}

async function withSetup(body: (s: Setup) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  const run = await startSimExchangeServer({ speed: "manual", from: FROM, to: FROM + 86_400_000 });
  const proxy = startFlakyProxy(run.baseUrl);
  const journal = new OrderJournal(`${dir}/journal.db`);
  let gw: CcxtGateway | null = null;
  try {
    gw = await CcxtGateway.connect({
      target: { kind: "url", baseUrl: proxy.baseUrl },
      apiKey: "sim-key",
      secret: "sim-secret",
      symbols: ["BTCUSDT", "ETHUSDT"],
      recvWindowMs: 200,
      timeoutMs: 500,
      attempts: 2,
      backoffMs: 10,
      maxBackoffMs: 50,
    });
    await body({ run, proxy, gw, journal, jgw: new JournaledGateway(gw, journal) });
  } finally {
    await gw?.close();
    await proxy.close();
    await run.close();
    journal.close();
    await Deno.remove(dir, { recursive: true });
  }
}

function limit(cid: string, price: string, side: "BUY" | "SELL" = "BUY"): GatewayOrderRequest {
  return {
    symbol: "BTCUSDT",
    side,
    type: "LIMIT",
    timeInForce: "GTC",
    quantity: "0.00100000",
    price,
    clientOrderId: cid,
  };
}

const nonZero = (m: Record<string, number>) => Object.entries(m).filter(([, n]) => n > 0);

Deno.test("reconcile() finds nothing to fix when every event went through the journal", async () => {
  await withSetup(async ({ run, gw, journal, jgw }) => {
    const first = await reconcile(journal, gw, OPTIONS);
    assert.equal(first.ok, true);
    assert.deepEqual(nonZero(first.mismatches), []);
    const q = await gw.quote("BTCUSDT");
    assert.ok(q.ok);
    assert.ok((await jgw.placeOrder(limit("sh-BTCUSDT-a-0", q.value.bidPrice))).ok);
    const m = await jgw.placeOrder({ ...limit("sh-BTCUSDT-a-1", ""), type: "MARKET", price: null });
    assert.ok(m.ok);
    for (let i = 0; i < 30; i++) run.server.advance(1);
    await gw.resync();
    const again = await reconcile(journal, gw, OPTIONS);
    assert.equal(again.ok, true);
    assert.deepEqual(nonZero(again.mismatches), []);
    assert.deepEqual(again.venueBalances, again.expectedBalances);
    assert.ok(journal.fills().length >= 1);
  });
});

Deno.test("reconcile() inserts the fills and final states the journal missed, then balances agree", async () => {
  await withSetup(async ({ run, gw, journal, jgw }) => {
    await reconcile(journal, gw, OPTIONS);
    const q = await gw.quote("BTCUSDT");
    assert.ok(q.ok);
    assert.ok((await jgw.placeOrder(limit("sh-BTCUSDT-b-0", q.value.bidPrice))).ok);
    jgw.detach(); // the journal stops hearing the stream (a crash between event and write)
    let fed = 0;
    while (run.server.engine.openOrders("BTCUSDT").ok && fed < 240) {
      const open = run.server.engine.openOrders("BTCUSDT");
      if (open.ok && open.value.length === 0) break;
      run.server.advance(1);
      fed++;
    }
    const venueFills = run.server.engine.fills({ symbol: "BTCUSDT" });
    assert.ok(venueFills.length >= 1, "the resting order filled on the venue");
    assert.equal(journal.fills().length, 0);
    const r = await reconcile(journal, gw, OPTIONS);
    assert.equal(r.ok, true);
    assert.equal(r.mismatches.missing_fill, venueFills.length);
    assert.equal(r.mismatches.order_closed, 1);
    assert.equal(r.mismatches.balance, 0);
    assert.equal(journal.order("sh-BTCUSDT-b-0")?.status, "FILLED");
    assert.deepEqual(journal.fills().map((f) => f.tradeId), venueFills.map((f) => f.tradeId));
    const clean = await reconcile(journal, gw, OPTIONS);
    assert.deepEqual(nonZero(clean.mismatches), []);
  });
});

Deno.test("reconcile() drops a pending request the venue never got and acks one whose answer was lost", async () => {
  await withSetup(async ({ gw, journal, jgw }) => {
    jgw.detach(); // only what the test writes reaches the journal
    await reconcile(journal, gw, OPTIONS);
    const decision = { ts: 1, modelVersion: "m", state: 0, macroState: 0 };
    // written, then the process died before sending
    journal.recordRequest(limit("sh-BTCUSDT-c-0", "50000.00000000"), decision, {
      sentAt: Date.now(),
    });
    // written, sent, then the process died before writing the answer
    journal.recordRequest(limit("sh-BTCUSDT-c-1", "50000.00000000"), decision, {
      sentAt: Date.now(),
    });
    assert.ok((await gw.placeOrder(limit("sh-BTCUSDT-c-1", "50000.00000000"))).ok);
    const r = await reconcile(journal, gw, OPTIONS);
    assert.equal(r.ok, true);
    assert.equal(r.mismatches[MismatchKind.PENDING_LOST], 1);
    assert.equal(r.mismatches[MismatchKind.PENDING_FOUND], 1);
    assert.equal(journal.order("sh-BTCUSDT-c-0")?.phase, JournalPhase.DROPPED);
    assert.equal(journal.order("sh-BTCUSDT-c-1")?.status, "NEW");
    assert.deepEqual(journal.pendingRequests(), []);
    // the dropped one is never sent through the journaled gateway again
    const again = await new JournaledGateway(gw, journal).placeOrder(
      limit("sh-BTCUSDT-c-0", "50000.00000000"),
    );
    assert.deepEqual(again, { ok: false, reject: { code: -2010, msg: "Duplicate order sent." } });
  });
});

Deno.test("reconcile() adopts an open order placed outside the journal as external", async () => {
  await withSetup(async ({ gw, journal, jgw }) => {
    jgw.detach(); // an order placed by another program on the account
    await reconcile(journal, gw, OPTIONS);
    assert.ok((await gw.placeOrder(limit("web-order-1", "50000.00000000"))).ok);
    const r = await reconcile(journal, gw, OPTIONS);
    assert.equal(r.mismatches[MismatchKind.UNKNOWN_ORDER], 1);
    assert.equal(journal.order("web-order-1")?.decision.modelVersion, "external");
    assert.equal(r.mismatches.balance, 0, "locked funds still count in the balance");
  });
});

Deno.test("reconcile() reports not ok when the venue cannot be queried: positions unknown", async () => {
  await withSetup(async ({ proxy, gw, journal }) => {
    await reconcile(journal, gw, OPTIONS);
    await proxy.close(); // the venue is gone
    const r = await reconcile(journal, gw, OPTIONS);
    assert.equal(r.ok, false);
    assert.notEqual(r.error, "");
    assert.deepEqual(r.venueBalances, {});
  });
});
