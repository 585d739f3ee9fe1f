import { z } from "zod";
import { baumWelch } from "../models/hmm/baum_welch.ts";
import { bicScore } from "../models/hmm/bic.ts";
import { filterHmm } from "../models/hmm/filter_hmm.ts";
import { flattenH2 } from "../models/hmm/flatten_h2.ts";
import type { GaussianHmm } from "../models/hmm/gaussian_hmm.ts";
import { h2Filter } from "../models/hmm/h2_filter.ts";
import { HmmInputError } from "../models/hmm/hmm_input_error.ts";
import { klTransmat } from "../models/hmm/kl_transmat.ts";
import { OnlineEm } from "../models/hmm/online_em.ts";
import { type PreparedHmm, prepareHmm } from "../models/hmm/prepared_hmm.ts";
import { scoreHmm } from "../models/hmm/score_hmm.ts";
import { smoothHmm } from "../models/hmm/smooth_hmm.ts";
import { validateH2 } from "../models/hmm/validate_h2.ts";
import { validateHmm } from "../models/hmm/validate_hmm.ts";
import { viterbiHmm } from "../models/hmm/viterbi_hmm.ts";
import {
  checkTensorsFinite,
  h2Tensors,
  modelTensors,
  modelToJson,
  readH2,
  readModel,
  rows,
  shapeH2,
  shapeModel,
} from "./_hmm_json_model.ts";
import { describe, expectShape, readTensor, type Tensor } from "./_hmm_json_tensor.ts";

/** One answer line of the adapter. */
export type HmmResponse =
  | { id: unknown; result: Record<string, unknown> }
  | { id: unknown; error: { code: string; message: string } };

/** The envelope every request shares; the op's own fields are read by its handler. */
const Envelope = z.looseObject({ op: z.string() });

type Request = Record<string, unknown>;
type Handler = (req: Request) => Record<string, unknown>;

/** Reads a required number (phase 1); ±Infinity is reported by `finiteScalar` later. */
function readNumber(req: Request, name: string): number {
  const v = req[name];
  if (typeof v !== "number") {
    throw new HmmInputError(
      "invalid_request",
      `Cannot read field ${name} as it must be a number: it is ${
        v === undefined ? "missing" : describe(v)
      }`,
    );
  }
  return v;
}

function readParams(req: Request): string {
  const v = req.params;
  if (v === undefined) return "stmc";
  if (typeof v !== "string") {
    throw new HmmInputError(
      "invalid_request",
      `Cannot read field params as it must be a string: it is ${describe(v)}`,
    );
  }
  return v;
}

function finiteScalars(values: Array<[string, number]>): void {
  for (const [name, v] of values) {
    if (!Number.isFinite(v)) {
      throw new HmmInputError("non_finite", `Cannot use field ${name} as it is not finite: ${v}`);
    }
  }
}

/** A model with observations, through every check up to the model's own values. */
interface ModelAndX {
  model: GaussianHmm;
  prepared: PreparedHmm;
  x: Float64Array;
  T: number;
}

/**
 * Reads `model` and `X` in the contract's order: types (with `readExtra` for the op's scalar
 * fields), shapes, non-finite numbers, then stochastic rows and covariances.
 */
function readModelAndX(
  req: Request,
  readExtra: () => Array<[string, number]> = () => [],
): ModelAndX {
  const m = readModel(req.model);
  const X = readTensor(req.X, "X");
  const scalars = readExtra();
  const model = shapeModel(m);
  const [T] = expectShape(X, "X", [undefined, model.D]);
  checkTensorsFinite([...modelTensors(m), ["X", X]]);
  finiteScalars(scalars);
  validateHmm(model);
  return { model, prepared: prepareHmm(model), x: X.data, T };
}

function score(req: Request): Record<string, unknown> {
  const { prepared, x } = readModelAndX(req);
  return { loglik: scoreHmm(prepared, x) };
}

function filter(req: Request): Record<string, unknown> {
  const { prepared, x, T } = readModelAndX(req);
  const r = filterHmm(prepared, x);
  return {
    filtered: rows(r.filtered, T, prepared.K),
    loglik_increments: Array.from(r.increments),
    loglik: r.loglik,
  };
}

function smooth(req: Request): Record<string, unknown> {
  const { prepared, x, T } = readModelAndX(req);
  const r = smoothHmm(prepared, x);
  return { posteriors: rows(r.posteriors, T, prepared.K), loglik: r.loglik };
}

function viterbi(req: Request): Record<string, unknown> {
  const { prepared, x } = readModelAndX(req);
  const r = viterbiHmm(prepared, x);
  return { path: Array.from(r.path), log_prob: r.logProb };
}

function em(req: Request): Record<string, unknown> {
  let nIter = 0;
  let minCovar = 0;
  let params = "";
  const { model, x } = readModelAndX(req, () => {
    nIter = readNumber(req, "n_iter");
    minCovar = readNumber(req, "min_covar");
    params = readParams(req);
    return [["n_iter", nIter], ["min_covar", minCovar]];
  });
  const r = baumWelch(model, x, { nIter, minCovar, params });
  return { model: modelToJson(r.model), loglik_trace: Array.from(r.loglikTrace) };
}

