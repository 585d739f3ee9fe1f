import assert from "node:assert/strict";
import { type FlakyProxy, type ProxyAction, startFlakyProxy } from "./_flaky_proxy.ts";
import { CcxtGateway, type CcxtGatewayOptions } from "./ccxt_gateway.ts";
import type { GatewayEvent } from "./gateway.ts";
import { RequestWeightBudget } from "./request_weight_budget.ts";
import {
  type RunningSimExchange,
  startSimExchangeServer,
} from "./sim_server/start_sim_exchange_server.ts";
import type { SimServerOptionsInput } from "./sim_server/sim_server_options.ts";
import type { SimExchangeServerDeps } from "./sim_server/create_sim_exchange_server.ts";

/** 2025-06-19 00:00 UTC in the bundled long set, and one day of bars after it: quick to load. */
const FROM = Date.UTC(2025, 5, 19);
const TO = FROM + 86_400_000;

interface Venue {
  run: RunningSimExchange;
  proxy: FlakyProxy | null;
  gw: CcxtGateway;
  events: GatewayEvent[];
}

/** The simulated exchange (manual market clock), optionally behind a flaky proxy, and a gateway. */
async function withVenue(
  options: {
    server?: SimServerOptionsInput & SimExchangeServerDeps;
    decide?: (method: string, path: string) => ProxyAction;
    gateway?: Partial<CcxtGatewayOptions>;
  },
  body: (v: Venue) => Promise<void>,
): Promise<void> {
  const run = await startSimExchangeServer({
    speed: "manual",
    from: FROM,
    to: TO,
    ...options.server,
  });
  const proxy = options.decide !== undefined ? startFlakyProxy(run.baseUrl, options.decide) : null;
  let gw: CcxtGateway | null = null;
  try {
    gw = await CcxtGateway.connect({
      target: { kind: "url", baseUrl: proxy?.baseUrl ?? run.baseUrl },
      apiKey: "sim-key",
      secret: "sim-secret",
      symbols: ["BTCUSDT", "ETHUSDT"],
      backoffMs: 20,
      maxBackoffMs: 200,
      random: () => 0.5,
      ...options.gateway,
    });
    const events: GatewayEvent[] = [];
    gw.subscribe((e) => events.push(e));
    await body({ run, proxy, gw, events });
  } finally {
    await gw?.close();
    await proxy?.close();
    await run.close();
  }
}

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function summary(events: GatewayEvent[]): string[] {
  return events.map((e) =>
    e.kind === "fill"
      ? `fill ${e.fill.clientOrderId} #${e.fill.tradeId} ${e.fill.qty}@${e.fill.price}`
      : `order ${e.order.clientOrderId} ${e.executionType} ${e.order.status} ${e.order.executedQty}`
  );
}

Deno.test("CcxtGateway places, fills and cancels against the simulated exchange with its events", async () => {
  await withVenue({}, async ({ run, gw, events }) => {
    const q = await gw.quote("BTCUSDT");
    assert.ok(q.ok);
    const market = await gw.placeOrder({
      symbol: "ETHUSDT",
      side: "BUY",
      type: "MARKET",
      timeInForce: "GTC",
      quantity: "0.01000000",
      price: null,
      clientOrderId: "sh-t-m1",
    });
    assert.ok(market.ok);
    assert.equal(market.value.status, "FILLED");
    // the call returns once the stream delivered what it caused: NEW, the fill, then FILLED
    const fills = run.server.engine.fills({ symbol: "ETHUSDT" });
    assert.equal(fills.length, 1);
    assert.deepEqual(summary(events), [
      "order sh-t-m1 NEW NEW 0.00000000",
      `fill sh-t-m1 #${fills[0].tradeId} 0.01000000@${fills[0].price}`,
      "order sh-t-m1 TRADE FILLED 0.01000000",
    ]);
    const fill = events[1].kind === "fill" ? events[1].fill : null;
    assert.ok(fill !== null);
    assert.equal(fill.quoteQty, fills[0].quoteQty);
    assert.equal(fill.commission, fills[0].commission);
    assert.equal(fill.commissionAsset, "ETH");
    assert.equal(fill.isMaker, false);
    assert.equal(fill.queueAhead, "0.00000000");
    // the touch the client saw is the venue's touch at the fill
    assert.equal(fill.bestAsk, fills[0].bestAsk);
    assert.equal(fill.slippageBp, fills[0].slippageBp);

    events.length = 0;
    const limit = await gw.placeOrder({
      symbol: "BTCUSDT",
      side: "BUY",
      type: "LIMIT",
      timeInForce: "GTC",
      quantity: "0.00100000",
      price: "50000.00000000",
      clientOrderId: "sh-t-l1",
    });
    assert.ok(limit.ok);
    assert.equal(limit.value.status, "NEW");
    const open = await gw.openOrders();
    assert.ok(open.ok);
    assert.deepEqual(open.value.map((o) => o.clientOrderId), ["sh-t-l1"]);
    const canceled = await gw.cancelOrder("BTCUSDT", "sh-t-l1");
    assert.ok(canceled.ok);
    assert.equal(canceled.value.clientOrderId, "sh-t-l1");
    assert.equal(canceled.value.status, "CANCELED");
    assert.deepEqual(summary(events), [
      "order sh-t-l1 NEW NEW 0.00000000",
      "order sh-t-l1 CANCELED CANCELED 0.00000000",
    ]);
    const got = await gw.getOrder("BTCUSDT", "sh-t-l1");
    assert.ok(got.ok);
    assert.equal(got.value.status, "CANCELED");
    const balances = await gw.balances();
    assert.ok(balances.ok);
    const eth = balances.value.find((b) => b.asset === "ETH");
    assert.equal(eth?.free, "0.00999000");
  });
});

