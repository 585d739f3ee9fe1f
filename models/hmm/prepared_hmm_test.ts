import assert from "node:assert/strict";
import { prepareHmm } from "./prepared_hmm.ts";
import { threeStateFull, twoStateDiag } from "./_test_models.ts";
import { HmmInputError } from "./hmm_input_error.ts";

function close(a: number, b: number, tol: number): void {
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);
}

Deno.test("PreparedHmm.logEmissions() matches the diagonal Gaussian log density", () => {
  const m = twoStateDiag();
  const hmm = prepareHmm(m);
  const out = new Float64Array(2);
  const x = Float64Array.of(0.3, -0.7);
  hmm.logEmissions(x, 0, out, 0);
  for (let k = 0; k < 2; k++) {
    let want = 0;
    for (let d = 0; d < 2; d++) {
      const v = m.covars[k * 2 + d];
      want += -0.5 * (Math.log(2 * Math.PI * v) + (x[d] - m.means[k * 2 + d]) ** 2 / v);
    }
    close(out[k], want, 1e-14);
  }
});

Deno.test("PreparedHmm.logEmissions() matches the full Gaussian log density via the 2×2 inverse", () => {
  const m = threeStateFull();
  const hmm = prepareHmm(m);
  const out = new Float64Array(4);
  const x = Float64Array.of(9, 0.5, -1, 2);
  hmm.logEmissions(x, 2, out, 1);
  assert.equal(out[0], 0, "writes only from outOffset");
  for (let k = 0; k < 3; k++) {
    const [a, b, , d] = m.covars.subarray(k * 4, k * 4 + 4);
    const det = a * d - b * b;
    const y0 = -1 - m.means[k * 2];
    const y1 = 2 - m.means[k * 2 + 1];
    const q = (d * y0 * y0 - 2 * b * y0 * y1 + a * y1 * y1) / det;
    close(out[k + 1], -0.5 * (2 * Math.log(2 * Math.PI) + Math.log(det) + q), 1e-13);
  }
});

Deno.test("prepareHmm() turns zeros of startprob and transmat into -Infinity", () => {
  const hmm = prepareHmm(threeStateFull());
  assert.equal(hmm.logStartprob[2], -Infinity);
  assert.equal(hmm.logTransmat[2], -Infinity);
});

Deno.test("prepareHmm() refuses a zero variance with not_positive_definite", () => {
  const m = { ...twoStateDiag(), covars: Float64Array.of(1, 0, 1, 1) };
  assert.throws(
    () => prepareHmm(m),
    (e: unknown) => e instanceof HmmInputError && e.code === "not_positive_definite",
  );
});

Deno.test("PreparedHmm.reload() swaps parameters in place and leaves them unchanged on failure", () => {
  const hmm = prepareHmm(twoStateDiag());
  const logA = hmm.logTransmat;
  const moved = { ...twoStateDiag(), means: Float64Array.of(5, 5, 6, 6) };
  hmm.reload(moved);
  assert.equal(hmm.logTransmat, logA, "same buffer");
  assert.deepEqual(Array.from(hmm.model.means), [5, 5, 6, 6]);
  const bad = { ...moved, covars: Float64Array.of(1, 1, -1, 1) };
  assert.throws(() => hmm.reload(bad), HmmInputError);
  assert.deepEqual(Array.from(hmm.model.covars), [0.5, 1, 1, 0.25]);
});
