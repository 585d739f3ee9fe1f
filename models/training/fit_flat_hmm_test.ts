import assert from "node:assert/strict";
import { regimeBars, SMALL_BARS } from "./_test_support.ts";
import { fitFlatHmm, minRowsFor } from "./fit_flat_hmm.ts";
import { TrainingInputError } from "./training_input_error.ts";
import { trainingMatrix } from "./training_matrix.ts";

const matrix = trainingMatrix(SMALL_BARS, regimeBars(5, 1500));
const D = matrix.D;

Deno.test("minRowsFor() asks 3 rows per free parameter (hmmlearn's count)", () => {
  // K=2, D=7 diag: 1 + 2 + 14 + 14 = 31 parameters; full: 1 + 2 + 14 + 56 = 73
  assert.equal(minRowsFor("diag", 2, 7), 93);
  assert.equal(minRowsFor("full", 2, 7), 219);
});

Deno.test("fitFlatHmm() refuses K < 1 and a K the rows cannot support", () => {
  assert.throws(() => fitFlatHmm(matrix.x, D, { states: 0 }), TrainingInputError);
  assert.throws(() => fitFlatHmm(matrix.x, D, { states: 30 }), {
    name: "TrainingInputError",
    message: new RegExp(
      `Cannot fit K=30 states \\(diag, D=7\\) on ${matrix.rows} rows: need at least ${
        minRowsFor("diag", 30, 7)
      }`,
    ),
  });
});

Deno.test("fitFlatHmm() with auto fits only the candidates the rows support and keeps the lowest BIC", () => {
  const rows = 120; // K=2 needs 93 rows, K=3 needs 150
  const x = matrix.x.slice(0, rows * D);
  const iters: string[] = [];
  const fit = fitFlatHmm(x, D, {
    states: "auto",
    candidates: [3, 2],
    onIteration: (part) => iters.push(part),
  });
  assert.equal(fit.K, 2);
  assert.deepEqual(fit.skipped, [3]);
  assert.deepEqual(fit.bicTable!.map((r) => r.K), [2]);
  assert.equal(fit.iterations + 1, iters.length);
  assert.ok(iters.every((p) => p === "K=2"));
  assert.throws(
    () => fitFlatHmm(x.slice(0, 50 * D), D, { states: "auto", candidates: [2, 3] }),
    /Cannot choose K among \[2,3\] on 50 rows: even K=2 needs 93 rows/,
  );
});

Deno.test("fitFlatHmm() is deterministic for a seed and reports one progress call per E-step", () => {
  const calls: number[] = [];
  const a = fitFlatHmm(matrix.x, D, { states: 2, seed: 3, onIteration: (_, i) => calls.push(i) });
  const b = fitFlatHmm(matrix.x, D, { states: 2, seed: 3 });
  assert.deepEqual(a.model, b.model);
  assert.equal(a.loglik, b.loglik);
  assert.deepEqual(calls, Array.from({ length: a.iterations + 1 }, (_, i) => i));
  assert.equal(a.bicTable, null);
});
