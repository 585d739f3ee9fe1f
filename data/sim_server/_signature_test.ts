import assert from "node:assert/strict";
import {
  hmacSha256Hex,
  restSignaturePayload,
  signaturesEqual,
  wsApiSignaturePayload,
} from "./_signature.ts";

// The HMAC example of Binance's REST docs (SIGNED endpoint examples for POST /api/v3/order).
const SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
const PARAMS =
  "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
const SIGNATURE = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71";

Deno.test("hmacSha256Hex() reproduces the signature of Binance's documented example", async () => {
  assert.equal(await hmacSha256Hex(SECRET, PARAMS), SIGNATURE);
});

Deno.test("restSignaturePayload() takes the signature out of a form body and keeps the rest", () => {
  const out = restSignaturePayload("", `${PARAMS}&signature=${SIGNATURE}`);
  assert.deepEqual(out, { payload: PARAMS, signature: SIGNATURE });
});

Deno.test("restSignaturePayload() joins query and body with nothing between them", () => {
  const out = restSignaturePayload(
    "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC",
    "quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559&signature=ab",
  );
  assert.equal(
    out.payload,
    "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTCquantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559",
  );
  assert.equal(out.signature, "ab");
});

Deno.test("restSignaturePayload() reports a missing signature as null", () => {
  assert.deepEqual(restSignaturePayload("a=1&b=2", ""), { payload: "a=1&b=2", signature: null });
});

Deno.test("wsApiSignaturePayload() sorts the params by name and leaves out the signature", () => {
  const out = wsApiSignaturePayload({
    timestamp: 1795612180095,
    signature: "ff",
    recvWindow: 10000,
    apiKey: "KEY",
  });
  assert.deepEqual(out, {
    payload: "apiKey=KEY&recvWindow=10000&timestamp=1795612180095",
    signature: "ff",
  });
});

Deno.test("signaturesEqual() ignores hex case and rejects different lengths", () => {
  assert.equal(signaturesEqual("ABcd", "abCD"), true);
  assert.equal(signaturesEqual("abcd", "abce"), false);
  assert.equal(signaturesEqual("abcd", "abc"), false);
});
