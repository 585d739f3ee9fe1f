import assert from "node:assert/strict";
import { createSimExchangeServer, type SimExchangeServer } from "./create_sim_exchange_server.ts";
import { hmacSha256Hex } from "./_signature.ts";
import { rampSeries } from "./_test_series.ts";
import type { SimServerOptionsInput } from "./sim_server_options.ts";

const T0 = Date.UTC(2025, 4, 20);
const M = 60_000;
const WALL = Date.UTC(2026, 0, 1, 12, 0, 30);
const series =
  () => [rampSeries("BTCUSDT", T0, 300, 50_000), rampSeries("ETHUSDT", T0, 300, 3_000)];

interface Harness {
  server: SimExchangeServer;
  wall: { now: number };
  get(path: string, params?: Record<string, string>): Promise<Answer>;
  signed(
    method: string,
    path: string,
    params?: Record<string, string>,
    opts?: SignOpts,
  ): Promise<Answer>;
}
interface Answer {
  status: number;
  body: Record<string, unknown> & Record<number, unknown>;
  headers: Headers;
}
interface SignOpts {
  key?: string | null;
  secret?: string;
  ts?: number;
}

async function harness(options: SimServerOptionsInput = {}): Promise<Harness> {
  const wall = { now: WALL };
  const server = await createSimExchangeServer({
    speed: "manual",
    warmupBars: 60,
    series: series(),
    clock: () => wall.now,
    ...options,
  });
  const answer = async (res: Response): Promise<Answer> => ({
    status: res.status,
    body: await res.json(),
    headers: res.headers,
  });
  const info = { remoteAddr: { hostname: "10.0.0.1" } };
  return {
    server,
    wall,
    async get(path, params = {}) {
      const q = new URLSearchParams(params).toString();
      return answer(await server.handler(new Request(`http://x${path}${q ? "?" + q : ""}`), info));
    },
    async signed(method, path, params = {}, opts = {}) {
      const text = new URLSearchParams({
        ...params,
        timestamp: String(opts.ts ?? wall.now),
        recvWindow: "10000",
      }).toString();
      const sig = await hmacSha256Hex(opts.secret ?? "sim-secret", text);
      const full = `${text}&signature=${sig}`;
      const headers: Record<string, string> = {};
      if (opts.key !== null) headers["X-MBX-APIKEY"] = opts.key ?? "sim-key";
      const req = method === "POST"
        ? new Request(`http://x${path}`, {
          method,
          body: full,
          headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" },
        })
        : new Request(`http://x${path}?${full}`, { method, headers });
      return answer(await server.handler(req, info));
    },
  };
}

Deno.test("createSimExchangeServer() feeds the warm-up bars at once and serves them as klines", async () => {
  const h = await harness();
  const r = await h.get("/api/v3/klines", { symbol: "BTCUSDT", interval: "1m", limit: "1000" });
  assert.equal(r.status, 200);
  const rows = r.body as unknown as unknown[][];
  assert.equal(rows.length, 60);
  assert.deepEqual(rows[59].slice(0, 7), [
    T0 + 59 * M,
    "50058.50000000",
    "50060.00000000",
    "50058.00000000",
    "50059.00000000",
    "6.90000000",
    T0 + 60 * M - 1,
  ]);
  assert.equal(h.server.marketNow(), T0 + 60 * M);
  assert.equal(h.server.advance(2), 4);
  const later = await h.get("/api/v3/klines", { symbol: "BTCUSDT", interval: "1h" });
  assert.deepEqual((later.body as unknown as unknown[][]).map((k) => k[0]), [T0, T0 + 60 * M]);
  await h.server.close();
});

Deno.test("SimExchangeServer.handler sends X-MBX-USED-WEIGHT-1M with the endpoint weights summed", async () => {
  const h = await harness();
  assert.equal(
    (await h.get("/api/v3/depth", { symbol: "BTCUSDT" })).headers.get("X-MBX-USED-WEIGHT-1M"),
    "5",
  );
  const info = await h.get("/api/v3/exchangeInfo");
  assert.equal(info.headers.get("X-MBX-USED-WEIGHT-1M"), "25");
  assert.deepEqual((info.body.symbols as { symbol: string }[]).map((s) => s.symbol), [
    "BTCUSDT",
    "ETHUSDT",
  ]);
  assert.equal(info.body.serverTime, WALL);
  const t = await h.get("/api/v3/ticker/24hr");
  assert.equal(t.headers.get("X-MBX-USED-WEIGHT-1M"), "105");
  await h.server.close();
});

