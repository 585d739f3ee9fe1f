import { createHash } from "node:crypto";
import { z } from "zod";
import { createFeaturePipeline } from "./features/create_feature_pipeline.ts";
import type { FeatureEngine } from "./features/feature_engine.ts";
import type { MacroMicroFeatures } from "./features/macro_micro_features.ts";
import {
  type AnyFeatureSchema,
  FeatureSchemaJson,
  parseFeatureSchema,
} from "./features/parse_feature_schema.ts";
import { type FlatH2, flattenH2 } from "./hmm/flatten_h2.ts";
import { covarsLength, type GaussianHmm } from "./hmm/gaussian_hmm.ts";
import { OnlineH2Filter } from "./hmm/h2_filter.ts";
import type { H2Hmm, MicroHmm } from "./hmm/h2_hmm.ts";
import { HmmInputError } from "./hmm/hmm_input_error.ts";
import { type PreparedHmm, prepareHmm } from "./hmm/prepared_hmm.ts";
import { validateH2 } from "./hmm/validate_h2.ts";
import { validateHmm } from "./hmm/validate_hmm.ts";

/** What a model file holds: a flat Gaussian HMM or a hierarchical (macro/micro) one. */
export const ModelKind = { hmm: "hmm", h2: "h2" } as const;
/** One model kind; it is also the prefix of the model's id. */
export type ModelKind = typeof ModelKind[keyof typeof ModelKind];

/** `hmm-<12 hex>` or `h2-<12 hex>`. */
export const MODEL_ID_PATTERN = /^(hmm|h2)-[0-9a-f]{12}$/;
/** Binance spot symbol names as they appear in data file names. */
export const SYMBOL_PATTERN = /^[A-Z0-9]{2,30}$/;

const Num = z.number(); // zod 4: finite numbers only
const Int = z.number().int();
const Vec = z.array(Num).min(1);
const Mat = z.array(Vec).min(1);
const CovType = z.enum(["diag", "full"]);

/** A flat model's parameters, in the JSON shape of FIXTURES.md (`covars` K×D or K×D×D). */
export const HmmJson = z.strictObject({
  covariance_type: CovType,
  startprob: Vec,
  transmat: Mat,
  means: Mat,
  covars: z.union([Mat, z.array(Mat).min(1)]),
});
/** A flat model's parameters as stored. */
export type HmmJson = z.infer<typeof HmmJson>;

const MicroJson = z.strictObject({
  startprob: Vec,
  transmat: Mat,
  means: Mat,
  covars: z.union([Mat, z.array(Mat).min(1)]),
});

/** An H2 model's parameters, in the JSON shape of FIXTURES.md's `h2` object. */
export const H2Json = z.strictObject({
  covariance_type: CovType,
  macro_startprob: Vec,
  macro_transmat: Mat,
  micro: z.array(MicroJson).min(1),
});
/** An H2 model's parameters as stored. */
export type H2Json = z.infer<typeof H2Json>;

/** One (flat) state's figures from the training data (see `statePriors`). */
export const StateSummaryJson = z.strictObject({
  /** Flat state index. */
  state: Int,
  /** Macro regime of the state (0 for a flat model). */
  macro: Int,
  /** Index within its macro regime (= state for a flat model). */
  micro: Int,
  /** The prior the policy uses (meanReturn, or 0 for a rarely occupied state). */
  prior: Num,
  /** Filtered-posterior-weighted mean forward log return over `policy.horizon` bars. */
  meanReturn: Num,
  /** Weighted standard deviation of that forward return. */
  volatility: Num,
  /** Share of training rows in the state (filtered posteriors). */
  occupancy: Num,
  /** 1 / (1 − A_kk) in bars; null for an absorbing state. */
  expectedDuration: Num.nullable(),
});
/** One state's figures. */
export type StateSummaryJson = z.infer<typeof StateSummaryJson>;

