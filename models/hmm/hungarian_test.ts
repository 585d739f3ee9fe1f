import assert from "node:assert/strict";
import { SeededRng } from "../seeded_rng.ts";
import { hungarian } from "./hungarian.ts";

function permutations(n: number): number[][] {
  if (n === 1) return [[0]];
  return permutations(n - 1).flatMap((p) =>
    Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)])
  );
}

Deno.test("hungarian() finds the minimum-cost assignment of random 5×5 matrices (brute force)", () => {
  const rng = new SeededRng(42);
  const all = permutations(5);
  for (let trial = 0; trial < 30; trial++) {
    const cost = Float64Array.from({ length: 25 }, () => Math.round(rng.next() * 100));
    const a = hungarian(cost, 5);
    assert.deepEqual([...a].sort(), [0, 1, 2, 3, 4]);
    const total = (p: ArrayLike<number>) =>
      Array.from(p).reduce((s, c, r) => s + cost[r * 5 + c], 0);
    const best = Math.min(...all.map(total));
    assert.equal(total(a), best);
  }
});

Deno.test("hungarian() solves the 1×1 case and refuses a wrong-length cost", () => {
  assert.deepEqual(Array.from(hungarian(Float64Array.of(3), 1)), [0]);
  assert.throws(() => hungarian(new Float64Array(3), 2), TypeError);
});
