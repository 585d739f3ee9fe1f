import assert from "node:assert/strict";
import { statePriors } from "./state_priors.ts";

// Rows t0..t4; state probabilities [1,0], [.5,.5], [0,1], [.25,.75], [1,0].
const POST = Float64Array.from([1, 0, 0.5, 0.5, 0, 1, 0.25, 0.75, 1, 0], Math.log);
const RETURNS = Float64Array.of(0, 0.01, -0.02, 0.03, 0.01);
const LOG_A = Float64Array.from([0.9, 0.1, 0, 1], Math.log);

// Hand-computed sums of a few terms: compare within 1e-15.
function close(actual: number, expected: number): void {
  assert.ok(Math.abs(actual - expected) < 1e-15, `${actual} vs ${expected}`);
}

Deno.test("statePriors() weights one-bar forward returns by the filtered posterior", () => {
  const r = statePriors(POST, RETURNS, LOG_A);
  // forward returns f0..f3 = 0.01, −0.02, 0.03, 0.01
  // state 0: weights 1, .5, 0, .25 (Σ 1.75); Σ w·f = 0.01 − 0.01 + 0 + 0.0025 = 0.0025
  // state 1: weights 0, .5, 1, .75 (Σ 2.25); Σ w·f = −0.01 + 0.03 + 0.0075 = 0.0275
  const m0 = 0.0025 / 1.75, m1 = 0.0275 / 2.25;
  close(r.priors[0], m0);
  close(r.priors[1], m1);
  assert.equal(r.rows, 4);
  assert.equal(r.horizon, 1);
  const s0 = r.summary[0], s1 = r.summary[1];
  close(s0.occupancy, 0.4375);
  close(s1.occupancy, 0.5625);
  const v0 = (1 * (0.01 - m0) ** 2 + 0.5 * (-0.02 - m0) ** 2 + 0.25 * (0.01 - m0) ** 2) / 1.75;
  close(s0.volatility, Math.sqrt(v0));
  assert.ok(Math.abs(s0.expectedDuration - 10) < 1e-12, `${s0.expectedDuration}`);
  assert.equal(s1.expectedDuration, Infinity);
  assert.deepEqual([s0.state, s1.state], [0, 1]);
});

Deno.test("statePriors() sums returns over a longer horizon", () => {
  const r = statePriors(POST, RETURNS, LOG_A, { horizon: 2 });
  // f0..f2 = −0.01, 0.01, 0.04; state 0 weights 1, .5, 0
  close(r.priors[0], (-0.01 + 0.005) / 1.5);
  close(r.priors[1], (0.005 + 0.04) / 1.5);
  assert.equal(r.rows, 3);
});

Deno.test("statePriors() uses only rows whose start and end are in the mask", () => {
  const r = statePriors(POST, RETURNS, LOG_A, { mask: [1, 1, 0, 1, 1] });
  // rows t0 (f 0.01, weights 1/0) and t3 (f 0.01, weights .25/.75)
  assert.equal(r.rows, 2);
  close(r.priors[0], 0.01);
  close(r.priors[1], 0.01);
  close(r.summary[0].occupancy, 1.25 / 2);
});

Deno.test("statePriors() gives prior 0 to a state below minOccupancy but reports its mean", () => {
  const post = Float64Array.from([0.999, 0.001, 0.999, 0.001, 0.999, 0.001], Math.log);
  const r = statePriors(post, Float64Array.of(0, 0.02, 0.02), LOG_A, { minOccupancy: 0.01 });
  assert.equal(r.priors[1], 0);
  close(r.summary[1].meanReturn, 0.02);
  close(r.priors[0], 0.02);
  close(r.summary[1].occupancy, 0.001);
});

Deno.test("statePriors() throws for mismatched shapes, NaN inputs and no usable row", () => {
  assert.throws(() => statePriors(POST, RETURNS.subarray(1), LOG_A), TypeError);
  assert.throws(() => statePriors(POST, RETURNS, LOG_A.subarray(1)), TypeError);
  assert.throws(() => statePriors(POST, Float64Array.of(0, NaN, 0, 0, 0), LOG_A), RangeError);
  assert.throws(() => statePriors(POST, RETURNS, LOG_A, { horizon: 0 }), RangeError);
  assert.throws(() => statePriors(POST, RETURNS, LOG_A, { horizon: 5 }), /no usable row/);
  const nanPost = POST.slice();
  nanPost[3] = NaN;
  assert.throws(() => statePriors(nanPost, RETURNS, LOG_A), RangeError);
});
