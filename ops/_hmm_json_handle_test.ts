import assert from "node:assert/strict";
import { handleHmmLine, type HmmResponse } from "./_hmm_json_handle.ts";

const MODEL = {
  covariance_type: "diag",
  startprob: [0.5, 0.5],
  transmat: [[0.9, 0.1], [0.2, 0.8]],
  means: [[0], [3]],
  covars: [[1], [1]],
};
const X = [[0.1], [2.9], [3.2]];

function answer(req: unknown): HmmResponse {
  const r = handleHmmLine(typeof req === "string" ? req : JSON.stringify(req));
  assert.ok(r !== null);
  return r;
}

function code(req: unknown): string {
  const r = answer(req);
  return "error" in r ? r.error.code : "result";
}

Deno.test("handleHmmLine() skips blank lines and answers bare NaN or Infinity with parse_error", () => {
  assert.equal(handleHmmLine(""), null);
  assert.equal(handleHmmLine(" \t\r"), null);
  assert.equal(code('{"id": 1, "op": "score", "X": [[NaN]]}'), "parse_error");
  assert.equal(code('{"id": 1, "op": "score", "X": [[Infinity]]}'), "parse_error");
  assert.equal(answer("{").id, null);
});

Deno.test("handleHmmLine() answers envelope defects with invalid_request and unknown ops with unknown_op", () => {
  assert.equal(code("null"), "invalid_request");
  assert.equal(code('"score"'), "invalid_request");
  assert.equal(code({ id: 1 }), "invalid_request");
  assert.equal(code({ id: 1, op: 3 }), "invalid_request");
  assert.equal(code({ id: 1, op: "toString" }), "unknown_op");
  assert.equal(code({ id: 1, op: "Score" }), "unknown_op");
});

Deno.test("handleHmmLine() answers missing or mistyped fields with invalid_request", () => {
  assert.equal(code({ id: 1, op: "score", model: MODEL }), "invalid_request");
  assert.equal(code({ id: 1, op: "score", model: "m", X }), "invalid_request");
  assert.equal(
    code({ id: 1, op: "score", model: { ...MODEL, covars: undefined }, X }),
    "invalid_request",
  );
  assert.equal(
    code({ id: 1, op: "score", model: { ...MODEL, covariance_type: undefined }, X }),
    "invalid_request",
  );
  assert.equal(code({ id: 1, op: "score", model: MODEL, X: [[null]] }), "invalid_request");
  assert.equal(
    code({ id: 1, op: "em", model: MODEL, X, n_iter: "3", min_covar: 0 }),
    "invalid_request",
  );
  assert.equal(code({ id: 1, op: "em", model: MODEL, X, n_iter: 3 }), "invalid_request");
  assert.equal(code({ id: 1, op: "bic", model: MODEL, X, params: 5 }), "invalid_request");
  assert.equal(
    code({
      id: 1,
      op: "h2_filter",
      X,
      h2: { covariance_type: "diag", macro_startprob: [1], macro_transmat: [[1]], micro: {} },
    }),
    "invalid_request",
  );
});

Deno.test("handleHmmLine() answers shape defects with shape_mismatch before value defects", () => {
  assert.equal(code({ id: 1, op: "score", model: MODEL, X: [0.1, 0.2] }), "shape_mismatch");
  assert.equal(code({ id: 1, op: "score", model: MODEL, X: [[[0.1]]] }), "shape_mismatch");
  assert.equal(code({ id: 1, op: "score", model: MODEL, X: [[]] }), "shape_mismatch");
  assert.equal(
    code({ id: 1, op: "score", model: { ...MODEL, startprob: [] }, X }),
    "shape_mismatch",
  );
  assert.equal(
    code({ id: 1, op: "score", model: { ...MODEL, covars: [[[1]], [[1]]] }, X }),
    "shape_mismatch",
  );
  assert.equal(
    code({ id: 1, op: "kl_transmat", transmat_p: [[1, 0]], transmat_q: [[1, 0]] }),
    "shape_mismatch",
  );
  // Ragged X that also holds 1e999: the shape is reported first.
  assert.equal(
    code('{"id":1,"op":"score","model":' + JSON.stringify(MODEL) + ',"X":[[1e999],[1,2]]}'),
    "shape_mismatch",
  );
});

Deno.test("handleHmmLine() answers 1e999 in a scalar with non_finite before invalid_argument", () => {
  const req = `{"id":1,"op":"em","model":${JSON.stringify(MODEL)},"X":${
    JSON.stringify(X)
  },"n_iter":1e999,"min_covar":0}`;
  assert.equal(code(req), "non_finite");
  assert.equal(code({ id: 1, op: "em", model: MODEL, X, n_iter: 2.0, min_covar: 0 }), "result");
  assert.equal(
    code({ id: 1, op: "em", model: MODEL, X, n_iter: 2, min_covar: 0, params: "" }),
    "result",
  );
  assert.equal(
    code({ id: 1, op: "online_em", model: MODEL, X, step_alpha: 1, burn_in: 0, min_covar: 0 }),
    "result",
  );
  assert.equal(
    code({ id: 1, op: "online_em", model: MODEL, X, step_alpha: 0.5, burn_in: 0, min_covar: 0 }),
    "invalid_argument",
  );
});

Deno.test("handleHmmLine() echoes any JSON id and writes +Infinity KL as null", () => {
  const r = answer({
    id: { run: [1, 2] },
    op: "kl_transmat",
    transmat_p: [[0.5, 0.5], [0.5, 0.5]],
    transmat_q: [[1, 0], [0.5, 0.5]],
  });
  assert.deepEqual(r.id, { run: [1, 2] });
  const text = JSON.stringify(r);
  assert.ok(!text.includes("Infinity") && !text.includes("NaN"));
  assert.deepEqual(JSON.parse(text).result.row_kl[0], null);
  assert.equal(JSON.parse(text).result.kl, null);
  assert.equal(answer({ op: "score", model: MODEL, X }).id, null);
});
