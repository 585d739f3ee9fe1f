import assert from "node:assert/strict";
import { parseStream } from "./_market_streams.ts";
import { startSimExchangeServer } from "./start_sim_exchange_server.ts";
import { rampSeries } from "./_test_series.ts";

const T0 = Date.UTC(2025, 4, 20);
const symbols = new Set(["BTCUSDT"]);

Deno.test("parseStream() reads Binance's lower-case stream names for served symbols only", () => {
  assert.deepEqual(parseStream("btcusdt@trade", symbols), { kind: "trade", symbol: "BTCUSDT" });
  assert.deepEqual(parseStream("btcusdt@depth@100ms", symbols), {
    kind: "depth",
    symbol: "BTCUSDT",
    cadenceMs: 100,
  });
  assert.deepEqual(parseStream("btcusdt@depth10", symbols), {
    kind: "partialDepth",
    symbol: "BTCUSDT",
    levels: 10,
    cadenceMs: 1000,
  });
  assert.deepEqual(parseStream("btcusdt@kline_4h", symbols), {
    kind: "kline",
    symbol: "BTCUSDT",
    interval: "4h",
  });
  for (
    const bad of ["BTCUSDT@trade", "ethusdt@trade", "btcusdt@kline_1s", "btcusdt@depth7", "btcusdt"]
  ) {
    assert.equal(parseStream(bad, symbols), null, bad);
  }
});

/** Opens a raw WebSocket and collects its text messages. */
async function connect(url: string) {
  const ws = new WebSocket(url);
  const messages: unknown[] = [];
  const waiters: Array<() => void> = [];
  ws.onmessage = (e) => {
    messages.push(JSON.parse(e.data));
    waiters.splice(0).forEach((w) => w());
  };
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  const next = async (n: number) => {
    while (messages.length < n) await new Promise<void>((r) => waiters.push(r));
    return messages.slice(0, n);
  };
  const close = () =>
    new Promise<void>((resolve) => {
      ws.onclose = () => resolve();
      ws.close();
    });
  return { ws, messages, next, close };
}

Deno.test("MarketStreams serves combined streams wrapped, SUBSCRIBE replies and Binance's error codes", async () => {
  const run = await startSimExchangeServer({
    speed: "manual",
    symbols: ["BTCUSDT"],
    series: [rampSeries("BTCUSDT", T0, 100, 50_000)],
    warmupBars: 10,
  });
  const base = run.baseUrl.replace("http", "ws");
  const c = await connect(`${base}/stream?streams=btcusdt@kline_5m/btcusdt@bookTicker`);
  try {
    c.ws.send(JSON.stringify({ method: "LIST_SUBSCRIPTIONS", id: 1 }));
    c.ws.send(JSON.stringify({ method: "SUBSCRIBE", params: ["ethusdt@trade"], id: 2 }));
    c.ws.send("{not json");
    const replies = await c.next(3);
    assert.deepEqual(replies[0], { result: ["btcusdt@kline_5m", "btcusdt@bookTicker"], id: 1 });
    assert.deepEqual((replies[1] as { error: { code: number } }).error.code, 2);
    assert.deepEqual((replies[2] as { error: { code: number } }).error.code, 3);
    run.server.advance(1); // bar 10 (00:10): opens a 5m candle
    const events = (await c.next(5)).slice(3) as {
      stream: string;
      data: Record<string, unknown>;
    }[];
    assert.deepEqual(events.map((e) => e.stream).sort(), [
      "btcusdt@bookTicker",
      "btcusdt@kline_5m",
    ]);
    const kline = events.find((e) => e.stream === "btcusdt@kline_5m")!.data as {
      E: number;
      k: Record<string, unknown>;
    };
    assert.equal(kline.E, T0 + 11 * 60_000, "event time is market time");
    assert.deepEqual(
      [kline.k.t, kline.k.T, kline.k.x, kline.k.o, kline.k.c, kline.k.n, kline.k.q],
      [T0 + 600_000, T0 + 899_999, false, "50009.50000000", "50010.00000000", 0, "0"],
    );
    c.ws.send(JSON.stringify({ method: "UNSUBSCRIBE", params: ["btcusdt@bookTicker"], id: 3 }));
    assert.deepEqual((await c.next(6))[5], { result: null, id: 3 });
    assert.equal(run.server.subscribed("btcusdt@bookTicker"), false);
    run.server.advance(4); // 00:11 .. 00:14: the candle closes with the 00:14 bar
    const last = (await c.next(10))[9] as { data: { k: Record<string, unknown> } };
    assert.deepEqual([last.data.k.x, last.data.k.c, last.data.k.v], [
      true,
      "50014.00000000",
      "11.00000000",
    ]);
  } finally {
    await c.close();
    await run.close();
  }
});

Deno.test("UserStreams answers ping and time and refuses a bad signature with -1022", async () => {
  const run = await startSimExchangeServer({
    speed: "manual",
    symbols: ["BTCUSDT"],
    series: [rampSeries("BTCUSDT", T0, 100, 50_000)],
    warmupBars: 10,
  });
  const c = await connect(run.wsApiUrl);
  try {
    c.ws.send(JSON.stringify({ id: "a", method: "ping", params: {} }));
    c.ws.send(JSON.stringify({ id: "b", method: "time" }));
    c.ws.send(JSON.stringify({
      id: "c",
      method: "userDataStream.subscribe.signature",
      params: { apiKey: "sim-key", timestamp: Date.now(), recvWindow: 10000, signature: "00" },
    }));
    c.ws.send(JSON.stringify({ id: "d", method: "order.place", params: {} }));
    const byId = new Map((await c.next(4) as Record<string, unknown>[]).map((m) => [m.id, m]));
    const r = ["a", "b", "c", "d"].map((id) => byId.get(id)!); // the signed one answers after HMAC
    assert.deepEqual([r[0].id, r[0].status, r[0].result], ["a", 200, {}]);
    assert.equal(typeof (r[1].result as { serverTime: number }).serverTime, "number");
    assert.deepEqual([r[2].status, r[2].error], [400, {
      code: -1022,
      msg: "Signature for this request is not valid.",
    }]);
    assert.deepEqual([r[3].status, (r[3].error as { code: number }).code], [400, -1020]);
  } finally {
    await c.close();
    await run.close();
  }
});
