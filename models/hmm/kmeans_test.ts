import assert from "node:assert/strict";
import { SeededRng } from "../seeded_rng.ts";
import { kmeans } from "./kmeans.ts";

Deno.test("kmeans() separates two blobs and is deterministic for a seed", () => {
  const rng = new SeededRng(1);
  const x = new Float64Array(400);
  for (let t = 0; t < 200; t++) {
    const c = t < 100 ? -5 : 5;
    x[t * 2] = c + rng.normal() * 0.3;
    x[t * 2 + 1] = rng.normal() * 0.3;
  }
  const a = kmeans(x, { D: 2, K: 2, rng: new SeededRng(9) });
  const b = kmeans(x, { D: 2, K: 2, rng: new SeededRng(9) });
  assert.deepEqual(a, b);
  const left = a.labels[0];
  for (let t = 0; t < 200; t++) assert.equal(a.labels[t], t < 100 ? left : 1 - left);
  assert.ok(Math.abs(a.centers[left * 2] + 5) < 0.1);
});

Deno.test("kmeans() copes with fewer distinct rows than K and refuses K above T", () => {
  const r = kmeans(Float64Array.of(1, 1, 1, 1), { D: 1, K: 3, rng: new SeededRng(0) });
  assert.deepEqual(Array.from(r.centers), [1, 1, 1]);
  assert.throws(
    () => kmeans(Float64Array.of(1), { D: 1, K: 2, rng: new SeededRng(0) }),
    RangeError,
  );
});
