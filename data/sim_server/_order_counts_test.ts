import assert from "node:assert/strict";
import { OrderCounts } from "./_order_counts.ts";

const T0 = 1_700_000_000_000; // on a 10 s boundary

Deno.test("OrderCounts refuses the order past the 10 s limit with -1015/429 until the window ends", () => {
  const c = new OrderCounts({ per10s: 2, perDay: 0 });
  assert.equal(c.check("a", T0), null);
  c.add("a", T0);
  c.add("a", T0 + 1);
  const e = c.check("a", T0 + 2500);
  assert.equal(e?.code, -1015);
  assert.equal(e?.status, 429);
  assert.deepEqual(e?.headers, { "Retry-After": "8" });
  assert.equal(c.check("b", T0 + 2500), null, "per account");
  assert.equal(c.check("a", T0 + 10_000), null);
});

Deno.test("OrderCounts reports both windows in its headers", () => {
  const c = new OrderCounts({ per10s: 0, perDay: 0 });
  c.add("a", T0);
  c.add("a", T0 + 20_000);
  assert.deepEqual(c.headers("a", T0 + 20_001), {
    "X-MBX-ORDER-COUNT-10S": "1",
    "X-MBX-ORDER-COUNT-1D": "2",
  });
});
