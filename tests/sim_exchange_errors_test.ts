import assert from "node:assert/strict";
import { startSimExchangeServer } from "../data/sim_server/start_sim_exchange_server.ts";
import { ccxtErrorOf, ccxtRest } from "./_sim_exchange_ccxt.ts";

const DAY0 = Date.UTC(2025, 4, 20);
const TO = DAY0 + 86_400_000;

Deno.test("every Binance error the server gives arrives in unmodified ccxt as the reference's class", async (t) => {
  let skewMs = 0;
  const run = await startSimExchangeServer({
    speed: "manual",
    to: TO,
    clock: () => Date.now() + skewMs,
  });
  const ex = ccxtRest(run);
  const wrongSecret = ccxtRest(run, { secret: "not-the-secret" });
  const unknownKey = ccxtRest(run, { apiKey: "nobody" });
  const close =
    run.server.replay.series("BTCUSDT")!.close[run.server.replay.fedCount("BTCUSDT") - 1];
  const below = Math.floor(close * 0.95);
  try {
    await ex.loadMarkets();
    const cases: Array<[string, string, () => Promise<unknown>]> = [
      [
        "-1022 bad signature",
        "AuthenticationError",
        () => wrongSecret.fetchBalance(),
      ],
      ["-2015 unknown API key", "AuthenticationError", () => unknownKey.fetchBalance()],
      [
        "-1013 LOT_SIZE (above maxQty)",
        "InvalidOrder",
        () => ex.createOrder("BTC/USDT", "limit", "buy", 9001, below),
      ],
      [
        "-1013 PRICE_FILTER (above maxPrice)",
        "InvalidOrder",
        () => ex.createOrder("BTC/USDT", "limit", "sell", 0.001, 2_000_000),
      ],
      [
        "-1013 MIN_NOTIONAL",
        "BadRequest",
        () => ex.createOrder("BTC/USDT", "limit", "buy", 0.00005, below),
      ],
      [
        "-1102 mandatory parameter missing",
        "BadRequest",
        () => ex.privateGetOrder({ symbol: "BTCUSDT" }),
      ],
      [
        "-2010 insufficient balance",
        "InsufficientFunds",
        () => ex.createOrder("BTC/USDT", "limit", "buy", 1, below),
      ],
      [
        "-2011 cancel of an unknown order",
        "OrderNotFound",
        () => ex.cancelOrder("987654", "BTC/USDT"),
      ],
      [
        "-2013 query of an unknown order",
        "OrderNotFound",
        () => ex.fetchOrder("987654", "BTC/USDT"),
      ],
      ["-1121 unknown symbol", "BadSymbol", () => ex.publicGetDepth({ symbol: "DOGEUSDT" })],
    ];
    for (const [what, expected, call] of cases) {
      await t.step(`${what} → ${expected}`, async () => {
        assert.equal(await ccxtErrorOf(call), expected);
      });
    }

    await t.step(
      "-1021 from a client clock 2 minutes behind the server → InvalidNonce",
      async () => {
        skewMs = 120_000;
        try {
          assert.equal(await ccxtErrorOf(() => ex.fetchBalance()), "InvalidNonce");
        } finally {
          skewMs = 0;
        }
        assert.equal(await ccxtErrorOf(() => ex.fetchBalance()), "none");
      },
    );

    await t.step("nothing above changed the account", async () => {
      const b = await ex.fetchBalance();
      assert.deepEqual([b.USDT.free, b.USDT.used], [10000, 0]);
      assert.deepEqual(await ex.fetchOpenOrders("BTC/USDT"), []);
    });
  } finally {
    await wrongSecret.close();
    await unknownKey.close();
    await ex.close();
    await run.close();
  }
});

Deno.test("the weight limit gives 429 then 418 on continued abuse, both DDoSProtection in ccxt", async () => {
  // a frozen wall clock: crossing a minute boundary mid-test would reset the weight
  const frozen = Date.now();
  const run = await startSimExchangeServer({
    speed: "manual",
    to: TO,
    clock: () => frozen,
    weightLimit: 40,
    banAfter: 2,
    warmupBars: 5,
  });
  // ccxt's own throttle would only slow the loop down; the server's limit is what is tested
  const ex = ccxtRest(run, { extra: { enableRateLimit: false } });
  try {
    await ex.loadMarkets(); // weight 20
    const seen: string[] = [];
    for (let i = 0; i < 20 && !seen.includes("418"); i++) {
      try {
        await ex.fetchTicker("BTC/USDT"); // weight 2
        seen.push("200");
      } catch (err) {
        assert.equal((err as Error).constructor.name, "DDoSProtection");
        seen.push(/\b418\b/.test((err as Error).message) ? "418" : "429");
      }
    }
    assert.deepEqual(seen, [...Array(10).fill("200"), "429", "429", "418"]);
    const res = await fetch(`${run.baseUrl}/api/v3/ping`);
    assert.equal(res.status, 418);
    assert.equal(res.headers.get("Retry-After"), "120", "banned for 2 minutes");
    await res.body?.cancel();
  } finally {
    await ex.close();
    await run.close();
  }
});