Deno.test("SimExchangeServer.handler answers unknown paths 404, wrong methods 405, unknown symbols -1121", async () => {
  const h = await harness();
  assert.equal((await h.get("/api/v3/nope")).status, 404);
  const m = await h.server.handler(new Request("http://x/api/v3/depth", { method: "PUT" }));
  assert.equal(m.status, 405);
  await m.body?.cancel();
  const bad = await h.get("/api/v3/depth", { symbol: "BNBUSDT" });
  assert.deepEqual([bad.status, bad.body], [400, { code: -1121, msg: "Invalid symbol." }]);
  const interval = await h.get("/api/v3/klines", { symbol: "BTCUSDT", interval: "7m" });
  assert.deepEqual([interval.status, interval.body.code], [400, -1120]);
  await h.server.close();
});

Deno.test("SimExchangeServer.handler refuses signed calls with Binance's codes and HTTP statuses", async () => {
  const h = await harness();
  const codes = async (a: Promise<Answer>) => {
    const r = await a;
    return [r.status, r.body.code];
  };
  assert.deepEqual(await codes(h.signed("GET", "/api/v3/account", {}, { key: null })), [
    401,
    -2014,
  ]);
  assert.deepEqual(await codes(h.signed("GET", "/api/v3/account", {}, { key: "other" })), [
    401,
    -2015,
  ]);
  assert.deepEqual(await codes(h.signed("GET", "/api/v3/account", {}, { secret: "bad" })), [
    400,
    -1022,
  ]);
  assert.deepEqual(await codes(h.signed("GET", "/api/v3/account", {}, { ts: WALL - 10_001 })), [
    400,
    -1021,
  ]);
  assert.deepEqual(await codes(h.signed("GET", "/api/v3/account", {}, { ts: WALL + 1000 })), [
    400,
    -1021,
  ]);
  assert.deepEqual(await codes(h.signed("GET", "/api/v3/order", {})), [400, -1102]);
  assert.deepEqual(await codes(h.signed("GET", "/api/v3/order", { symbol: "BTCUSDT" })), [
    400,
    -1102,
  ]);
  assert.deepEqual(
    await codes(h.signed("GET", "/api/v3/order", { symbol: "BTCUSDT", orderId: "99" })),
    [400, -2013],
  );
  assert.deepEqual(
    await codes(h.signed("DELETE", "/api/v3/order", { symbol: "BTCUSDT", orderId: "99" })),
    [400, -2011],
  );
  const ok = await h.signed("GET", "/api/v3/account");
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.body.balances, [{
    asset: "USDT",
    free: "10000.00000000",
    locked: "0.00000000",
  }]);
  await h.server.close();
});

Deno.test("SimExchangeServer places, queries and cancels a LIMIT order sent as a form body", async () => {
  const h = await harness();
  const placed = await h.signed("POST", "/api/v3/order", {
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    timeInForce: "GTC",
    quantity: "0.01",
    price: "50000",
    newClientOrderId: "mine-1",
  });
  assert.equal(placed.status, 200);
  assert.equal(placed.body.status, "NEW");
  assert.equal(placed.body.clientOrderId, "mine-1");
  assert.deepEqual(placed.body.fills, []);
  assert.equal(placed.body.transactTime, T0 + 60 * M, "order times are market time");
  assert.equal(placed.headers.get("X-MBX-ORDER-COUNT-10S"), "1");
  const got = await h.signed("GET", "/api/v3/order", {
    symbol: "BTCUSDT",
    origClientOrderId: "mine-1",
  });
  assert.equal(got.body.orderId, placed.body.orderId);
  assert.equal("queueAhead" in got.body, false, "simulator-only fields are not sent");
  const acct = await h.signed("GET", "/api/v3/account");
  assert.deepEqual(acct.body.balances, [{
    asset: "USDT",
    free: "9500.00000000",
    locked: "500.00000000",
  }]);
  const dup = await h.signed("POST", "/api/v3/order", {
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    timeInForce: "GTC",
    quantity: "0.01",
    price: "49000",
    newClientOrderId: "mine-1",
  });
  assert.deepEqual([dup.status, dup.body], [400, { code: -2010, msg: "Duplicate order sent." }]);
  const open = await h.signed("GET", "/api/v3/openOrders", { symbol: "BTCUSDT" });
  assert.equal((open.body as unknown as unknown[]).length, 1);
  const canceled = await h.signed("DELETE", "/api/v3/order", {
    symbol: "BTCUSDT",
    orderId: String(placed.body.orderId),
  });
  assert.deepEqual([canceled.body.status, canceled.body.origClientOrderId], ["CANCELED", "mine-1"]);
  const again = await h.signed("DELETE", "/api/v3/order", {
    symbol: "BTCUSDT",
    orderId: String(placed.body.orderId),
  });
  assert.deepEqual(again.body, { code: -2011, msg: "Unknown order sent." });
  await h.server.close();
});

