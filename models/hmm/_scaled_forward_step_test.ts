import assert from "node:assert/strict";
import { SeededRng } from "../seeded_rng.ts";
import { forwardStep } from "./forward_step.ts";
import { scaledForwardStep } from "./_scaled_forward_step.ts";

function randomStochastic(K: number, rng: SeededRng, zeros: boolean): Float64Array {
  const a = new Float64Array(K * K);
  for (let i = 0; i < K; i++) {
    let s = 0;
    for (let j = 0; j < K; j++) {
      const v = zeros && j !== i && rng.next() < 0.4 ? 0 : rng.next();
      a[i * K + j] = v;
      s += v;
    }
    for (let j = 0; j < K; j++) a[i * K + j] /= s;
  }
  return a;
}

Deno.test("scaledForwardStep() agrees with forwardStep() to 1e-13, with zeros and posteriors near e^-800", () => {
  const rng = new SeededRng(17);
  const scratch = new Float64Array(6);
  for (let trial = 0; trial < 500; trial++) {
    const K = 1 + (trial % 6);
    const A = randomStochastic(K, rng, trial % 2 === 0);
    const logA = A.map(Math.log);
    const prev = new Float64Array(K);
    for (let i = 0; i < K; i++) {
      prev[i] = trial % 3 === 0 ? -800 * rng.next() : Math.log(rng.next());
    }
    if (trial % 5 === 0 && K > 1) prev[0] = -Infinity;
    const norm = Math.log(prev.reduce((s, v) => s + Math.exp(v), 0));
    if (Number.isFinite(norm)) { for (let i = 0; i < K; i++) prev[i] -= norm; }
    const logB = Float64Array.from(
      { length: K },
      () => (rng.next() - 0.5) * (trial % 4 === 0 ? 2e6 : 20),
    );
    const want = new Float64Array(K);
    const got = new Float64Array(K);
    const a = forwardStep(prev, logA, logB, want);
    const b = scaledForwardStep(prev, A, logA, logB, 0, got, scratch);
    assert.ok(Math.abs(a - b) <= 1e-13 * Math.max(1, Math.abs(a)), `trial ${trial}: ${a} vs ${b}`);
    for (let j = 0; j < K; j++) {
      if (want[j] === -Infinity) assert.equal(got[j], -Infinity);
      else {assert.ok(
          Math.abs(want[j] - got[j]) <= 1e-12 * Math.max(1, Math.abs(want[j])),
          `trial ${trial} state ${j}`,
        );}
    }
  }
});

Deno.test("scaledForwardStep() keeps a state reachable only from one at log-probability -800", () => {
  // State 1 is entered only from itself; its posterior is e^-800 relative to state 0.
  const A = Float64Array.of(1, 0, 0, 1);
  const prev = Float64Array.of(0, -800);
  const out = new Float64Array(2);
  const inc = scaledForwardStep(
    prev,
    A,
    A.map(Math.log),
    Float64Array.of(-1000, 0),
    0,
    out,
    new Float64Array(2),
  );
  assert.ok(Math.abs(inc - (-800 + Math.log1p(Math.exp(-200)))) < 1e-9);
  assert.ok(Math.abs(out[1]) < 1e-80 && Math.abs(out[0] + 200) < 1e-9);
});
