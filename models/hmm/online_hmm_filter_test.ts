import assert from "node:assert/strict";
import { SeededRng } from "../seeded_rng.ts";
import { filterHmm } from "./filter_hmm.ts";
import { OnlineHmmFilter } from "./online_hmm_filter.ts";
import { prepareHmm } from "./prepared_hmm.ts";
import { sampleHmm } from "./_sample_hmm.ts";
import { threeStateFull, twoStateDiag } from "./_test_models.ts";

Deno.test("OnlineHmmFilter.step() reuses one posterior buffer and matches filterHmm bit for bit", () => {
  const hmm = prepareHmm(twoStateDiag());
  const { x } = sampleHmm(hmm.model, 200, new SeededRng(1));
  const f = new OnlineHmmFilter(hmm);
  const buffer = f.logPosterior;
  const batch = filterHmm(hmm, x);
  const post = new Float64Array(2);
  for (let t = 0; t < 200; t++) {
    const inc = f.step(x, t * 2);
    assert.equal(f.logPosterior, buffer, "the same Float64Array every step");
    assert.equal(inc, batch.increments[t]);
    f.posteriors(post);
    assert.equal(post[0], batch.filtered[t * 2]);
    assert.equal(post[1], batch.filtered[t * 2 + 1]);
  }
  assert.equal(f.steps, 200);
});

Deno.test("OnlineHmmFilter.restore() continues bit-exactly from a JSON round trip of snapshot()", () => {
  const hmm = prepareHmm(threeStateFull()); // state 2 stays at -Infinity until reached
  const { x } = sampleHmm(hmm.model, 120, new SeededRng(7));
  const a = new OnlineHmmFilter(hmm);
  a.step(x, 0);
  assert.equal(a.logPosterior[2], -Infinity);
  const early = JSON.parse(JSON.stringify(a.snapshot()));
  assert.equal(early.logPosterior[2], null);
  for (let t = 1; t < 60; t++) a.step(x, t * 2);
  const snap = JSON.parse(JSON.stringify(a.snapshot()));
  const b = new OnlineHmmFilter(hmm);
  b.restore(snap);
  assert.equal(b.steps, 60);
  for (let t = 60; t < 120; t++) {
    assert.ok(Object.is(a.step(x, t * 2), b.step(x, t * 2)));
    assert.deepEqual(Array.from(b.logPosterior), Array.from(a.logPosterior));
  }
  const c = new OnlineHmmFilter(hmm);
  c.restore(early);
  assert.equal(c.logPosterior[2], -Infinity);
});

Deno.test("OnlineHmmFilter.restore() refuses a snapshot of another size with TypeError", () => {
  const f = new OnlineHmmFilter(prepareHmm(twoStateDiag()));
  assert.throws(() => f.restore({ steps: 1, logPosterior: [0, 0, 0] }), TypeError);
});

Deno.test("OnlineHmmFilter argmax() and confidence() follow the posterior, ties to the lowest state", () => {
  const hmm = prepareHmm(twoStateDiag());
  const f = new OnlineHmmFilter(hmm);
  assert.equal(f.argmax(), 0);
  assert.equal(f.confidence(), 0.5);
  f.step(Float64Array.of(2, 1));
  assert.equal(f.argmax(), 1);
  assert.ok(f.confidence() > 0.99);
});

Deno.test("OnlineHmmFilter.step() returns -Infinity for an observation ~1e200 sd out and keeps a finite posterior", () => {
  const hmm = prepareHmm(twoStateDiag());
  const f = new OnlineHmmFilter(hmm);
  f.step(Float64Array.of(-2, 0));
  const inc = f.step(Float64Array.of(1e200, 0));
  assert.equal(inc, -Infinity);
  const p = f.posteriors(new Float64Array(2));
  assert.ok(Number.isFinite(p[0]) && Number.isFinite(p[1]));
  assert.ok(Math.abs(p[0] + p[1] - 1) < 1e-15);
  assert.ok(Number.isFinite(f.step(Float64Array.of(-2, 0))));
});