Deno.test("SimExchangeServer fills a MARKET buy at once with FULL fills and the fee in the base asset", async () => {
  const h = await harness();
  const r = await h.signed("POST", "/api/v3/order", {
    symbol: "BTCUSDT",
    side: "BUY",
    type: "MARKET",
    quantity: "0.002",
  });
  assert.equal(r.body.status, "FILLED");
  const fills = r.body.fills as { qty: string; commission: string; commissionAsset: string }[];
  assert.equal(fills.length >= 1, true);
  assert.equal(fills.every((f) => f.commissionAsset === "BTC"), true);
  const commission = fills.reduce((s, f) => s + Math.round(Number(f.commission) * 1e8), 0);
  const acct = await h.signed("GET", "/api/v3/account");
  const btc = (acct.body.balances as { asset: string; free: string }[]).find((b) =>
    b.asset === "BTC"
  )!;
  assert.equal(Math.round(Number(btc.free) * 1e8), 200_000 - commission);
  const trades = await h.signed("GET", "/api/v3/myTrades", { symbol: "BTCUSDT" });
  assert.equal((trades.body as unknown as unknown[]).length, fills.length);
  const pub = await h.get("/api/v3/trades", { symbol: "BTCUSDT" });
  assert.equal((pub.body as unknown as { isBuyerMaker: boolean }[])[0].isBuyerMaker, false);
  await h.server.close();
});

Deno.test("SimExchangeServer answers 429 past the weight limit and 418 when the client keeps going", async () => {
  const h = await harness({ weightLimit: 10, banAfter: 2 });
  const statuses: number[] = [];
  for (let i = 0; i < 8; i++) statuses.push((await h.get("/api/v3/ping")).status);
  const last = await h.get("/api/v3/time");
  statuses.push(last.status);
  assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 200, 200, 200]);
  const over = await h.get("/api/v3/depth", { symbol: "BTCUSDT" });
  assert.deepEqual([over.status, over.body.code, over.headers.get("Retry-After")], [
    429,
    -1003,
    "30",
  ]);
  assert.equal(over.headers.get("X-MBX-USED-WEIGHT-1M"), "9");
  assert.equal((await h.get("/api/v3/depth", { symbol: "BTCUSDT" })).status, 429);
  const banned = await h.get("/api/v3/depth", { symbol: "BTCUSDT" });
  assert.deepEqual([banned.status, banned.headers.get("Retry-After")], [418, "120"]);
  h.wall.now += 60_000;
  assert.equal((await h.get("/api/v3/ping")).status, 418, "the ban outlasts the minute");
  h.wall.now += 60_001;
  assert.equal((await h.get("/api/v3/ping")).status, 200);
  await h.server.close();
});

Deno.test("SimExchangeServer refuses the order past orderLimit10s with -1015 and HTTP 429", async () => {
  const h = await harness({ orderLimit10s: 1 });
  const order = {
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    timeInForce: "GTC",
    quantity: "0.001",
    price: "50000",
  };
  assert.equal((await h.signed("POST", "/api/v3/order", order)).status, 200);
  const r = await h.signed("POST", "/api/v3/order", order);
  assert.deepEqual([r.status, r.body.code], [429, -1015]);
  await h.server.close();
});

