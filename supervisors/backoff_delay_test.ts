import assert from "node:assert/strict";
import { SeededRng } from "../models/seeded_rng.ts";
import { backoffDelay } from "./backoff_delay.ts";

const backoff = { baseMs: 100, maxMs: 1000, factor: 2, jitter: 0.2 };

Deno.test("backoffDelay() doubles from baseMs up to maxMs without jitter", () => {
  const rng = new SeededRng(1);
  const delays = [1, 2, 3, 4, 5, 6].map((attempt) =>
    backoffDelay(attempt, { ...backoff, jitter: 0 }, rng)
  );
  assert.deepEqual(delays, [100, 200, 400, 800, 1000, 1000]);
});

Deno.test("backoffDelay() spreads each delay by the seeded jitter, never above maxMs", () => {
  // SeededRng(42) draws u = 0.6606, 0.1117, 0.0791, 0.0152, 0.8807, 0.1834; each delay is
  // round(min(1000, 100·2^(a−1)) · (1 + 0.2·(2u − 1))) capped at 1000: 106.4, 168.9, 332.7,
  // 644.9, 1152.3 → 1000, 873.3.
  const rng = new SeededRng(42);
  const delays = [1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, backoff, rng));
  assert.deepEqual(delays, [106, 169, 333, 645, 1000, 873]);
});

Deno.test("backoffDelay() gives the same delays for the same seed and others for another", () => {
  const run = (seed: number) => {
    const rng = new SeededRng(seed);
    return Array.from({ length: 8 }, (_, i) => backoffDelay(i + 1, backoff, rng));
  };
  assert.deepEqual(run(7), run(7));
  assert.notDeepEqual(run(7), run(8));
});

Deno.test("backoffDelay() returns 0 with baseMs 0", () => {
  assert.equal(backoffDelay(3, { ...backoff, baseMs: 0 }, new SeededRng(3)), 0);
});

Deno.test("backoffDelay() throws a RangeError before the first attempt", () => {
  assert.throws(() => backoffDelay(0, backoff, new SeededRng(1)), RangeError);
});
