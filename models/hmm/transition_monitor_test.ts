import assert from "node:assert/strict";
import { SeededRng } from "../seeded_rng.ts";
import { TransitionMonitor } from "./transition_monitor.ts";

const TRAINED = Float64Array.of(0.95, 0.05, 0.05, 0.95);

/** One-hot posteriors of a two-state chain with the given stay probability. */
function* chain(stay: number, n: number, rng: SeededRng, start = 0): Generator<Float64Array> {
  let z = start;
  for (let t = 0; t < n; t++) {
    if (t > 0 && rng.next() >= stay) z = 1 - z;
    yield z === 0 ? Float64Array.of(1, 0) : Float64Array.of(0, 1);
  }
}

Deno.test("TransitionMonitor never flags drift on a chain that moves like the trained one", () => {
  const m = new TransitionMonitor(TRAINED, {
    threshold: 0.05,
    clearBelow: 0.02,
    forgetting: 0.995,
  });
  let worst = 0;
  for (const p of chain(0.95, 5000, new SeededRng(1))) {
    worst = Math.max(worst, m.observe(p));
    assert.equal(m.drift, false);
  }
  assert.ok(worst < 0.05, `max KL ${worst}`);
  const live = m.liveTransmat;
  assert.ok(Math.abs(live[0] + live[1] - 1) < 1e-12 && Math.abs(live[2] + live[3] - 1) < 1e-12);
  assert.ok(Math.abs(live[0] - 0.95) < 0.03);
});

Deno.test("TransitionMonitor flags a switched regime and clears only once the KL rate is below clearBelow", () => {
  const threshold = 0.05;
  const clearBelow = 0.01;
  const m = new TransitionMonitor(TRAINED, {
    threshold,
    clearBelow,
    forgetting: 0.99,
    priorWeight: 5,
  });
  const rng = new SeededRng(2);
  for (const p of chain(0.95, 1000, rng)) m.observe(p);
  assert.equal(m.drift, false);
  let raisedAt = -1;
  let t = 0;
  for (const p of chain(0.5, 1000, rng)) {
    const kl = m.observe(p);
    if (m.drift && raisedAt < 0) {
      raisedAt = t;
      assert.ok(kl > threshold, `raised at KL ${kl}`);
    }
    t++;
  }
  assert.ok(raisedAt >= 0 && raisedAt < 300, `raised at step ${raisedAt}`);
  assert.equal(m.drift, true);
  // Back to the trained regime: the flag must hold while clearBelow ≤ KL ≤ threshold.
  let heldInBand = 0;
  let cleared = false;
  for (const p of chain(0.95, 3000, rng)) {
    const before = m.drift;
    const kl = m.observe(p);
    if (before && !m.drift) {
      assert.ok(kl < clearBelow, `cleared at KL ${kl}`);
      cleared = true;
    }
    if (m.drift && kl < threshold) {
      assert.ok(kl >= clearBelow);
      heldInBand++;
    }
    if (!before && m.drift) assert.ok(kl > threshold);
  }
  assert.ok(cleared, "drift clears after the regime returns");
  assert.ok(heldInBand > 0, "the hysteresis band was crossed with the flag still set");
});

Deno.test("TransitionMonitor.restore() continues bit-exactly from a JSON round trip", () => {
  const a = new TransitionMonitor(TRAINED, { threshold: 0.05 });
  const rng = new SeededRng(5);
  const ps = [...chain(0.7, 400, rng)];
  ps.slice(0, 200).forEach((p) => a.observe(p));
  const b = new TransitionMonitor(TRAINED, { threshold: 0.05 });
  b.restore(JSON.parse(JSON.stringify(a.snapshot())));
  for (const p of ps.slice(200)) assert.ok(Object.is(a.observe(p), b.observe(p)));
  assert.deepEqual(b.snapshot(), a.snapshot());
});

Deno.test("TransitionMonitor refuses clearBelow ≥ threshold (RangeError) and a non-stochastic matrix", () => {
  assert.throws(
    () => new TransitionMonitor(TRAINED, { threshold: 0.05, clearBelow: 0.05 }),
    RangeError,
  );
  assert.throws(
    () => new TransitionMonitor(Float64Array.of(0.9, 0.2, 0, 1), { threshold: 0.05 }),
    (e: unknown) => e instanceof Error && "code" in e && e.code === "not_stochastic",
  );
});
