import assert from "node:assert/strict";
import { RequestWeights } from "./_request_weights.ts";

const T0 = 1_700_000_080_000; // 40 s into a minute
const opts = { limit: 10, banAfter: 2, banMs: 120_000, maxBanMs: 300_000 };

Deno.test("RequestWeights counts weight per IP and minute and passes up to the limit", () => {
  const w = new RequestWeights(opts);
  assert.deepEqual(w.charge("a", 6, T0), { ok: true, used: 6 });
  assert.deepEqual(w.charge("a", 4, T0 + 1), { ok: true, used: 10 });
  assert.deepEqual(w.charge("b", 1, T0 + 2), { ok: true, used: 1 });
  assert.equal(w.used("a", T0 + 20_000), 0, "a new minute starts from 0");
});

Deno.test("RequestWeights answers 429 -1003 with Retry-After to the end of the minute", () => {
  const w = new RequestWeights(opts);
  w.charge("a", 9, T0);
  const d = w.charge("a", 2, T0 + 500);
  assert.equal(d.ok, false);
  if (d.ok) return;
  assert.equal(d.used, 9);
  assert.equal(d.error.status, 429);
  assert.equal(d.error.code, -1003);
  assert.deepEqual(d.error.headers, { "Retry-After": "20" });
  assert.deepEqual(
    w.charge("a", 1, T0 + 600),
    { ok: true, used: 10 },
    "a request that fits passes",
  );
});

Deno.test("RequestWeights bans with 418 after banAfter 429s in a minute, for banMs", () => {
  const w = new RequestWeights(opts);
  w.charge("a", 10, T0);
  const statuses = [1, 2, 3].map((i) => {
    const d = w.charge("a", 1, T0 + i);
    return d.ok ? 200 : d.error.status;
  });
  assert.deepEqual(statuses, [429, 429, 418]);
  const during = w.charge("a", 1, T0 + 3 + 60_000);
  assert.equal(during.ok, false);
  if (!during.ok) {
    assert.equal(during.error.status, 418);
    assert.deepEqual(during.error.headers, { "Retry-After": "60" });
  }
  assert.deepEqual(w.charge("a", 1, T0 + 3 + 120_000), { ok: true, used: 1 });
  assert.deepEqual(w.charge("b", 1, T0 + 4), { ok: true, used: 1 }, "other IPs are not banned");
});

Deno.test("RequestWeights doubles a repeat ban up to maxBanMs", () => {
  const w = new RequestWeights(opts);
  const ban = (t: number) => {
    w.charge("a", 10, t);
    let d = w.charge("a", 1, t);
    for (let i = 0; i < 2; i++) d = w.charge("a", 1, t);
    return d.ok ? null : d.error.headers?.["Retry-After"];
  };
  const t1 = T0 + 20_000; // start of a minute
  assert.equal(ban(t1), "120");
  assert.equal(ban(t1 + 180_000), "240");
  assert.equal(ban(t1 + 480_000), "300");
});
