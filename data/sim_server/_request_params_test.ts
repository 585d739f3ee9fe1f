import assert from "node:assert/strict";
import { ApiFailure } from "./_api_error.ts";
import { RequestParams } from "./_request_params.ts";

Deno.test("RequestParams takes the query string's value when a name is sent in both places", () => {
  const p = new RequestParams("symbol=BTCUSDT&limit=5", "symbol=ETHUSDT&side=BUY");
  assert.deepEqual(p.toObject(), { symbol: "BTCUSDT", side: "BUY", limit: "5" });
  assert.equal(p.int("limit"), 5);
});

Deno.test("RequestParams answers -1102 for a missing or empty parameter and -1100 for a malformed one", () => {
  const p = new RequestParams("a=&n=1x&s=%5B%22A%22%5D", "");
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e instanceof ApiFailure ? e.error.code : String(e);
    }
    return 0;
  };
  assert.equal(code(() => p.required("a")), -1102);
  assert.equal(code(() => p.required("zz")), -1102);
  assert.equal(code(() => p.int("n")), -1100);
  assert.deepEqual(p.stringArray("s"), ["A"]);
  assert.equal(code(() => new RequestParams("s=[1]", "").stringArray("s")), -1100);
});