/** One macro regime's figures from the training data (H2 only). */
export const MacroSummaryJson = z.strictObject({
  state: Int,
  /** Share of training minutes assigned to the regime (smoothed macro posteriors, hard). */
  occupancy: Num,
  /** Mean raw per-bar realized volatility (the fast schema's longest `rv_<n>`) of those minutes. */
  volatility: Num,
  /** Share of training minutes where the online filter's most probable regime is this one. */
  filterShare: Num,
  /** The policy's risk bias of this regime (`riskBiasByVolatility`). */
  riskBias: Num,
  /** 1 / (1 − Π_mm) in fast bars (minutes); null when absorbing. */
  expectedDuration: Num.nullable(),
});
/** One macro regime's figures. */
export type MacroSummaryJson = z.infer<typeof MacroSummaryJson>;

/** One candidate of `--states auto`. */
export const BicRowJson = z.strictObject({
  K: Int,
  loglik: Num,
  nParams: Int,
  bic: Num,
  iterations: Int,
  converged: z.boolean(),
});
/** One candidate of `--states auto`. */
export type BicRowJson = z.infer<typeof BicRowJson>;

/** How and on what a model was trained. */
export const TrainingJson = z.strictObject({
  /** The kline set the bars came from (`long`, `cluster`) or another dataset name. */
  dataset: z.string().min(1),
  /** Open time (ms) of the first bar fed to the feature pipeline (warm-up included). */
  warmupFrom: Int,
  /** Open time (ms) of the first row the model was fitted on (inclusive). */
  from: Int,
  /**
   * End (ms, exclusive) of the rows fitted on: the last row's open time + one bar. The model may
   * trade any bar whose open time is ≥ `to` (no look-ahead).
   */
  to: Int,
  /** Rows fitted on (ready feature rows in [from, to)). */
  rows: Int,
  /** `sha256:<64 hex>` of the fitted observation matrix (rows×D float64, little-endian). */
  dataHash: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  /** Flat states (Σ U_m for H2). */
  K: Int,
  /** BIC candidates when the number of states was chosen with `auto`, else null. */
  candidates: z.array(Int).nullable(),
  covarianceType: CovType,
  seed: Int,
  minCovar: Num,
  tol: Num,
  maxIter: Int,
  /** H2: number of macro regimes; null for a flat model. */
  macroStates: Int.nullable(),
  /** H2: micro states per regime; null for a flat model. */
  microStates: Int.nullable(),
  /** H2: factor the slow covariance block was inflated by (fast bars per slow bar); else null. */
  slowRepeat: Num.nullable(),
  /** Id of the model whose state labels this one was aligned to, or null. */
  alignedTo: z.string().regex(MODEL_ID_PATTERN).nullable(),
});
/** How and on what a model was trained. */
export type TrainingJson = z.infer<typeof TrainingJson>;

/** Fit figures of the stored model on its training rows. */
export const MetricsJson = z.strictObject({
  /** log p(training rows | stored model), by the forward filter. */
  loglik: Num,
  loglikPerRow: Num,
  /** −2·loglik + nParams·ln rows. */
  bic: Num,
  nParams: Int,
  /** EM iterations (for H2: macro plus every micro fit). */
  iterations: Int,
  /** Every EM fit stopped on `tol` rather than `maxIter`. */
  converged: z.boolean(),
  /** The `--states auto` table, or null. */
  bicTable: z.array(BicRowJson).nullable(),
  states: z.array(StateSummaryJson).min(1),
  /** H2 only: per macro regime. */
  macro: z.array(MacroSummaryJson).nullable(),
  /**
   * H2 only: share of training minutes where the online filter's most probable macro regime
   * equals the regime training assigned (smoothed, hard); null for a flat model.
   */
  macroAgreement: Num.nullable(),
});
/** Fit figures of the stored model. */
export type MetricsJson = z.infer<typeof MetricsJson>;