Deno.test("CcxtGateway returns the venue's rejects with Binance's codes", async () => {
  await withVenue({}, async ({ gw }) => {
    const base = {
      symbol: "BTCUSDT",
      side: "BUY" as const,
      type: "LIMIT" as const,
      timeInForce: "GTC" as const,
      clientOrderId: "sh-t-r",
    };
    const broke = await gw.placeOrder({ ...base, quantity: "1.00000000", price: "90000.00000000" });
    assert.deepEqual(broke, {
      ok: false,
      reject: { code: -2010, msg: "Account has insufficient balance for requested action." },
    });
    const lot = await gw.placeOrder({ ...base, quantity: "0.00000100", price: "90000.00000000" });
    assert.deepEqual(lot, { ok: false, reject: { code: -1013, msg: "Filter failure: LOT_SIZE" } });
    const missing = await gw.getOrder("BTCUSDT", "sh-none");
    assert.deepEqual(missing, { ok: false, reject: { code: -2013, msg: "Order does not exist." } });
    const cancel = await gw.cancelOrder("BTCUSDT", "sh-none");
    assert.deepEqual(cancel, { ok: false, reject: { code: -2011, msg: "Unknown order sent." } });
    const symbol = await gw.getOrder("SOLUSDT", "sh-none");
    assert.equal(symbol.ok ? 0 : symbol.reject.code, -1121);
  });
});

Deno.test("CcxtGateway finds a placement whose answer was lost by its client id and never places it twice", async () => {
  let posts = 0;
  await withVenue({
    decide: (method, path) =>
      method === "POST" && path === "/api/v3/order" && posts++ === 0 ? "drop-answer" : "forward",
    gateway: { timeoutMs: 400, recvWindowMs: 300 },
  }, async ({ run, proxy, gw }) => {
    const placed = await gw.placeOrder({
      symbol: "BTCUSDT",
      side: "BUY",
      type: "LIMIT",
      timeInForce: "GTC",
      quantity: "0.00100000",
      price: "50000.00000000",
      clientOrderId: "sh-t-lost-answer",
    });
    assert.ok(placed.ok);
    assert.equal(placed.value.clientOrderId, "sh-t-lost-answer");
    assert.equal(proxy!.seen.filter((s) => s === "POST /api/v3/order").length, 1);
    const all = run.server.engine.allOrders("BTCUSDT");
    assert.ok(all.ok);
    assert.deepEqual(all.value.map((o) => o.clientOrderId), ["sh-t-lost-answer"]);
    assert.equal(gw.stats().placementsRecovered, 1);
    assert.equal(gw.stats().placementsResent, 0);
  });
});

Deno.test("CcxtGateway sends a lost placement again under the same client id only after -2013", async () => {
  let posts = 0;
  await withVenue({
    decide: (method, path) =>
      method === "POST" && path === "/api/v3/order" && posts++ === 0 ? "drop-request" : "forward",
    gateway: { timeoutMs: 400, recvWindowMs: 300 },
  }, async ({ run, proxy, gw }) => {
    const placed = await gw.placeOrder({
      symbol: "BTCUSDT",
      side: "BUY",
      type: "LIMIT",
      timeInForce: "GTC",
      quantity: "0.00100000",
      price: "50000.00000000",
      clientOrderId: "sh-t-lost-request",
    });
    assert.ok(placed.ok);
    // the order query came between the two placements
    const trail = proxy!.seen.filter((s) => s.endsWith("/api/v3/order"));
    assert.deepEqual(trail, ["POST /api/v3/order", "GET /api/v3/order", "POST /api/v3/order"]);
    const all = run.server.engine.allOrders("BTCUSDT");
    assert.ok(all.ok);
    assert.deepEqual(all.value.map((o) => o.clientOrderId), ["sh-t-lost-request"]);
    assert.equal(gw.stats().placementsResent, 1);
  });
});

