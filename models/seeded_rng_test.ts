import assert from "node:assert/strict";
import { SeededRng } from "./seeded_rng.ts";

Deno.test("SeededRng gives the same stream for the same seed and a different one for another", () => {
  const a = new SeededRng(42), b = new SeededRng(42), c = new SeededRng(43);
  const xs = Array.from({ length: 8 }, () => a.nextUint32());
  assert.deepEqual(Array.from({ length: 8 }, () => b.nextUint32()), xs);
  assert.notDeepEqual(Array.from({ length: 8 }, () => c.nextUint32()), xs);
});

Deno.test("SeededRng.fromState() continues exactly where state() was taken", () => {
  const a = new SeededRng(7);
  for (let i = 0; i < 100; i++) a.next();
  const b = SeededRng.fromState(a.state());
  for (let i = 0; i < 100; i++) assert.equal(b.next(), a.next());
});

Deno.test("SeededRng.next() stays in [0, 1) with a mean near 1/2 over 100000 draws", () => {
  const rng = new SeededRng(1);
  let sum = 0;
  for (let i = 0; i < 100_000; i++) {
    const x = rng.next();
    assert.ok(x >= 0 && x < 1);
    sum += x;
  }
  // standard error of the mean is 0.0009; 0.005 is over five of them
  assert.ok(Math.abs(sum / 100_000 - 0.5) < 0.005, `mean ${sum / 100_000}`);
});

Deno.test("SeededRng.nextInt() rejects a non-positive bound with RangeError", () => {
  assert.throws(() => new SeededRng(1).nextInt(0), RangeError);
});
