import assert from "node:assert/strict";
import ccxt from "ccxt";
import { classifyCcxtError } from "./_ccxt_errors.ts";

Deno.test("classifyCcxtError() maps ccxt's classes without a venue answer onto Binance codes", () => {
  assert.deepEqual(classifyCcxtError(new ccxt.BadSymbol("binance does not have market symbol X")), {
    kind: "reject",
    reject: { code: -1121, msg: "does not have market symbol X" },
  });
  assert.equal(
    classifyCcxtError(new ccxt.InsufficientFunds("binance Account has insufficient balance")).kind,
    "reject",
  );
  const nf = classifyCcxtError(new ccxt.OrderNotFound("binance Order does not exist."));
  assert.deepEqual(nf, { kind: "reject", reject: { code: -2013, msg: "Order does not exist." } });
});

Deno.test("classifyCcxtError() treats timeouts and network failures as unknown outcomes", () => {
  assert.equal(classifyCcxtError(new ccxt.RequestTimeout("binance timed out")).kind, "unknown");
  assert.equal(classifyCcxtError(new ccxt.NetworkError("binance reset")).kind, "unknown");
  assert.equal(classifyCcxtError(new ccxt.ExchangeNotAvailable("binance 503")).kind, "unknown");
});

Deno.test("classifyCcxtError() throws again what is not a ccxt exception", () => {
  assert.throws(() => classifyCcxtError(new TypeError("a bug")), TypeError);
});