Deno.test("CcxtGateway reconnects a dropped user stream and delivers the missed fill once", async () => {
  await withVenue({ decide: () => "forward" }, async ({ run, proxy, gw, events }) => {
    const q = await gw.quote("BTCUSDT");
    assert.ok(q.ok);
    const placed = await gw.placeOrder({
      symbol: "BTCUSDT",
      side: "BUY",
      type: "LIMIT",
      timeInForce: "GTC",
      quantity: "0.00100000",
      price: q.value.bidPrice, // rests at the best bid: fills from a later bar
      clientOrderId: "sh-t-gap",
    });
    assert.ok(placed.ok);
    proxy!.refuseWebSockets = true;
    assert.ok(proxy!.dropWebSockets() >= 2);
    let fed = 0;
    while (run.server.engine.fills({ symbol: "BTCUSDT" }).length === 0 && fed < 120) {
      run.server.advance(1);
      fed++;
    }
    assert.equal(run.server.engine.fills({ symbol: "BTCUSDT" }).length, 1, "the order filled");
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(!events.some((e) => e.kind === "fill"), "nothing arrives while disconnected");
    proxy!.refuseWebSockets = false;
    await until(
      "the missed fill",
      () => events.some((e) => e.kind === "order" && e.order.status === "FILLED"),
    );
    const trade = run.server.engine.fills({ symbol: "BTCUSDT" })[0];
    assert.deepEqual(summary(events), [
      "order sh-t-gap NEW NEW 0.00000000",
      `fill sh-t-gap #${trade.tradeId} 0.00100000@${trade.price}`,
      "order sh-t-gap TRADE FILLED 0.00100000",
    ]);
    assert.ok(gw.stats().userReconnects >= 1);
    assert.equal(gw.stats().gapFillFills, 1);
    // a second gap fill finds nothing new
    await gw.resync();
    assert.equal(events.length, 3);
  });
});

Deno.test("CcxtGateway spreads a burst over minutes within weightLimit: no 429, no 418", async () => {
  let offset = 0;
  let gateway: CcxtGateway | null = null;
  const clock = () => Date.now() + offset;
  const budget = new RequestWeightBudget({
    now: clock,
    sleep: (ms) => {
      offset += ms; // the frozen-time trick: waiting moves the shared clock, not the test
      if (gateway !== null) gateway.exchange.options.timeDifference = -offset;
      return new Promise((r) => setTimeout(r, 0));
    },
  });
  await withVenue({
    server: { weightLimit: 100, clock },
    gateway: { budget },
  }, async ({ gw }) => {
    gateway = gw;
    gw.exchange.options.timeDifference = -offset;
    assert.equal(budget.stats().limit, 100, "the limit comes from exchangeInfo");
    const answers = await Promise.all(
      Array.from({ length: 60 }, () => gw.getOrder("BTCUSDT", "sh-none")),
    );
    assert.ok(answers.every((a) => !a.ok && a.reject.code === -2013));
    const s = budget.stats();
    assert.equal(s.tooManyRequests, 0);
    assert.equal(s.banned, 0);
    assert.ok(s.waits >= 2, `60 × 4 weight at 90 per minute needs at least 2 waits: ${s.waits}`);
  });
});

Deno.test("CcxtGateway waits Retry-After when another client used the minute's weight", async () => {
  let offset = 0;
  let gateway: CcxtGateway | null = null;
  const clock = () => Date.now() + offset;
  const slept: number[] = [];
  const budget = new RequestWeightBudget({
    now: clock,
    sleep: (ms) => {
      slept.push(ms);
      offset += ms;
      if (gateway !== null) gateway.exchange.options.timeDifference = -offset;
      return new Promise((r) => setTimeout(r, 0));
    },
  });
  await withVenue({
    server: { weightLimit: 100, clock },
    gateway: { budget },
  }, async ({ run, gw }) => {
    gateway = gw;
    // a fresh minute on the shared clock, then another program on the same IP spends its weight
    offset += 61_000 - (clock() % 60_000);
    gw.exchange.options.timeDifference = -offset;
    for (let i = 0; i < 5; i++) {
      await (await fetch(`${run.baseUrl}/api/v3/exchangeInfo`)).body?.cancel();
    }
    const before = clock();
    const answer = await gw.getOrder("BTCUSDT", "sh-none");
    assert.equal(answer.ok ? 0 : answer.reject.code, -2013);
    const s = budget.stats();
    assert.equal(s.tooManyRequests, 1);
    assert.equal(s.banned, 0);
    assert.ok(
      clock() - before >= 58_000,
      "it waited for the venue's Retry-After (to the minute's end)",
    );
    assert.ok(slept.some((ms) => ms >= 58_000));
  });
});
