import assert from "node:assert/strict";
import { portfolioVariance, varianceBudgetFraction } from "./variance_budget_fraction.ts";

const POS = Float64Array.of(1, 0.5, 0.5, 1);
const NEG = Float64Array.of(1, -0.5, -0.5, 1);

Deno.test("portfolioVariance() is xᵀΣx", () => {
  assert.equal(portfolioVariance(POS, [1, 2]), 1 + 2 * 0.5 * 2 + 4);
});

Deno.test("varianceBudgetFraction() solves a·t² + 2b·t + c = budget for the largest t", () => {
  // x = (1, 0), add d = 2 to symbol 1: a = 4, b = 2·0.5 = 1, c = 1; f(1) = 7.
  assert.equal(varianceBudgetFraction(POS, [1, 0], 1, 2, 7), 1);
  assert.equal(varianceBudgetFraction(POS, [1, 0], 1, 2, 3), 0.5); // 4t² + 2t + 1 = 3
  assert.equal(varianceBudgetFraction(POS, [1, 0], 1, 2, 0.5), 0); // already over budget
});

Deno.test("varianceBudgetFraction() lets a hedge bring an over-budget book back within budget", () => {
  // x = (2, 0), ρ = −0.5: f(t) = 4 − 4t + 4t²; f(1) = 4 > 3.5; upper root (2 + √2) / 4.
  const t = varianceBudgetFraction(NEG, [2, 0], 1, 2, 3.5);
  assert.ok(Math.abs(t - (2 + Math.SQRT2) / 4) < 1e-15, String(t));
});

Deno.test("varianceBudgetFraction() handles a symbol without variance linearly", () => {
  const cov = Float64Array.of(1, 0, 0, 0);
  assert.equal(varianceBudgetFraction(cov, [1, 0], 1, 5, 1), 1);
  assert.equal(varianceBudgetFraction(cov, [2, 0], 1, 5, 1), 0);
});