/** The manifest: what the model is, what it was trained on, how well it fitted. */
export const ManifestJson = z.strictObject({
  kind: z.enum(ModelKind),
  /** `<kind>-` + the first 12 hex digits of SHA-256 over the canonical file without the id. */
  id: z.string().regex(MODEL_ID_PATTERN),
  symbol: z.string().regex(SYMBOL_PATTERN),
  featureSchema: FeatureSchemaJson,
  training: TrainingJson,
  metrics: MetricsJson,
});
/** The manifest of a model file. */
export type Manifest = z.infer<typeof ManifestJson>;

/** What the policy needs from the model. */
export const PolicyJson = z.strictObject({
  /** Per flat state, the expected forward log return over `horizon` bars (`statePriors`). */
  statePriors: Vec,
  /** Forward horizon of the priors, in bars. */
  horizon: Int.min(1),
  /** Per macro regime, the sizing multiplier; `[1]` for a flat model. */
  riskBias: Vec,
});
/** What the policy needs from the model. */
export type PolicyJson = z.infer<typeof PolicyJson>;

/** The JSON shape of a model file (before the deep checks of `parseModelFile`). */
export const ModelFileJson = z.strictObject({
  format: z.literal(1),
  manifest: ManifestJson,
  hmm: HmmJson.optional(),
  h2: H2Json.optional(),
  policy: PolicyJson,
});
/** A parsed, checked model file; a value (nothing mutates it). */
export type ModelFile = z.infer<typeof ModelFileJson>;
/** A model file before its id is computed (`sealModelFile`). */
export type ModelFileDraft = Omit<ModelFile, "manifest"> & {
  manifest: Omit<Manifest, "id">;
};

/**
 * Computes the content id of a draft and returns the complete file: `<kind>-` + the first 12
 * hex digits of SHA-256 over `encodeModelFile`'s canonical text of the file without the
 * `manifest.id` key. Nothing in a model file depends on the wall clock, so the same data and
 * seed give the same id and the same bytes.
 */
export function sealModelFile(draft: ModelFileDraft): ModelFile {
  const id = computeId(draft);
  const { kind, ...rest } = draft.manifest;
  return { ...draft, manifest: { kind, id, ...rest } };
}

/** The id `sealModelFile` gives this content (whatever `manifest.id` holds now). */
export function modelFileId(file: ModelFile | ModelFileDraft): string {
  return computeId(file);
}

/**
 * The canonical text of a model file: fixed key order (the order of the schemas above), two-space
 * indentation, arrays of numbers on one line, numbers in JSON's shortest round-trip form, `\n` at
 * the end. `parseModelFile(encodeModelFile(f))` gives `f` back and encoding it again gives the
 * same bytes. Throws `TypeError` when `manifest.id` is not the content id (use `sealModelFile`).
 */
export function encodeModelFile(file: ModelFile): string {
  const id = computeId(file);
  if (file.manifest.id !== id) {
    throw new TypeError(
      `Cannot encode model file ${file.manifest.id}: its content id is ${id} (seal it first)`,
    );
  }
  return writeCanonical(canonicalFile(file, true), "") + "\n";
}

/**
 * Reads a model file: strict JSON (`SyntaxError` otherwise), the zod shape (`TypeError` naming
 * the first bad field), then deep checks, each a `TypeError` with a one-line message: the feature
 * schema re-checked with `parseFeatureSchema` (a stored hash that does not match its content is
 * refused), `kind` agreeing with the id prefix and with the parameter block (`hmm` or `h2`),
 * rectangular parameter arrays whose D equals the schema's column count, `validateHmm` /
 * `validateH2` (stochastic rows, positive definite covariances), policy lengths (K priors, M risk
 * biases), and finally the id equal to the content hash (any edit of a stored file is caught).
 */
