import { covarsLength, type GaussianHmm } from "../models/hmm/gaussian_hmm.ts";
import type { H2Hmm, MicroHmm } from "../models/hmm/h2_hmm.ts";
import { HmmInputError } from "../models/hmm/hmm_input_error.ts";
import { describe, expectShape, readTensor, type Tensor } from "./_hmm_json_tensor.ts";

/** A request field read through the type checks, waiting for the shape and value checks. */
export interface ReadModel {
  covarianceType: "diag" | "full";
  startprob: Tensor;
  transmat: Tensor;
  means: Tensor;
  covars: Tensor;
}

/** A plain JSON object, or `invalid_request`. */
export function readObject(value: unknown, name: string): Record<string, unknown> {
  if (value === undefined) {
    throw new HmmInputError("invalid_request", `Cannot read the request: field ${name} is missing`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new HmmInputError(
      "invalid_request",
      `Cannot read field ${name} as it must be an object: it is ${describe(value)}`,
    );
  }
  return value as Record<string, unknown>;
}

/** The covariance_type field, or `invalid_request`. */
export function readCovarianceType(obj: Record<string, unknown>, name: string): "diag" | "full" {
  const c = obj.covariance_type;
  if (c !== "diag" && c !== "full") {
    throw new HmmInputError(
      "invalid_request",
      `Cannot read ${name}.covariance_type as it must be "diag" or "full": ${
        c === undefined ? "missing" : JSON.stringify(c)
      }`,
    );
  }
  return c;
}

/** Phase 1 of a model: object, covariance type, numeric arrays. */
export function readModel(value: unknown, name = "model"): ReadModel {
  const obj = readObject(value, name);
  return {
    covarianceType: readCovarianceType(obj, name),
    startprob: readTensor(obj.startprob, `${name}.startprob`),
    transmat: readTensor(obj.transmat, `${name}.transmat`),
    means: readTensor(obj.means, `${name}.means`),
    covars: readTensor(obj.covars, `${name}.covars`),
  };
}

/** Phase 2 of a model: shapes (K, D consistent, all ≥ 1), giving the typed model. */
export function shapeModel(m: ReadModel, name = "model"): GaussianHmm {
  const [K] = expectShape(m.startprob, `${name}.startprob`, [undefined]);
  expectShape(m.transmat, `${name}.transmat`, [K, K]);
  const [, D] = expectShape(m.means, `${name}.means`, [K, undefined]);
  expectShape(m.covars, `${name}.covars`, m.covarianceType === "diag" ? [K, D] : [K, D, D]);
  return {
    covarianceType: m.covarianceType,
    K,
    D,
    startprob: m.startprob.data,
    transmat: m.transmat.data,
    means: m.means.data,
    covars: m.covars.data,
  };
}

/** Throws `non_finite` if any of the tensors holds ±Infinity. */
export function checkTensorsFinite(tensors: Array<[string, Tensor]>): void {
  for (const [name, t] of tensors) {
    if (t.nonFinite) {
      throw new HmmInputError(
        "non_finite",
        `Cannot use field ${name} as it holds a number that is not finite (e.g. 1e999)`,
      );
    }
  }
}

/** The tensors of a read model, named, for `checkTensorsFinite`. */
export function modelTensors(m: ReadModel, name = "model"): Array<[string, Tensor]> {
  return [
    [`${name}.startprob`, m.startprob],
    [`${name}.transmat`, m.transmat],
    [`${name}.means`, m.means],
    [`${name}.covars`, m.covars],
  ];
}

/** Phase 1 of an H2 model. */
export interface ReadH2 {
  covarianceType: "diag" | "full";
  macroStartprob: Tensor;
  macroTransmat: Tensor;
  micro: Array<Omit<ReadModel, "covarianceType">>;
}

/** Reads an h2 object through the type checks. */
export function readH2(value: unknown, name = "h2"): ReadH2 {
  const obj = readObject(value, name);
  const covarianceType = readCovarianceType(obj, name);
  const macroStartprob = readTensor(obj.macro_startprob, `${name}.macro_startprob`);
  const macroTransmat = readTensor(obj.macro_transmat, `${name}.macro_transmat`);
  if (!Array.isArray(obj.micro)) {
    throw new HmmInputError(
      "invalid_request",
      `Cannot read field ${name}.micro as it must be an array of objects: it is ${
        obj.micro === undefined ? "missing" : describe(obj.micro)
      }`,
    );
  }
  const micro = obj.micro.map((mv: unknown, m: number) => {
    const mo = readObject(mv, `${name}.micro[${m}]`);
    return {
      startprob: readTensor(mo.startprob, `${name}.micro[${m}].startprob`),
      transmat: readTensor(mo.transmat, `${name}.micro[${m}].transmat`),
      means: readTensor(mo.means, `${name}.micro[${m}].means`),
      covars: readTensor(mo.covars, `${name}.micro[${m}].covars`),
    };
  });
  return { covarianceType, macroStartprob, macroTransmat, micro };
}

/** Phase 2 of an H2 model: shapes, one D shared by every micro block. */
export function shapeH2(h: ReadH2, name = "h2"): H2Hmm {
  const [M] = expectShape(h.macroStartprob, `${name}.macro_startprob`, [undefined]);
  expectShape(h.macroTransmat, `${name}.macro_transmat`, [M, M]);
  if (h.micro.length !== M) {
    throw new HmmInputError(
      "shape_mismatch",
      `Cannot use field ${name}.micro as it must hold ${M} blocks: it holds ${h.micro.length}`,
    );
  }
  let D: number | undefined;
  const micro: MicroHmm[] = h.micro.map((mi, m) => {
    const p = `${name}.micro[${m}]`;
    const [U] = expectShape(mi.startprob, `${p}.startprob`, [undefined]);
    expectShape(mi.transmat, `${p}.transmat`, [U, U]);
    const [, d] = expectShape(mi.means, `${p}.means`, [U, D]);
    D = d;
    expectShape(mi.covars, `${p}.covars`, h.covarianceType === "diag" ? [U, d] : [U, d, d]);
    return {
      U,
      startprob: mi.startprob.data,
      transmat: mi.transmat.data,
      means: mi.means.data,
      covars: mi.covars.data,
    };
  });
  return {
    covarianceType: h.covarianceType,
    M,
    D: D as number,
    macroStartprob: h.macroStartprob.data,
    macroTransmat: h.macroTransmat.data,
    micro,
  };
}

/** The tensors of a read H2 model, named, for `checkTensorsFinite`. */
export function h2Tensors(h: ReadH2, name = "h2"): Array<[string, Tensor]> {
  const out: Array<[string, Tensor]> = [
    [`${name}.macro_startprob`, h.macroStartprob],
    [`${name}.macro_transmat`, h.macroTransmat],
  ];
  h.micro.forEach((mi, m) =>
    out.push(...modelTensors({ covarianceType: "diag", ...mi }, `${name}.micro[${m}]`))
  );
  return out;
}

/** Rows of a row-major matrix as nested arrays. */
export function rows(data: ArrayLike<number>, n: number, m: number): number[][] {
  const out: number[][] = new Array(n);
  for (let i = 0; i < n; i++) {
    const r: number[] = new Array(m);
    for (let j = 0; j < m; j++) r[j] = data[i * m + j];
    out[i] = r;
  }
  return out;
}

/** A typed model in the JSON shape of FIXTURES.md. */
export function modelToJson(model: GaussianHmm): Record<string, unknown> {
  const { K, D } = model;
  const covars = model.covarianceType === "diag"
    ? rows(model.covars, K, D)
    : Array.from({ length: K }, (_, k) =>
      rows(model.covars.subarray(k * D * D, (k + 1) * D * D), D, D));
  if (model.covars.length !== covarsLength(model.covarianceType, K, D)) {
    throw new TypeError(`Cannot write a model whose covars hold ${model.covars.length} numbers`);
  }
  return {
    covariance_type: model.covarianceType,
    startprob: Array.from(model.startprob),
    transmat: rows(model.transmat, K, K),
    means: rows(model.means, K, D),
    covars,
  };
}
