import assert from "node:assert/strict";
import ccxt from "ccxt";
import { startSimExchangeServer } from "../data/sim_server/start_sim_exchange_server.ts";
import { ccxtBinanceConfig } from "../data/sim_server/ccxt_binance_config.ts";
import { ccxtErrorOf, ccxtPro, ccxtRest, units } from "./_sim_exchange_ccxt.ts";

/** First open time of the long set (2025-05-20 00:00 UTC) and one day of it: quick to load. */
const DAY0 = Date.UTC(2025, 4, 20);
const TO = DAY0 + 86_400_000;

type Info = Record<string, string>;

Deno.test("unmodified ccxt (binance, ccxt.pro) trades against the simulated exchange", async (t) => {
  const run = await startSimExchangeServer({ speed: "manual", to: TO });
  const { server } = run;
  const rest = ccxtRest(run);
  const pro = await ccxtPro(run);
  const btc = server.replay.series("BTCUSDT")!;
  const lastFed = () => server.replay.fedCount("BTCUSDT") - 1;
  try {
    await t.step("fetchTime() returns the server's wall clock", async () => {
      const before = Date.now();
      const time = await rest.fetchTime();
      assert.ok(time !== undefined && time >= before && time <= Date.now(), `time ${time}`);
    });

    await t.step(
      "loadMarkets() carries the 2021 exchangeInfo filters into precision and limits",
      async () => {
        const markets = await rest.loadMarkets();
        assert.deepEqual(Object.keys(markets).sort(), ["BTC/USDT", "ETH/USDT"]);
        const m = markets["BTC/USDT"]!;
        assert.equal(m.precision.amount, 0.00001);
        assert.equal(m.precision.price, 0.01);
        assert.equal(m.limits.cost?.min, 10);
        assert.deepEqual([m.limits.amount?.min, m.limits.amount?.max], [0.00001, 9000]);
        assert.deepEqual([m.limits.price?.min, m.limits.price?.max], [0.01, 1000000]);
        assert.equal(markets["ETH/USDT"]!.precision.amount, 0.0001);
      },
    );

    await t.step("fetchTicker() shows the last replayed close and the derived touch", async () => {
      const ticker = await rest.fetchTicker("BTC/USDT");
      assert.equal(ticker.last, Number(btc.close[lastFed()].toFixed(2)));
      const book = server.engine.bookTicker("BTCUSDT");
      assert.ok(book.ok);
      assert.equal(ticker.bid, Number(book.value.bidPrice));
      assert.equal(ticker.ask, Number(book.value.askPrice));
      assert.equal(
        ticker.timestamp,
        btc.openTime[lastFed()] + 59_999,
        "ticker times are market time",
      );
    });

    await t.step(
      "fetchOrderBook() returns the derived book with its lastUpdateId as nonce",
      async () => {
        const ob = await rest.fetchOrderBook("BTC/USDT", 5);
        const depth = server.engine.depth("BTCUSDT", { limit: 5 });
        assert.ok(depth.ok);
        assert.equal(ob.nonce, depth.value.lastUpdateId);
        assert.deepEqual(ob.bids, depth.value.bids.map(([p, q]) => [Number(p), Number(q)]));
        assert.deepEqual(ob.asks, depth.value.asks.map(([p, q]) => [Number(p), Number(q)]));
        assert.ok(ob.bids[0]![0]! < ob.asks[0]![0]!);
      },
    );

    await t.step("fetchOHLCV() returns the bars replayed so far, newest last", async () => {
      const rows = await rest.fetchOHLCV("BTC/USDT", "1m", undefined, 3);
      const i = lastFed();
      assert.deepEqual(
        rows,
        [i - 2, i - 1, i].map((
          k,
        ) => [btc.openTime[k], btc.open[k], btc.high[k], btc.low[k], btc.close[k], btc.volume[k]]),
      );
      const since = await rest.fetchOHLCV("BTC/USDT", "5m", DAY0, 2);
      assert.deepEqual(since.map((r) => r[0]), [DAY0, DAY0 + 300_000]);
    });

    await t.step("fetchBalance() shows the starting balance", async () => {
      const b = await rest.fetchBalance();
      assert.deepEqual([b.USDT.free, b.USDT.used, b.USDT.total], [10000, 0, 10000]);
    });

    let limitId = "";
    let marketCost = 0n;
    let marketFee = 0n;
    await t.step(
      "createOrder() rests a limit buy below the market and locks its quote",
      async () => {
        const bid = Math.floor(btc.close[lastFed()] * 0.98);
        const o = await rest.createOrder("BTC/USDT", "limit", "buy", 0.001, bid);
        assert.equal(o.status, "open");
        assert.equal(o.price, bid);
        assert.equal(o.filled, 0);
        limitId = o.id!;
        const b = await rest.fetchBalance();
        assert.equal(units(b.USDT.used), units(bid) / 1000n);
      },
    );

    await t.step(
      "createOrder() fills a market buy at once with FULL fills, fee in BTC",
      async () => {
        const o = await rest.createOrder("BTC/USDT", "market", "buy", 0.001);
        assert.equal(o.status, "closed");
        assert.equal(o.filled, 0.001);
        const fills = (o.info as { fills: Info[] }).fills;
        assert.ok(fills.length >= 1);
        assert.equal(o.trades.length, fills.length);
        assert.ok(fills.every((f) => f.commissionAsset === "BTC"));
        marketFee = fills.reduce((s, f) => s + units(f.commission), 0n);
        marketCost = units((o.info as Info).cummulativeQuoteQty);
        assert.equal(marketFee, 100n, "0.1 % of 0.001 BTC = 0.000001 BTC");
        assert.equal(o.fee?.currency, "BTC");
      },
    );

    await t.step("fetchOrder() and fetchOpenOrders() see the resting order", async () => {
      const o = await rest.fetchOrder(limitId, "BTC/USDT");
      assert.deepEqual([o.id, o.status, o.side, o.type, o.amount], [
        limitId,
        "open",
        "buy",
        "limit",
        0.001,
      ]);
      const open = await rest.fetchOpenOrders("BTC/USDT");
      assert.deepEqual(open.map((x) => x.id), [limitId]);
    });

    await t.step("cancelOrder() cancels it and releases the lock", async () => {
      const c = await rest.cancelOrder(limitId, "BTC/USDT");
      assert.equal(c.status, "canceled");
      assert.deepEqual(await rest.fetchOpenOrders("BTC/USDT"), []);
      assert.equal((await rest.fetchOrder(limitId, "BTC/USDT")).status, "canceled");
    });

    await t.step("fetchMyTrades() lists the market order's fills and balances add up", async () => {
      const trades = await rest.fetchMyTrades("BTC/USDT");
      assert.ok(trades.length >= 1);
      const qty = trades.reduce((s, x) => s + units((x.info as Info).qty), 0n);
      const quote = trades.reduce((s, x) => s + units((x.info as Info).quoteQty), 0n);
      assert.equal(qty, 100_000n);
      assert.equal(quote, marketCost);
      const b = await rest.fetchBalance();
      const info = (b.info as { balances: Info[] }).balances;
      const bal = (a: string) => info.find((x) => x.asset === a)!;
      assert.equal(units(bal("USDT").free), 10_000n * 100_000_000n - marketCost);
      assert.equal(units(bal("USDT").locked), 0n);
      assert.equal(units(bal("BTC").free), qty - marketFee);
    });

    await t.step("watchTrades() receives the simulated fills on btcusdt@trade", async () => {
      const pending = pro.watchTrades("BTC/USDT");
      await until(() => server.subscribed("btcusdt@trade"));
      const o = await rest.createOrder("BTC/USDT", "market", "buy", 0.002);
      const trades = await pending;
      const fill = (o.info as { fills: Info[] }).fills[0];
      assert.equal(trades[0].price, Number(fill.price));
      assert.equal(trades[0].amount, Number(fill.qty));
      assert.equal(trades[0].side, "buy", "the taker bought");
      assert.equal(trades[0].id, String(fill.tradeId));
    });

    await t.step("watchOrders() receives executionReports over the WebSocket API", async () => {
      const pending = pro.watchOrders("BTC/USDT");
      await until(() => server.userSubscriptions > 0);
      await delay(50); // let ccxt take the subscription reply before the first event
      const o = await rest.createOrder(
        "BTC/USDT",
        "limit",
        "sell",
        0.001,
        Math.ceil(btc.close[lastFed()] * 1.02),
      );
      const orders = await pending;
      assert.equal(orders.at(-1)?.id, o.id);
      assert.equal(orders.at(-1)?.status, "open");
      const next = pro.watchOrders("BTC/USDT");
      await rest.cancelOrder(o.id!, "BTC/USDT");
      const after = await next;
      assert.equal(after.at(-1)?.status, "canceled");
    });

    await t.step("watchBalance() receives outboundAccountPosition", async () => {
      const pending = pro.watchBalance();
      await until(() => server.userSubscriptions > 0);
      await delay(50);
      await rest.createOrder("BTC/USDT", "market", "sell", 0.001);
      const b = await pending;
      const info = (await rest.fetchBalance()).info as { balances: Info[] };
      const usdt = info.balances.find((x) => x.asset === "USDT")!;
      assert.equal(b.USDT.free, Number(usdt.free));
    });

    await t.step(
      "watchOrderBook() keeps a local book equal to the REST depth across bars and fills",
      async () => {
        const first = pro.watchOrderBook("BTC/USDT");
        await until(() => server.subscribed("btcusdt@depth@100ms"));
        await delay(100); // ccxt fetches the REST snapshot after the subscription is confirmed
        server.advance(1);
        server.flushStreams();
        await first;
        for (let i = 0; i < 5; i++) {
          server.advance(1);
          if (i === 2) await rest.createOrder("BTC/USDT", "market", "buy", 0.05); // takes from the book
          server.flushStreams();
          const book = await pro.watchOrderBook("BTC/USDT");
          const depth = server.engine.depth("BTCUSDT", { limit: 1000 });
          assert.ok(depth.ok);
          assert.equal(book.nonce, depth.value.lastUpdateId);
          const levels = (side: [number, number][]) => Array.from(side, ([p, q]) => [p, q]);
          assert.deepEqual(
            levels(book.bids as [number, number][]),
            depth.value.bids.map(([p, q]) => [Number(p), Number(q)]),
          );
          assert.deepEqual(
            levels(book.asks as [number, number][]),
            depth.value.asks.map(([p, q]) => [Number(p), Number(q)]),
          );
        }
      },
    );

    await t.step("watchOHLCV() receives the final 1m kline of each bar fed", async () => {
      const pending = pro.watchOHLCV("BTC/USDT", "1m");
      await until(() => server.subscribed("btcusdt@kline_1m"));
      server.advance(1);
      const rows = await pending;
      const i = lastFed();
      assert.deepEqual(rows.at(-1), [
        btc.openTime[i],
        btc.open[i],
        btc.high[i],
        btc.low[i],
        btc.close[i],
        btc.volume[i],
      ]);
    });

    await t.step(
      "a duplicate newClientOrderId of an open order is rejected and never filled twice",
      async () => {
        const price = Math.floor(btc.close[lastFed()] * 0.99);
        const o = await rest.createOrder("BTC/USDT", "limit", "buy", 0.001, price, {
          clientOrderId: "dup-1",
        });
        assert.equal(o.clientOrderId, "dup-1");
        assert.equal(
          await ccxtErrorOf(() =>
            rest.createOrder("BTC/USDT", "limit", "buy", 0.001, price, { clientOrderId: "dup-1" })
          ),
          "InvalidOrder",
        );
        const mine = (await rest.fetchOrders("BTC/USDT")).filter((x) =>
          x.clientOrderId === "dup-1"
        );
        assert.deepEqual(mine.map((x) => x.id), [o.id]);
        await rest.cancelOrder(o.id!, "BTC/USDT");
      },
    );

    await t.step(
      "ccxtBinanceConfig() points a ccxt.binance at the server in one object",
      async () => {
        const ex = new ccxt.binance(ccxtBinanceConfig(run.baseUrl));
        const markets = await ex.loadMarkets();
        assert.equal(markets["BTC/USDT"]!.precision.price, 0.01);
        assert.ok((await ex.fetchBalance()).USDT.total! > 0);
      },
    );
  } finally {
    await pro.close();
    await rest.close();
    await run.close();
  }
});

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function until(ok: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await delay(10);
  }
}