Deno.test("SimExchangeServer.advance() fills a resting sell as maker when the market trades through it", async () => {
  const h = await harness();
  await h.signed("POST", "/api/v3/order", {
    symbol: "ETHUSDT",
    side: "BUY",
    type: "MARKET",
    quantity: "0.1",
  });
  const placed = await h.signed("POST", "/api/v3/order", {
    symbol: "ETHUSDT",
    side: "SELL",
    type: "LIMIT",
    timeInForce: "GTC",
    quantity: "0.05",
    price: "3062",
  });
  assert.equal(placed.body.status, "NEW");
  h.server.advance(1); // bar 60: high 3061, below the order
  const id = String(placed.body.orderId);
  assert.equal(
    (await h.signed("GET", "/api/v3/order", { symbol: "ETHUSDT", orderId: id })).body.status,
    "NEW",
  );
  h.server.advance(2); // bar 62: high 3063, through the order
  const done = await h.signed("GET", "/api/v3/order", { symbol: "ETHUSDT", orderId: id });
  assert.deepEqual([done.body.status, done.body.executedQty], ["FILLED", "0.05000000"]);
  // bar 61 touches 3062 exactly (part of its volume trades there), bar 62 trades through it
  const trades = await h.signed("GET", "/api/v3/myTrades", { symbol: "ETHUSDT", orderId: id });
  const rows = trades.body as unknown as Record<string, string | boolean>[];
  assert.deepEqual(rows.map((t) => [t.price, t.isMaker, t.commissionAsset]), [
    ["3062.00000000", true, "USDT"],
    ["3062.00000000", true, "USDT"],
  ]);
  const units = (field: string) =>
    rows.reduce((sum, t) => sum + Math.round(Number(t[field]) * 1e8), 0);
  assert.equal(units("qty"), 5_000_000);
  assert.equal(units("commission"), 15_310_000, "0.1 % of 153.1 USDT");
  await h.server.close();
});

async function tempState(): Promise<string> {
  return `${await Deno.makeTempDir()}/state.db`;
}

Deno.test("createSimExchangeServer() resumes a state file with the same orders, balances, trades and market", async () => {
  const stateFile = await tempState();
  const a = await harness({ stateFile, checkpointEvery: 3 });
  await a.signed("POST", "/api/v3/order", {
    symbol: "BTCUSDT",
    side: "BUY",
    type: "MARKET",
    quantity: "0.01",
  });
  a.server.advance(2);
  const resting = await a.signed("POST", "/api/v3/order", {
    symbol: "BTCUSDT",
    side: "SELL",
    type: "LIMIT",
    timeInForce: "GTC",
    quantity: "0.005",
    price: "50100",
    newClientOrderId: "keep-me",
  });
  a.server.advance(1);
  const before = {
    account: (await a.signed("GET", "/api/v3/account")).body,
    orders: (await a.signed("GET", "/api/v3/allOrders", { symbol: "BTCUSDT" })).body,
    trades: (await a.signed("GET", "/api/v3/myTrades", { symbol: "BTCUSDT" })).body,
    depth: (await a.get("/api/v3/depth", { symbol: "BTCUSDT" })).body,
    market: a.server.marketNow(),
  };
  assert.equal(a.server.store!.orders("sim-key", { open: true })[0].clientOrderId, "keep-me");
  // no close(): the process "dies" here; the state file alone must carry everything
  a.server.store!.close();

  const b = await harness({ stateFile });
  assert.equal(b.server.resumed, true);
  assert.deepEqual((await b.signed("GET", "/api/v3/account")).body, before.account);
  assert.deepEqual(
    (await b.signed("GET", "/api/v3/allOrders", { symbol: "BTCUSDT" })).body,
    before.orders,
  );
  assert.deepEqual(
    (await b.signed("GET", "/api/v3/myTrades", { symbol: "BTCUSDT" })).body,
    before.trades,
  );
  assert.deepEqual((await b.get("/api/v3/depth", { symbol: "BTCUSDT" })).body, before.depth);
  assert.equal(b.server.marketNow(), before.market);
  const next = await b.signed("POST", "/api/v3/order", {
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    timeInForce: "GTC",
    quantity: "0.001",
    price: "50000",
  });
  assert.equal(next.body.orderId, (resting.body.orderId as number) + 1, "order ids continue");
  await b.server.close();
});

Deno.test("createSimExchangeServer() refuses a state file whose tables disagree with its log", async () => {
  const stateFile = await tempState();
  const a = await harness({ stateFile });
  await a.signed("POST", "/api/v3/order", {
    symbol: "BTCUSDT",
    side: "BUY",
    type: "MARKET",
    quantity: "0.01",
  });
  a.server.store!.close();
  const { DatabaseSync } = await import("node:sqlite");
  const db = new DatabaseSync(stateFile);
  db.exec("UPDATE balances SET free = '1.00000000' WHERE asset = 'USDT'");
  db.close();
  await assert.rejects(harness({ stateFile }), /differs from its tables/);
});

Deno.test("createSimExchangeServer() refuses to resume a state file with other symbols", async () => {
  const stateFile = await tempState();
  const a = await harness({ stateFile });
  await a.server.close();
  await assert.rejects(
    createSimExchangeServer({
      stateFile,
      symbols: ["BTCUSDT"],
      series: [series()[0]],
      speed: "manual",
    }),
    /made with symbols/,
  );
});
