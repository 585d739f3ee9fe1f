import assert from "node:assert/strict";
import { endpointWeight } from "./_endpoint_weights.ts";
import { RequestParams } from "./_request_params.ts";

const w = (method: string, path: string, query = "") =>
  endpointWeight(method, `/api/v3/${path}`, new RequestParams(query, ""));

Deno.test("endpointWeight() follows Binance's table for the endpoints ccxt uses", () => {
  assert.equal(w("GET", "exchangeInfo"), 20);
  assert.deepEqual(
    ["limit=5", "limit=100", "limit=101", "limit=1000", "limit=5000"].map((q) =>
      w("GET", "depth", q)
    ),
    [5, 5, 25, 50, 250],
  );
  assert.equal(w("GET", "ticker/24hr", "symbol=BTCUSDT"), 2);
  assert.equal(w("GET", "ticker/24hr"), 80);
  assert.equal(w("GET", "ticker/bookTicker", 'symbols=["A","B"]'), 4);
  assert.equal(w("GET", "klines", "symbol=BTCUSDT&interval=1m"), 2);
  assert.equal(w("GET", "account"), 20);
  assert.deepEqual([w("POST", "order"), w("GET", "order"), w("DELETE", "order")], [1, 4, 1]);
  assert.deepEqual([w("GET", "openOrders", "symbol=X"), w("GET", "openOrders")], [6, 80]);
  assert.deepEqual([w("GET", "myTrades"), w("GET", "myTrades", "orderId=1")], [20, 5]);
  assert.equal(w("GET", "ping"), 1);
});
