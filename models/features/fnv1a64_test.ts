import assert from "node:assert/strict";
import { fnv1a64 } from "./fnv1a64.ts";

Deno.test("fnv1a64() matches the published FNV-1a 64-bit test vectors", () => {
  // vectors from the FNV reference test suite (draft-eastlake-fnv, fnv1a64 "", "a", "foobar")
  assert.equal(fnv1a64(""), "cbf29ce484222325");
  assert.equal(fnv1a64("a"), "af63dc4c8601ec8c");
  assert.equal(fnv1a64("foobar"), "85944171f73967e8");
});

Deno.test("fnv1a64() hashes the UTF-8 bytes of non-ASCII text", () => {
  // "é" is the two bytes c3 a9: hashing them one by one by hand gives the same as the string
  let h = 0xcbf29ce484222325n;
  for (const b of [0xc3, 0xa9]) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  assert.equal(fnv1a64("é"), h.toString(16).padStart(16, "0"));
});
