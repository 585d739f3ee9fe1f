import assert from "node:assert/strict";
import { recordRestart } from "./record_restart.ts";

const flags = { intensity: 3, periodMs: 1000 };

Deno.test("recordRestart() reports exceeded on the 4th restart within periodMs at intensity 3", () => {
  let log: number[] = [];
  const exceeded: boolean[] = [];
  for (const now of [0, 100, 200, 300]) {
    const result = recordRestart(log, now, flags);
    log = result.log;
    exceeded.push(result.exceeded);
  }
  assert.deepEqual(exceeded, [false, false, false, true]);
  assert.deepEqual(log, [0, 100, 200, 300]);
});

Deno.test("recordRestart() forgets a restart exactly periodMs old", () => {
  const result = recordRestart([0, 500, 900], 1000, flags);
  assert.deepEqual(result, { log: [500, 900, 1000], exceeded: false });
});

Deno.test("recordRestart() never exceeds when restarts are spaced wider than periodMs", () => {
  let log: number[] = [];
  for (let i = 0; i < 20; i++) {
    const result = recordRestart(log, i * 1001, { intensity: 1, periodMs: 1000 });
    assert.equal(result.exceeded, false, `restart ${i}`);
    log = result.log;
  }
  assert.deepEqual(log, [19 * 1001]);
});

Deno.test("recordRestart() with intensity 0 is exceeded by the first restart", () => {
  assert.deepEqual(recordRestart([], 5, { intensity: 0, periodMs: 1000 }), {
    log: [5],
    exceeded: true,
  });
});

Deno.test("recordRestart() leaves the given log unchanged", () => {
  const log = [1, 2];
  recordRestart(log, 3000, flags);
  assert.deepEqual(log, [1, 2]);
});
