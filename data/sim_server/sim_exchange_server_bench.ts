import ccxt from "ccxt";
import { ccxtBinanceConfig } from "./ccxt_binance_config.ts";
import { startSimExchangeServer } from "./start_sim_exchange_server.ts";

// Run with `deno bench -A data/sim_server/`. BTCUSDT/ETHUSDT, manual replay, one server with a
// state file (fsync off, all 90 days so advance() never runs out) and one in memory (one day);
// ccxt.binance with its own throttle off.
const TO = Date.UTC(2025, 4, 21);
const dir = await Deno.makeTempDir();
const withState = await startSimExchangeServer({
  speed: "manual",
  stateFile: `${dir}/bench.db`,
  orderLimit10s: 0,
  weightLimit: 10_000_000,
  balances: { USDT: "100000000" },
});
const inMemory = await startSimExchangeServer({
  speed: "manual",
  to: TO,
  orderLimit10s: 0,
  weightLimit: 10_000_000,
  balances: { USDT: "100000000" },
});
const client = async (baseUrl: string) => {
  const ex = new ccxt.binance({ ...ccxtBinanceConfig(baseUrl), enableRateLimit: false });
  await ex.loadMarkets();
  return ex;
};
const exState = await client(withState.baseUrl);
const exMemory = await client(inMemory.baseUrl);
const price = Math.floor((await exState.fetchTicker("BTC/USDT")).last! * 0.9);

Deno.bench("ccxt createOrder(limit) + cancelOrder, state file", async () => {
  const o = await exState.createOrder("BTC/USDT", "limit", "buy", 0.001, price);
  await exState.cancelOrder(o.id!, "BTC/USDT");
});

Deno.bench("ccxt createOrder(market), state file", async () => {
  await exState.createOrder("BTC/USDT", "market", "buy", 0.0001);
});

Deno.bench("ccxt createOrder(market), memory only", async () => {
  await exMemory.createOrder("BTC/USDT", "market", "buy", 0.0001);
});

Deno.bench("ccxt fetchOrderBook(100)", async () => {
  await exMemory.fetchOrderBook("BTC/USDT", 100);
});

Deno.bench("server.advance(1): 2 bars fed, persisted and published, state file", () => {
  if (withState.server.advance(1) === 0) {
    throw new Error("Cannot bench: the replay reached its end");
  }
});