export function parseModelFile(text: string): ModelFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SyntaxError(
      `Cannot parse the model file as JSON: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const parsed = ModelFileJson.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(
      `Cannot read the model file: ${issue.path.join(".") || "(root)"}: ${issue.message}`,
    );
  }
  const file = parsed.data;
  const m = file.manifest;
  const where = `Cannot read model file ${m.id}`;
  let schema: AnyFeatureSchema;
  try {
    schema = parseFeatureSchema(m.featureSchema);
  } catch (e) {
    throw new TypeError(`${where}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!m.id.startsWith(`${m.kind}-`)) {
    throw new TypeError(`${where}: kind is ${m.kind} but the id says otherwise`);
  }
  const hasHmm = file.hmm !== undefined, hasH2 = file.h2 !== undefined;
  if (m.kind === "hmm" ? !hasHmm || hasH2 : !hasH2 || hasHmm) {
    throw new TypeError(
      `${where}: a ${m.kind} model must hold exactly one parameter block, "${m.kind}"`,
    );
  }
  let K: number;
  let M: number;
  let D: number;
  try {
    if (m.kind === "hmm") {
      const hmm = hmmFromJson(file.hmm!);
      validateHmm(hmm, { what: "the hmm block" });
      K = hmm.K;
      M = 1;
      D = hmm.D;
    } else {
      const h2 = h2FromJson(file.h2!);
      validateH2(h2);
      K = h2.micro.reduce((a, mi) => a + mi.U, 0);
      M = h2.M;
      D = h2.D;
    }
  } catch (e) {
    if (e instanceof HmmInputError || e instanceof TypeError) {
      throw new TypeError(`${where}: ${e.message}`);
    }
    throw e;
  }
  if (D !== schema.columns.length) {
    throw new TypeError(
      `${where}: the model has D=${D} but feature schema "${schema.name}" has ${schema.columns.length} columns`,
    );
  }
  if (m.training.K !== K) {
    throw new TypeError(`${where}: training.K is ${m.training.K} but the model has ${K} states`);
  }
  if (file.policy.statePriors.length !== K) {
    throw new TypeError(
      `${where}: policy.statePriors holds ${file.policy.statePriors.length} numbers, need K=${K}`,
    );
  }
  if (file.policy.riskBias.length !== M || file.policy.riskBias.some((b) => b < 0)) {
    throw new TypeError(
      `${where}: policy.riskBias must hold ${M} numbers ≥ 0: [${file.policy.riskBias}]`,
    );
  }
  if (m.metrics.states.length !== K) {
    throw new TypeError(
      `${where}: metrics.states holds ${m.metrics.states.length} rows, need ${K}`,
    );
  }
  const id = computeId(file);
  if (id !== m.id) {
    throw new TypeError(
      `${where}: its content hashes to ${id} (the file was changed after it was written)`,
    );
  }
  return file;
}

/** The typed flat model of a stored `hmm` block. Throws `TypeError` for ragged arrays. */
export function hmmFromJson(json: HmmJson): GaussianHmm {
  const K = json.startprob.length;
  const D = json.means[0].length;
  return {
    covarianceType: json.covariance_type,
    K,
    D,
    startprob: Float64Array.from(json.startprob),
    transmat: flatMatrix(json.transmat, K, K, "transmat"),
    means: flatMatrix(json.means, K, D, "means"),
    covars: flatCovars(json.covars, json.covariance_type, K, D, "covars"),
  };
}

/** The JSON block of a flat model (nested arrays, FIXTURES.md layout). */
export function hmmToJson(model: GaussianHmm): HmmJson {
  const { K, D } = model;
  return {
    covariance_type: model.covarianceType,
    startprob: Array.from(model.startprob),
    transmat: nest(model.transmat, K, K),
    means: nest(model.means, K, D),
    covars: model.covarianceType === "diag"
      ? nest(model.covars, K, D)
      : Array.from({ length: K }, (_, k) => nest(model.covars.subarray(k * D * D), D, D)),
  };
}

