import assert from "node:assert/strict";
import { canonicalJson, configHash } from "./_config_hash.ts";

Deno.test("canonicalJson() sorts keys at every depth, keeps array order and drops undefined", () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } }),
    '{"a":{"d":[3,{"y":2,"z":1}]},"b":1}',
  );
});

Deno.test("canonicalJson() throws TypeError for NaN, Infinity and cycles", () => {
  assert.throws(() => canonicalJson({ a: Number.NaN }), TypeError);
  assert.throws(() => canonicalJson([Infinity]), TypeError);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.throws(() => canonicalJson(cyclic), TypeError);
});

Deno.test("configHash() is the SHA-256 of the canonical JSON", () => {
  // sha256("{}") as printed by `printf '{}' | sha256sum`.
  assert.equal(
    configHash({}),
    "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
  );
  assert.equal(configHash({ a: 1, b: 2 }), configHash({ b: 2, a: 1 }));
});