function onlineEm(req: Request): Record<string, unknown> {
  let stepAlpha = 0;
  let burnIn = 0;
  let minCovar = 0;
  const { model, x } = readModelAndX(req, () => {
    stepAlpha = readNumber(req, "step_alpha");
    burnIn = readNumber(req, "burn_in");
    minCovar = readNumber(req, "min_covar");
    return [["step_alpha", stepAlpha], ["burn_in", burnIn], ["min_covar", minCovar]];
  });
  const learner = new OnlineEm(model, { stepAlpha, burnIn, minCovar });
  const increments = learner.partialFit(x);
  return { model: modelToJson(learner.model), loglik_increments: Array.from(increments) };
}

function bic(req: Request): Record<string, unknown> {
  let params = "";
  const { prepared, x } = readModelAndX(req, () => {
    params = readParams(req);
    return [];
  });
  const r = bicScore(prepared, x, { params });
  return { n_params: r.nParams, loglik: r.loglik, bic: r.bic };
}

function readFlatH2(req: Request, withX: boolean) {
  const h = readH2(req.h2);
  const X: Tensor | null = withX ? readTensor(req.X, "X") : null;
  const h2 = shapeH2(h);
  if (X !== null) expectShape(X, "X", [undefined, h2.D]);
  checkTensorsFinite(X === null ? h2Tensors(h) : [...h2Tensors(h), ["X", X]]);
  validateH2(h2);
  return { flat: flattenH2(h2), x: X?.data ?? new Float64Array(0) };
}

function flattenH2Op(req: Request): Record<string, unknown> {
  const { flat } = readFlatH2(req, false);
  return { model: modelToJson(flat.model), offsets: Array.from(flat.offsets) };
}

function h2FilterOp(req: Request): Record<string, unknown> {
  const { flat, x } = readFlatH2(req, true);
  const r = h2Filter(flat, x);
  return {
    micro_filtered: rows(r.microFiltered, r.T, flat.model.K),
    macro_filtered: rows(r.macroFiltered, r.T, flat.offsets.length - 1),
    loglik_increments: Array.from(r.increments),
    loglik: r.loglik,
  };
}

function klTransmatOp(req: Request): Record<string, unknown> {
  const p = readTensor(req.transmat_p, "transmat_p");
  const q = readTensor(req.transmat_q, "transmat_q");
  const [K] = expectShape(p, "transmat_p", [undefined, undefined]);
  expectShape(p, "transmat_p", [K, K]);
  expectShape(q, "transmat_q", [K, K]);
  checkTensorsFinite([["transmat_p", p], ["transmat_q", q]]);
  const r = klTransmat(p.data, q.data);
  return { stationary: Array.from(r.stationary), row_kl: Array.from(r.rowKl), kl: r.kl };
}

const HANDLERS: Record<string, Handler> = {
  score,
  filter,
  smooth,
  viterbi,
  em,
  online_em: onlineEm,
  bic,
  flatten_h2: flattenH2Op,
  h2_filter: h2FilterOp,
  kl_transmat: klTransmatOp,
};

/** The ops the adapter answers. */
export const HMM_OPS: readonly string[] = Object.keys(HANDLERS);

/**
 * Answers one parsed request (FIXTURES.md): `result` on success, `error` with the contract code
 * otherwise. Never throws; an unexpected failure is answered with code `internal_error`.
 */
export function handleHmmRequest(value: unknown): HmmResponse {
  const id = typeof value === "object" && value !== null && !Array.isArray(value)
    ? ((value as Request).id ?? null)
    : null;
  try {
    const env = Envelope.safeParse(value);
    if (!env.success) {
      throw new HmmInputError(
        "invalid_request",
        `Cannot read the request as it must be an object with a string "op": it is ${
          describe(value)
        }${
          typeof value === "object" && value !== null && !Array.isArray(value)
            ? " without a string op"
            : ""
        }`,
      );
    }
    const handler = Object.hasOwn(HANDLERS, env.data.op) ? HANDLERS[env.data.op] : undefined;
    if (handler === undefined) {
      throw new HmmInputError(
        "unknown_op",
        `Cannot answer op ${JSON.stringify(env.data.op)}: known ops are ${HMM_OPS.join(", ")}`,
      );
    }
    return { id, result: handler(value as Request) };
  } catch (e) {
    if (e instanceof HmmInputError) return { id, error: { code: e.code, message: e.message } };
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return {
      id,
      error: { code: "internal_error", message: `Cannot answer the request: ${message}` },
    };
  }
}

/**
 * Answers one input line: null for an empty or whitespace-only line (no response), else the
 * response (a line that is not strict JSON gets `parse_error` with id null).
 */
export function handleHmmLine(line: string): HmmResponse | null {
  if (line.trim() === "") return null;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    const why = e instanceof SyntaxError ? e.message : String(e);
    return {
      id: null,
      error: { code: "parse_error", message: `Cannot parse the line as JSON: ${why}` },
    };
  }
  return handleHmmRequest(value);
}
