import assert from "node:assert/strict";
import { dataHash } from "./data_hash.ts";

Deno.test("dataHash() of no rows is the SHA-256 of no bytes", () => {
  assert.equal(
    dataHash(new Float64Array(0)),
    "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
});

Deno.test("dataHash() hashes the little-endian float64 bytes of a view, not its buffer", () => {
  const one = Float64Array.of(1);
  assert.deepEqual(Array.from(new Uint8Array(one.buffer)), [0, 0, 0, 0, 0, 0, 240, 63]);
  const inView = Float64Array.of(5, 1, 7).subarray(1, 2);
  assert.equal(dataHash(inView), dataHash(one));
  assert.notEqual(dataHash(Float64Array.of(1 + Number.EPSILON)), dataHash(one));
});

Deno.test("dataHash() equals crypto.subtle's SHA-256 of the same bytes", async () => {
  const x = Float64Array.of(0.1, -2.5, 1e-300, 123456.789);
  const digest = await crypto.subtle.digest("SHA-256", new Uint8Array(x.buffer));
  const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  assert.equal(dataHash(x), `sha256:${hex}`);
});
