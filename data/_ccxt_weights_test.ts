import assert from "node:assert/strict";
import { requestWeight } from "./_ccxt_weights.ts";

Deno.test("requestWeight() gives reference §3's weights for the calls the gateway makes", () => {
  assert.equal(requestWeight("POST", "order", { symbol: "BTCUSDT" }), 1);
  assert.equal(requestWeight("GET", "order", { symbol: "BTCUSDT" }), 4);
  assert.equal(requestWeight("DELETE", "order", { symbol: "BTCUSDT" }), 1);
  assert.equal(requestWeight("GET", "openOrders", { symbol: "BTCUSDT" }), 6);
  assert.equal(requestWeight("GET", "openOrders", {}), 80);
  assert.equal(requestWeight("GET", "account", {}), 20);
  assert.equal(requestWeight("GET", "myTrades", { symbol: "BTCUSDT" }), 20);
  assert.equal(requestWeight("GET", "klines", { symbol: "BTCUSDT" }), 2);
  assert.equal(requestWeight("GET", "exchangeInfo", {}), 20);
  assert.equal(requestWeight("GET", "depth", { limit: 1000 }), 50);
  assert.equal(requestWeight("GET", "ticker/bookTicker", { symbols: '["BTCUSDT"]' }), 4);
  assert.equal(requestWeight("GET", "somethingNew", {}), 1);
});
