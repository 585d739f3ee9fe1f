import assert from "node:assert/strict";
import { RequestWeightBudget } from "./request_weight_budget.ts";

/** A manual wall clock whose sleep moves time forward (no timers). */
function manualTime(start: number) {
  let now = start;
  const slept: number[] = [];
  return {
    now: () => now,
    sleep: (ms: number) => {
      slept.push(ms);
      now += ms;
      return Promise.resolve();
    },
    slept,
    set: (t: number) => {
      now = t;
    },
  };
}

Deno.test("RequestWeightBudget admits requests at once while they fit the usable weight", async () => {
  const t = manualTime(120_000);
  const budget = new RequestWeightBudget({ limit: 100, headroomFraction: 0.1, ...t });
  assert.equal(budget.usable, 90);
  const a = await budget.acquire(40);
  const b = await budget.acquire(50);
  assert.deepEqual(t.slept, []);
  assert.equal(budget.stats().pending, 90);
  budget.observe({ status: 200, usedWeight: 40, retryAfterS: null });
  budget.release(a, { answered: true });
  budget.observe({ status: 200, usedWeight: 90, retryAfterS: null });
  budget.release(b, { answered: true });
  assert.deepEqual({ used: budget.stats().used, pending: budget.stats().pending }, {
    used: 90,
    pending: 0,
  });
});

Deno.test("RequestWeightBudget waits for the next minute when the headroom would be passed", async () => {
  const t = manualTime(120_000 + 30_000);
  const budget = new RequestWeightBudget({ limit: 100, headroomFraction: 0.1, ...t });
  budget.observe({ status: 200, usedWeight: 85, retryAfterS: null });
  const ticket = await budget.acquire(10);
  assert.deepEqual(t.slept, [30_001]);
  assert.equal(ticket.window, 3);
  assert.equal(budget.stats().waits, 1);
  assert.equal(budget.stats().used, 0);
});

Deno.test("RequestWeightBudget takes the venue's used-weight header over its own count", async () => {
  const t = manualTime(60_000);
  const budget = new RequestWeightBudget({ limit: 100, headroomFraction: 0, ...t });
  const a = await budget.acquire(5);
  // another process on the same IP used 80 meanwhile
  budget.observe({ status: 200, usedWeight: 85, retryAfterS: null });
  budget.release(a, { answered: true });
  await budget.acquire(15);
  assert.deepEqual(t.slept, []);
  await budget.acquire(1);
  assert.equal(t.slept.length, 1);
});

Deno.test("RequestWeightBudget blocks every request for Retry-After seconds after a 429", async () => {
  const t = manualTime(60_000);
  const budget = new RequestWeightBudget({ limit: 6000, ...t });
  budget.observe({ status: 429, usedWeight: null, retryAfterS: 7 });
  assert.equal(budget.blockedUntil, 67_000);
  await budget.acquire(1);
  assert.deepEqual(t.slept, [7000]);
  assert.equal(budget.stats().tooManyRequests, 1);
  assert.equal(budget.stats().banned, 0);
});

Deno.test("RequestWeightBudget waits the default after a 418 without Retry-After", async () => {
  const t = manualTime(0);
  const budget = new RequestWeightBudget({ defaultRetryAfterMs: 120_000, ...t });
  budget.observe({ status: 418, usedWeight: null, retryAfterS: null });
  await budget.acquire(1);
  assert.deepEqual(t.slept, [120_000]);
  assert.equal(budget.stats().banned, 1);
});

Deno.test("RequestWeightBudget counts an unanswered request as used in its window", async () => {
  const t = manualTime(0);
  const budget = new RequestWeightBudget({ limit: 10, headroomFraction: 0, ...t });
  const a = await budget.acquire(6);
  budget.release(a, { answered: false });
  assert.equal(budget.stats().used, 6);
  await budget.acquire(5);
  assert.deepEqual(t.slept, [60_001]);
});

Deno.test("RequestWeightBudget admits callers in call order", async () => {
  const t = manualTime(0);
  const budget = new RequestWeightBudget({ limit: 10, headroomFraction: 0, ...t });
  const order: number[] = [];
  const first = await budget.acquire(10);
  const waiting = [1, 2, 3].map((n) =>
    budget.acquire(4).then((ticket) => {
      order.push(n);
      budget.release(ticket, { answered: true });
    })
  );
  budget.release(first, { answered: false });
  await Promise.all(waiting);
  assert.deepEqual(order, [1, 2, 3]);
  assert.deepEqual(t.slept, [60_001]);
});

Deno.test("RequestWeightBudget refuses a limit that is not a positive integer", () => {
  assert.throws(() => new RequestWeightBudget({ limit: 0 }), RangeError);
  assert.throws(() => new RequestWeightBudget({ headroomFraction: 1 }), RangeError);
});
