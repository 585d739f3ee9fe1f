import assert from "node:assert/strict";
import { CovarianceTracker } from "./covariance_tracker.ts";

// EWMA sums go through a few float operations: compare within 1e-15 absolute (values ~1e-4).
function close(actual: number, expected: number, tol = 1e-15): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} vs ${expected}`);
}

Deno.test("CovarianceTracker matches a hand-computed EWMA covariance (λ = 0.5, two bars)", () => {
  const t = new CovarianceTracker(["BTCUSDT", "ETHUSDT"], { halfLifeBars: 1 });
  t.update([0.01, 0.02]);
  t.update([-0.01, 0.03]);
  // S00 = .5·(.5·1e-4) + .5·1e-4 = 0.75e-4, W = 0.75 → 1e-4;
  // S01 = .5·(.5·2e-4) + .5·(−3e-4) = −1e-4 → −1.3333e-4; S11 = .5·(.5·4e-4) + .5·9e-4 = 5.5e-4 → 7.3333e-4.
  const cov = t.covariance();
  close(cov[0], 1e-4);
  close(cov[1], -1e-4 / 0.75);
  close(cov[2], -1e-4 / 0.75);
  close(cov[3], 5.5e-4 / 0.75);
  close(t.correlation(0, 1), (-1 / 0.75) / Math.sqrt(5.5 / 0.75), 1e-12);
  assert.equal(t.shrinkage, 0);
  assert.equal(t.bars, 2);
  assert.ok(t.isReady());
});

Deno.test("CovarianceTracker shrinks a perfectly correlated (singular) estimate toward its diagonal", () => {
  const t = new CovarianceTracker(["A", "B"], { halfLifeBars: 1 });
  t.update([0.01, 0.02]); // one bar: correlation exactly 1, not PD
  assert.equal(t.shrinkage, 0.05);
  close(t.correlation(0, 1), 0.95, 1e-12);
  close(t.covariance()[1], 0.95 * Math.sqrt(1e-4 * 4e-4));
});

Deno.test("CovarianceTracker detects a non-PD estimate from pairwise-missing returns and uses the first PD shrinkage", () => {
  // Pairs see disjoint bars: ρ01 = 1, ρ12 = 1, ρ02 = −1, all variances 1e-4. C = I + A with
  // λ_min(A) = −2 (eigenvector (1, −1, 1)), so (1 − α)·C + α·I is PD only for α > 0.5: the ladder
  // 0.05, 0.10, … stops at 0.55, leaving correlations ±0.45.
  const t = new CovarianceTracker(["A", "B", "C"], { halfLifeBars: 10 });
  for (let k = 0; k < 40; k++) {
    t.update([0.01, 0.01, Number.NaN]);
    t.update([Number.NaN, 0.01, 0.01]);
    t.update([0.01, Number.NaN, -0.01]);
  }
  close(t.rawCovariance(0, 1), 1e-4, 1e-16);
  close(t.rawCovariance(0, 2), -1e-4, 1e-16);
  close(t.shrinkage, 0.55, 1e-15);
  close(t.correlation(0, 1), 0.45, 1e-12);
  close(t.correlation(1, 2), 0.45, 1e-12);
  close(t.correlation(0, 2), -0.45, 1e-12);
  close(t.covariance()[0], 1e-4, 1e-16);
  close(t.covariance()[2], -0.45e-4, 1e-16);
});

Deno.test("CovarianceTracker is not ready before halfLifeBars joint bars and ready after", () => {
  const t = new CovarianceTracker(["A", "B"], { halfLifeBars: 4 });
  for (let k = 0; k < 3; k++) t.update([0.001 * (k + 1), -0.001]);
  assert.equal(t.isReady(), false);
  t.update([0.001, Number.NaN]); // B missing: the pair does not advance
  assert.equal(t.isReady(), false);
  t.update([0.002, 0.001]);
  assert.equal(t.isReady(), true);
});

Deno.test("CovarianceTracker gives a symbol without data correlation 0 and a floored variance", () => {
  const t = new CovarianceTracker(["A", "B"], { halfLifeBars: 1 });
  t.update([0.01, Number.NaN]);
  t.update([0.02, Number.NaN]);
  assert.equal(t.correlation(0, 1), 0);
  assert.equal(t.covariance()[3], 1e-12);
  assert.equal(t.shrinkage, 0);
});

Deno.test("CovarianceTracker.restore() continues bit for bit from a JSON snapshot", () => {
  const a = new CovarianceTracker(["A", "B"], { halfLifeBars: 30 });
  const returns = [[0.001, 0.002], [-0.003, -0.001], [0.0005, Number.NaN], [0.002, 0.0025]];
  for (const r of returns.slice(0, 2)) a.update(r);
  const b = CovarianceTracker.restore(JSON.parse(JSON.stringify(a.snapshot())));
  for (const r of returns.slice(2)) {
    a.update(r);
    b.update(r);
  }
  assert.deepEqual(b.snapshot(), a.snapshot());
  assert.deepEqual(Array.from(b.covariance()), Array.from(a.covariance()));
});

Deno.test("CovarianceTracker rejects bad construction, a wrong return length and a malformed snapshot", () => {
  assert.throws(() => new CovarianceTracker([], { halfLifeBars: 1 }), RangeError);
  assert.throws(() => new CovarianceTracker(["A", "A"], { halfLifeBars: 1 }), RangeError);
  assert.throws(() => new CovarianceTracker(["A"], { halfLifeBars: 0 }), RangeError);
  assert.throws(() => new CovarianceTracker(["A"], { halfLifeBars: 1 }).update([1, 2]), TypeError);
  const snap = new CovarianceTracker(["A", "B"], { halfLifeBars: 1 }).snapshot();
  assert.throws(() => CovarianceTracker.restore({ ...snap, sums: [0] }), TypeError);
  assert.throws(() => CovarianceTracker.restore({ ...snap, format: 2 }), TypeError);
});
