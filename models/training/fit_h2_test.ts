import assert from "node:assert/strict";
import { flattenH2 } from "../hmm/flatten_h2.ts";
import { OnlineH2Filter } from "../hmm/h2_filter.ts";
import { validateH2 } from "../hmm/validate_h2.ts";
import { regimeBars, sliceBars, SMALL_MACRO_MICRO } from "./_test_support.ts";
import { fitH2 } from "./fit_h2.ts";
import { TrainingInputError } from "./training_input_error.ts";
import { trainingMatrix } from "./training_matrix.ts";

const bars = regimeBars(11, 10_200);
const matrix = trainingMatrix(SMALL_MACRO_MICRO, bars);
const Ds = SMALL_MACRO_MICRO.slow.columns.length;
const D = SMALL_MACRO_MICRO.columns.length;
const fit = fitH2(matrix.x, SMALL_MACRO_MICRO, { macroStates: 2, microStates: 2, seed: 1 });

Deno.test("fitH2() assembles a valid H2 model with a tied slow block inflated by 60", () => {
  const h2 = fit.h2;
  validateH2(h2);
  assert.equal(fit.slowRepeat, 60);
  assert.equal(h2.M, 2);
  assert.equal(h2.D, D);
  const slow0 = h2.micro[0].covars.slice(0, Ds);
  for (let d = 0; d < Ds; d++) {
    // an hour-weighted average of the regimes' hourly variances, times 60
    const a = fit.macro.covars[d], b = fit.macro.covars[Ds + d];
    const pooled = slow0[d] / 60;
    assert.ok(pooled >= Math.min(a, b) * (1 - 1e-12) && pooled <= Math.max(a, b) * (1 + 1e-12));
  }
  for (let m = 0; m < 2; m++) {
    const mi = h2.micro[m];
    for (let u = 0; u < mi.U; u++) {
      assert.deepEqual(mi.covars.slice(u * D, u * D + Ds), slow0, `tied slow block (${m}, ${u})`);
      assert.deepEqual(
        mi.means.slice(u * D, u * D + Ds),
        fit.macro.means.slice(m * Ds, (m + 1) * Ds),
      );
    }
  }
});

Deno.test("fitH2() counts the per-minute macro chain from the assignments with one pseudo-count", () => {
  const counts = [1, 1, 1, 1];
  for (let r = 1; r < matrix.rows; r++) counts[fit.labels[r - 1] * 2 + fit.labels[r]]++;
  const row0 = counts[0] + counts[1];
  assert.ok(Math.abs(fit.h2.macroTransmat[0] - counts[0] / row0) < 1e-15);
  assert.ok(Math.abs(fit.h2.macroTransmat[3] - counts[3] / (counts[2] + counts[3])) < 1e-15);
  // switches happen only where the slow vector changes (hour boundaries)
  for (let r = 1; r < matrix.rows; r++) {
    if (fit.labels[r] !== fit.labels[r - 1]) {
      assert.notEqual(matrix.x[r * D], matrix.x[(r - 1) * D]);
    }
  }
});

Deno.test("fitH2() model filters the training rows with a finite loglik and a live macro posterior", () => {
  const flat = flattenH2(fit.h2);
  const filter = new OnlineH2Filter(flat);
  let ll = 0;
  const share = [0, 0];
  for (let r = 0; r < matrix.rows; r++) {
    ll += filter.step(matrix.x, r * D);
    share[filter.macroState()]++;
  }
  assert.ok(Number.isFinite(ll));
  assert.ok(share[0] > 0.05 * matrix.rows && share[1] > 0.05 * matrix.rows, `shares ${share}`);
});

Deno.test("fitH2() builds block-diagonal full covariances", () => {
  const full = fitH2(matrix.x, SMALL_MACRO_MICRO, {
    macroStates: 1, // full slow covariances of 2 regimes need 219 hours
    microStates: 2,
    covarianceType: "full",
    minCovar: 0.01,
  });
  validateH2(full.h2);
  const c = full.h2.micro[0].covars.subarray(D * D);
  for (let r = 0; r < Ds; r++) {
    for (let k = Ds; k < D; k++) {
      assert.equal(c[r * D + k], 0);
      assert.equal(c[k * D + r], 0);
    }
  }
});

Deno.test("fitH2() refuses regimes the hours cannot support", () => {
  const short = trainingMatrix(SMALL_MACRO_MICRO, sliceBars(bars, 0, 4000));
  assert.throws(
    () => fitH2(short.x, SMALL_MACRO_MICRO, { macroStates: 3 }),
    (e: unknown) =>
      e instanceof TrainingInputError &&
      /Cannot fit 3 macro regimes on \d+ slow bars: need at least 150/.test(e.message),
  );
  assert.throws(() => fitH2(matrix.x, SMALL_MACRO_MICRO, { microStates: 0 }), TrainingInputError);
});