/** The typed H2 model of a stored `h2` block. Throws `TypeError` for ragged arrays. */
export function h2FromJson(json: H2Json): H2Hmm {
  const M = json.macro_startprob.length;
  const D = json.micro[0].means[0].length;
  const micro: MicroHmm[] = json.micro.map((mi, m) => {
    const U = mi.startprob.length;
    return {
      U,
      startprob: Float64Array.from(mi.startprob),
      transmat: flatMatrix(mi.transmat, U, U, `micro ${m} transmat`),
      means: flatMatrix(mi.means, U, D, `micro ${m} means`),
      covars: flatCovars(mi.covars, json.covariance_type, U, D, `micro ${m} covars`),
    };
  });
  return {
    covarianceType: json.covariance_type,
    M,
    D,
    macroStartprob: Float64Array.from(json.macro_startprob),
    macroTransmat: flatMatrix(json.macro_transmat, M, M, "macro_transmat"),
    micro,
  };
}

/** The JSON block of an H2 model (FIXTURES.md's `h2` layout). */
export function h2ToJson(h2: H2Hmm): H2Json {
  const { M, D } = h2;
  return {
    covariance_type: h2.covarianceType,
    macro_startprob: Array.from(h2.macroStartprob),
    macro_transmat: nest(h2.macroTransmat, M, M),
    micro: h2.micro.map((mi) => {
      const j = hmmToJson({
        covarianceType: h2.covarianceType,
        K: mi.U,
        D,
        startprob: mi.startprob,
        transmat: mi.transmat,
        means: mi.means,
        covars: mi.covars,
      });
      return { startprob: j.startprob, transmat: j.transmat, means: j.means, covars: j.covars };
    }),
  };
}

/** The flat model a file runs (an H2 model flattened), with its macro block offsets. */
export function modelFlat(file: ModelFile): FlatH2 {
  if (file.manifest.kind === "h2") return flattenH2(h2FromJson(file.h2!));
  const model = hmmFromJson(file.hmm!);
  return { model, offsets: Int32Array.of(0, model.K) };
}

/**
 * Everything a symbol actor needs to run a stored model, built once at start (or at a blue/green
 * swap). A flat model is treated as an H2 model with one macro regime (offsets `[0, K]`), so one
 * code path serves both: `createFilter()` gives an `OnlineH2Filter` whose `macroState()` is
 * always 0 for a flat model.
 */
export interface ModelRuntime {
  readonly id: string;
  readonly kind: ModelKind;
  readonly symbol: string;
  /** The feature schema the model was trained on; features must come from `createPipeline()`. */
  readonly schema: AnyFeatureSchema;
  /** The flat model (H2 flattened, `flattenH2`) and the macro block offsets (M + 1 entries). */
  readonly flat: FlatH2;
  /** The prepared flat model (log π, log A, factors), shared by every filter this runtime makes. */
  readonly hmm: PreparedHmm;
  /** The H2 parameters, or null for a flat model. */
  readonly h2: H2Hmm | null;
  /** K, the number of flat states. */
  readonly states: number;
  /** M, the number of macro regimes (1 for a flat model). */
  readonly macroStates: number;
  /** Per flat state, the policy's prior (`Policy` `statePriors`). */
  readonly statePriors: Float64Array;
  /** Per macro regime, the policy's risk bias (`Policy` `riskBias`). */
  readonly riskBias: Float64Array;
  /** Horizon of the priors, in bars. */
  readonly horizon: number;
  /** `training.to`: the model may trade bars with open time ≥ this. */
  readonly tradableFrom: number;
  /** A fresh feature pipeline of the model's schema. */
  createPipeline(): FeatureEngine | MacroMicroFeatures;
  /** A fresh online filter of the model (start from π). */
  createFilter(): OnlineH2Filter;
}

/**
 * Turns a parsed model file into runtime pieces (see `ModelRuntime`): rebuilds the feature schema
 * with `parseFeatureSchema`, flattens and prepares the model, copies the policy numbers into
 * typed arrays. Throws what `parseModelFile` would for a file that was not parsed by it.
 */
