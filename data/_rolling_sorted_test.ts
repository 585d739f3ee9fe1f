import assert from "node:assert/strict";
import { SeededRng } from "../models/seeded_rng.ts";
import { RollingSorted } from "./_rolling_sorted.ts";

function quantile7(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}

Deno.test("RollingSorted quantiles match a full sort of the last capacity values", () => {
  const rng = new SeededRng(5);
  const w = new RollingSorted(37);
  const all: number[] = [];
  for (let i = 0; i < 500; i++) {
    const x = rng.nextInt(20) + rng.next(); // with repeats of the integer part
    w.push(x);
    all.push(x);
    const last = all.slice(-37);
    assert.equal(w.size, last.length);
    for (const p of [0, 0.25, 0.5, 0.75, 1]) assert.equal(w.quantile(p), quantile7(last, p));
  }
});

Deno.test("RollingSorted gives NaN when empty and rejects capacity 0", () => {
  assert.ok(Number.isNaN(new RollingSorted(3).quantile(0.5)));
  assert.throws(() => new RollingSorted(0), RangeError);
});
