import assert from "node:assert/strict";
import { ApiFailure } from "./_api_error.ts";
import { type ApiKeyEntry, authenticate, type SignedInput } from "./_authenticate.ts";
import { hmacSha256Hex } from "./_signature.ts";

const KEY: ApiKeyEntry = { apiKey: "k1", apiSecret: "s1", account: "k1" };
const keys = new Map([[KEY.apiKey, KEY]]);
const NOW = 1_700_000_000_000;

async function input(over: Partial<SignedInput> & { secret?: string; ts?: number } = {}) {
  const ts = over.ts ?? NOW;
  const payload = `symbol=BTCUSDT&timestamp=${ts}&recvWindow=10000`;
  return {
    apiKey: "k1",
    timestamp: String(ts),
    recvWindow: "10000",
    payload,
    signature: await hmacSha256Hex(over.secret ?? "s1", payload),
    ...over,
  };
}

async function code(p: Promise<unknown>): Promise<[number, number]> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiFailure) return [err.error.code, err.error.status];
    throw err;
  }
  return [0, 200];
}

Deno.test("authenticate() returns the key's entry for a well-signed request in time", async () => {
  assert.deepEqual(await authenticate(await input(), { keys, now: NOW + 500 }), KEY);
});

Deno.test("authenticate() answers -2014/401 without a key and -2015/401 for an unknown one", async () => {
  assert.deepEqual(await code(authenticate(await input({ apiKey: null }), { keys, now: NOW })), [
    -2014,
    401,
  ]);
  assert.deepEqual(await code(authenticate(await input({ apiKey: "zz" }), { keys, now: NOW })), [
    -2015,
    401,
  ]);
});

Deno.test("authenticate() answers -1102 for a missing signature or timestamp", async () => {
  assert.deepEqual(await code(authenticate(await input({ signature: null }), { keys, now: NOW })), [
    -1102,
    400,
  ]);
  assert.deepEqual(
    await code(authenticate(await input({ timestamp: undefined }), { keys, now: NOW })),
    [-1102, 400],
  );
});

Deno.test("authenticate() answers -1022 when the HMAC was made with another secret", async () => {
  assert.deepEqual(
    await code(authenticate(await input({ secret: "wrong" }), { keys, now: NOW })),
    [-1022, 400],
  );
});

Deno.test("authenticate() answers -1021 at 1000 ms ahead and beyond recvWindow behind", async () => {
  const i = await input();
  assert.deepEqual(await code(authenticate(i, { keys, now: NOW - 999 })), [0, 200]);
  assert.deepEqual(await code(authenticate(i, { keys, now: NOW - 1000 })), [-1021, 400]);
  assert.deepEqual(await code(authenticate(i, { keys, now: NOW + 10_000 })), [0, 200]);
  assert.deepEqual(await code(authenticate(i, { keys, now: NOW + 10_001 })), [-1021, 400]);
});

Deno.test("authenticate() answers -1131 for recvWindow above 60000 and -1100 for a bad timestamp", async () => {
  assert.deepEqual(
    await code(authenticate(await input({ recvWindow: "60001" }), { keys, now: NOW })),
    [-1131, 400],
  );
  assert.deepEqual(
    await code(authenticate(await input({ timestamp: "12a" }), { keys, now: NOW })),
    [-1100, 400],
  );
});

Deno.test("authenticate() reads a 16-digit timestamp as microseconds", async () => {
  const payload = "x=1";
  const i: SignedInput = {
    apiKey: "k1",
    timestamp: String(NOW * 1000),
    recvWindow: undefined,
    payload,
    signature: await hmacSha256Hex("s1", payload),
  };
  assert.deepEqual(await code(authenticate(i, { keys, now: NOW + 4000 })), [0, 200]);
  assert.deepEqual(await code(authenticate(i, { keys, now: NOW + 5001 })), [-1021, 400]);
});