export function modelRuntime(file: ModelFile): ModelRuntime {
  const schema = parseFeatureSchema(file.manifest.featureSchema);
  const flat = modelFlat(file);
  const hmm = prepareHmm(flat.model);
  const h2 = file.manifest.kind === "h2" ? h2FromJson(file.h2!) : null;
  return {
    id: file.manifest.id,
    kind: file.manifest.kind,
    symbol: file.manifest.symbol,
    schema,
    flat,
    hmm,
    h2,
    states: flat.model.K,
    macroStates: flat.offsets.length - 1,
    statePriors: Float64Array.from(file.policy.statePriors),
    riskBias: Float64Array.from(file.policy.riskBias),
    horizon: file.policy.horizon,
    tradableFrom: file.manifest.training.to,
    createPipeline: () => createFeaturePipeline(schema),
    createFilter: () => new OnlineH2Filter(flat, hmm),
  };
}

// ---------------------------------------------------------------------------------------------
// canonical encoding

type Json = number | string | boolean | null | Json[] | { [key: string]: Json };

function computeId(file: ModelFile | ModelFileDraft): string {
  const body = writeCanonical(canonicalFile(file, false), "") + "\n";
  const hex = createHash("sha256").update(body, "utf8").digest("hex");
  return `${file.manifest.kind}-${hex.slice(0, 12)}`;
}

/** The file as a plain object whose key order is the canonical order. */
function canonicalFile(file: ModelFile | ModelFileDraft, withId: boolean): Json {
  const m = file.manifest;
  const t = m.training;
  const x = m.metrics;
  const manifest: Record<string, Json> = { kind: m.kind };
  if (withId) manifest.id = (m as Manifest).id;
  manifest.symbol = m.symbol;
  manifest.featureSchema = canonicalSchema(m.featureSchema);
  manifest.training = {
    dataset: t.dataset,
    warmupFrom: t.warmupFrom,
    from: t.from,
    to: t.to,
    rows: t.rows,
    dataHash: t.dataHash,
    K: t.K,
    candidates: t.candidates === null ? null : [...t.candidates],
    covarianceType: t.covarianceType,
    seed: t.seed,
    minCovar: t.minCovar,
    tol: t.tol,
    maxIter: t.maxIter,
    macroStates: t.macroStates,
    microStates: t.microStates,
    slowRepeat: t.slowRepeat,
    alignedTo: t.alignedTo,
  };
  manifest.metrics = {
    loglik: x.loglik,
    loglikPerRow: x.loglikPerRow,
    bic: x.bic,
    nParams: x.nParams,
    iterations: x.iterations,
    converged: x.converged,
    bicTable: x.bicTable === null ? null : x.bicTable.map((r) => ({
      K: r.K,
      loglik: r.loglik,
      nParams: r.nParams,
      bic: r.bic,
      iterations: r.iterations,
      converged: r.converged,
    })),
    states: x.states.map((s) => ({
      state: s.state,
      macro: s.macro,
      micro: s.micro,
      prior: s.prior,
      meanReturn: s.meanReturn,
      volatility: s.volatility,
      occupancy: s.occupancy,
      expectedDuration: s.expectedDuration,
    })),
    macro: x.macro === null ? null : x.macro.map((s) => ({
      state: s.state,
      occupancy: s.occupancy,
      volatility: s.volatility,
      filterShare: s.filterShare,
      riskBias: s.riskBias,
      expectedDuration: s.expectedDuration,
    })),
    macroAgreement: x.macroAgreement,
  };
  const out: Record<string, Json> = { format: file.format, manifest };
  if (file.hmm !== undefined) {
    const h = file.hmm;
    out.hmm = {
      covariance_type: h.covariance_type,
      startprob: h.startprob,
      transmat: h.transmat,
      means: h.means,
      covars: h.covars,
    };
  }
  if (file.h2 !== undefined) {
    const h = file.h2;
    out.h2 = {
      covariance_type: h.covariance_type,
      macro_startprob: h.macro_startprob,
      macro_transmat: h.macro_transmat,
      micro: h.micro.map((mi) => ({
        startprob: mi.startprob,
        transmat: mi.transmat,
        means: mi.means,
        covars: mi.covars,
      })),
    };
  }
  out.policy = {
    statePriors: file.policy.statePriors,
    horizon: file.policy.horizon,
    riskBias: file.policy.riskBias,
  };
  return out;
}

