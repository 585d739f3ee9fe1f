import assert from "node:assert/strict";
import { stationaryDistribution } from "./stationary_distribution.ts";

function residual(p: Float64Array, pi: Float64Array): number {
  const K = pi.length;
  let worst = 0;
  for (let j = 0; j < K; j++) {
    let s = 0;
    for (let i = 0; i < K; i++) s += pi[i] * p[i * K + j];
    worst = Math.max(worst, Math.abs(s - pi[j]) / Math.max(pi[j], 1e-300));
  }
  return worst;
}

Deno.test("stationaryDistribution() solves a nearly decomposable chain to ~1e-15 relative", () => {
  const e = 1e-9;
  const p = Float64Array.of(1 - e, e, 0, 2 * e, 1 - 3 * e, e, 0, 3 * e, 1 - 3 * e);
  const pi = stationaryDistribution(p);
  // Detailed balance: π0 e = π1 2e, π1 e = π2 3e → π ∝ (6, 3, 1).
  assert.ok(
    Math.abs(pi[0] - 0.6) < 1e-14 && Math.abs(pi[1] - 0.3) < 1e-14 && Math.abs(pi[2] - 0.1) < 1e-14,
  );
  assert.ok(residual(p, pi) < 1e-12);
});

Deno.test("stationaryDistribution() gives transient states exactly 0", () => {
  // 0 → 1 only; {1, 2} recurrent; 3 absorbs into {1, 2}.
  const p = Float64Array.of(0, 1, 0, 0, 0, 0.5, 0.5, 0, 0, 0.25, 0.75, 0, 0, 0.5, 0.5, 0);
  assert.deepEqual(Array.from(stationaryDistribution(p)), [0, 1 / 3, 2 / 3, 0]);
  assert.deepEqual(Array.from(stationaryDistribution(Float64Array.of(0.5, 0.5, 0, 1))), [0, 1]);
  assert.deepEqual(Array.from(stationaryDistribution(Float64Array.of(1))), [1]);
});