type SchemaJson = z.infer<typeof FeatureSchemaJson>;
type BarSchemaJson = Extract<SchemaJson, { kind: "bars" }>;

function canonicalSchema(s: SchemaJson): Json {
  if (s.kind === "bars") return canonicalBarSchema(s);
  return {
    kind: s.kind,
    name: s.name,
    version: s.version,
    columns: [...s.columns],
    params: sortedParams(s.params),
    hash: s.hash,
    slow: canonicalBarSchema(s.slow),
    fast: canonicalBarSchema(s.fast),
  };
}

function canonicalBarSchema(s: BarSchemaJson): Json {
  return {
    kind: s.kind,
    name: s.name,
    version: s.version,
    columns: [...s.columns],
    params: sortedParams(s.params),
    hash: s.hash,
  };
}

function sortedParams(params: Record<string, unknown>): Json {
  const out: Record<string, Json> = {};
  for (const key of Object.keys(params).sort()) {
    const v = params[key];
    if (v === undefined) continue;
    out[key] = Array.isArray(v) ? [...v] : v as Json;
  }
  return out;
}

/** JSON text with objects indented, arrays of scalars on one line. */
function writeCanonical(value: Json, indent: string): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") {
    return JSON.stringify(value);
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) {
      throw new RangeError(`Cannot write a model file holding a non-finite number: ${value}`);
    }
    return JSON.stringify(value);
  }
  const inner = indent + "  ";
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    if (value.every((v) => v === null || typeof v !== "object")) {
      return `[${value.map((v) => writeCanonical(v, inner)).join(", ")}]`;
    }
    return `[\n${value.map((v) => inner + writeCanonical(v, inner)).join(",\n")}\n${indent}]`;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return "{}";
  return `{\n${
    keys.map((k) => `${inner}${JSON.stringify(k)}: ${writeCanonical(value[k], inner)}`).join(",\n")
  }\n${indent}}`;
}

// ---------------------------------------------------------------------------------------------
// nested arrays ↔ typed arrays

function nest(flat: Float64Array, rows: number, cols: number): number[][] {
  return Array.from(
    { length: rows },
    (_, r) => Array.from(flat.subarray(r * cols, (r + 1) * cols)),
  );
}

function flatMatrix(rows: number[][], R: number, C: number, what: string): Float64Array {
  if (rows.length !== R || rows.some((r) => r.length !== C)) {
    throw new TypeError(
      `${what} must be ${R}×${C}: got ${rows.length} rows of lengths ${
        [...new Set(rows.map((r) => r.length))].join("/")
      }`,
    );
  }
  const out = new Float64Array(R * C);
  rows.forEach((r, i) => out.set(r, i * C));
  return out;
}

function flatCovars(
  covars: number[][] | number[][][],
  type: "diag" | "full",
  K: number,
  D: number,
  what: string,
): Float64Array {
  const out = new Float64Array(covarsLength(type, K, D));
  const isFull = Array.isArray(covars[0]?.[0]);
  if (type === "diag") {
    if (isFull) throw new TypeError(`${what} must be ${K}×${D} for diag covariances`);
    return flatMatrix(covars as number[][], K, D, what);
  }
  if (!isFull || covars.length !== K) {
    throw new TypeError(`${what} must be ${K}×${D}×${D} for full covariances`);
  }
  (covars as number[][][]).forEach((block, k) => {
    out.set(flatMatrix(block, D, D, `${what} of state ${k}`), k * D * D);
  });
  return out;
}
