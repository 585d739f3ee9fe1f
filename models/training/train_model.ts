import type { AnyFeatureSchema } from "../features/parse_feature_schema.ts";
import type { BarColumns } from "../features/run_feature_batch.ts";
import { columnIndex } from "../features/feature_schema.ts";
import { hmmParamCount } from "../hmm/bic.ts";
import { type FlatH2, flattenH2 } from "../hmm/flatten_h2.ts";
import type { GaussianHmm } from "../hmm/gaussian_hmm.ts";
import { prepareHmm } from "../hmm/prepared_hmm.ts";
import { stationaryDistribution } from "../hmm/stationary_distribution.ts";
import { validateHmm } from "../hmm/validate_hmm.ts";
import {
  h2FromJson,
  h2ToJson,
  hmmFromJson,
  hmmToJson,
  type MacroSummaryJson,
  type ModelFile,
  type ModelFileDraft,
  type ModelKind,
  sealModelFile,
} from "../model_file.ts";
import { riskBiasByVolatility } from "../policy/risk_bias_by_volatility.ts";
import { alignFlatModel, alignH2Model } from "./align_model.ts";
import { dataHash } from "./data_hash.ts";
import { type EmSettings, fitFlatHmm } from "./fit_flat_hmm.ts";
import { fitH2 } from "./fit_h2.ts";
import { summarizeStates } from "./summarize_states.ts";
import { TrainingInputError } from "./training_input_error.ts";
import { type TrainingMatrix, trainingMatrix } from "./training_matrix.ts";

/**
 * An assembled H2 model is refused when some regime is the online filter's most probable one on
 * less than this share of its own training rows: the regime exists in training only, the live
 * filter would (almost) never report it.
 */
export const MIN_MACRO_FILTER_SHARE = 0.005;

/**
 * Forward horizon of the policy priors when none is asked for, bars: the holding time the default
 * policy aims at (`symbols.<S>.priorHorizonBars` of `ops/default_config.json`). A 1-bar forward
 * return at 1-minute bars is sub-basis-point noise that no round trip (2 × 10 bp in fees) can
 * clear.
 */
export const DEFAULT_PRIOR_HORIZON_BARS = 240;

/** Options of `trainModel`. */
export interface TrainModelOptions extends EmSettings {
  /** The symbol the bars belong to. */
  symbol: string;
  /** Where the bars came from (the kline set name, e.g. "long"). */
  dataset: string;
  kind: ModelKind;
  /** A per-bar schema for `hmm`, a macro/micro schema for `h2`. */
  schema: AnyFeatureSchema;
  /** hmm: number of states or "auto". @default {4} */
  states?: number | "auto";
  /** hmm "auto": candidates. @default {[2, 3, 4, 5, 6]} */
  candidates?: readonly number[];
  /** h2: macro regimes. @default {3} */
  macroStates?: number;
  /** h2: micro states per regime. @default {3} */
  microStates?: number;
  /** h2: slow covariance inflation (see `fitH2`). @default {slow / fast bar minutes} */
  slowRepeat?: number;
  /** Forward horizon of the policy priors, bars. @default {DEFAULT_PRIOR_HORIZON_BARS} */
  horizon?: number;
  /** States with a smaller filtered occupancy get prior 0. @default {0.001} */
  minOccupancy?: number;
  /** h2: risk bias curve from the calmest to the wildest regime. @default {[1.5, 1.0, 0.5]} */
  riskBiases?: readonly number[];
  /**
   * The model to align state labels to (the previous version of the same symbol, kind and feature
   * schema), or null for a first model (states ordered by volatility).
   */
  reference?: ModelFile | null;
}

/** A trained, sealed model file and what else training learned. */
export interface TrainModelResult {
  file: ModelFile;
  /** "auto" candidates the rows could not support (not fitted). */
  skippedCandidates: number[];
  /** The fitted rows (for reports and checks). */
  matrix: TrainingMatrix;
}

/**
 * Trains one model version on one symbol's bars, purely: features through the schema's pipeline
 * (`trainingMatrix`: ready rows only), an EM fit (`fitFlatHmm`, or `fitH2` for kind `h2`), state
 * labels aligned to `reference` (or ordered calmest first), π replaced by the stationary
 * distribution of A (the live filter starts at an arbitrary time, not at the training start),
 * policy priors and summaries from the online filter's posteriors (`summarizeStates`), risk biases
 * from the regimes' realized volatility (`riskBiasByVolatility`), then the file is sealed (content
 * id). Same bars + options ⇒ the same bytes.
 *
 * Throws `TrainingInputError` for data that cannot support the request, `TypeError` for a schema
 * of the wrong kind or a reference of another kind or schema.
 */
export function trainModel(bars: BarColumns, options: TrainModelOptions): TrainModelResult {
  const { kind, schema } = options;
  if ((kind === "hmm") !== (schema.kind === "bars")) {
    throw new TypeError(
      `Cannot train a ${kind} model on feature schema "${schema.name}" (${schema.kind})`,
    );
  }
  const ref = options.reference ?? null;
  if (ref !== null) {
    if (ref.manifest.kind !== kind || ref.manifest.featureSchema.hash !== schema.hash) {
      throw new TypeError(
        `Cannot align to ${ref.manifest.id}: it is a ${ref.manifest.kind} model on schema ${ref.manifest.featureSchema.hash}, training a ${kind} model on ${schema.hash}`,
      );
    }
  }
  const matrix = trainingMatrix(schema, bars);
  const em = {
    covarianceType: options.covarianceType ?? "diag",
    seed: options.seed ?? 0,
    minCovar: options.minCovar ?? 1e-3,
    tol: options.tol ?? 1e-2,
    maxIter: options.maxIter ?? 200,
  } as const;
  const horizon = options.horizon ?? DEFAULT_PRIOR_HORIZON_BARS;
  const summaryOptions = { horizon, minOccupancy: options.minOccupancy ?? 0.001 };
  const training = {
    dataset: options.dataset,
    warmupFrom: matrix.warmupFrom,
    from: matrix.from,
    to: matrix.to,
    rows: matrix.rows,
    dataHash: dataHash(matrix.x),
    ...em,
    alignedTo: ref?.manifest.id ?? null,
  };

  if (schema.kind === "bars") {
    const states = options.states ?? 4;
    const fit = fitFlatHmm(matrix.x, matrix.D, {
      ...em,
      states,
      candidates: options.candidates,
      onIteration: options.onIteration,
    });
    const rvCol = columnIndex(schema, `rv_${Math.max(...schema.params.rvWindows)}`);
    const aligned = alignFlatModel(fit.model, ref ? hmmFromJson(ref.hmm!) : null, rvCol);
    const model = withStationaryStart(aligned.model);
    validateHmm(model);
    const flat: FlatH2 = { model, offsets: Int32Array.of(0, model.K) };
    const summary = summarizeStates(
      flat,
      prepareHmm(model),
      matrix.x,
      matrix.returns,
      summaryOptions,
    );
    const nParams = hmmParamCount(model.covarianceType, model.K, model.D, "stmc");
    const draft: ModelFileDraft = {
      format: 1,
      manifest: {
        kind,
        symbol: options.symbol,
        featureSchema: JSON.parse(JSON.stringify(schema)),
        training: {
          ...training,
          K: model.K,
          candidates: states === "auto" ? [...(options.candidates ?? [2, 3, 4, 5, 6])] : null,
          macroStates: null,
          microStates: null,
          slowRepeat: null,
        },
        metrics: {
          ...fitMetrics(summary.loglik, matrix.rows, nParams),
          iterations: fit.iterations,
          converged: fit.converged,
          bicTable: fit.bicTable,
          states: summary.states,
          macro: null,
          macroAgreement: null,
        },
      },
      hmm: hmmToJson(model),
      policy: { statePriors: Array.from(summary.priors), horizon, riskBias: [1] },
    };
    return { file: sealModelFile(draft), skippedCandidates: fit.skipped, matrix };
  }

  const fit = fitH2(matrix.x, schema, {
    ...em,
    macroStates: options.macroStates,
    microStates: options.microStates,
    slowRepeat: options.slowRepeat,
    onIteration: options.onIteration,
  });
  const M = fit.h2.M;
  const Ds = schema.slow.columns.length;
  const fittedVol = regimeMeans(fit.labels, matrix.realizedVol, M);
  const fastRv = columnIndex(schema.fast, `rv_${Math.max(...schema.fast.params.rvWindows)}`);
  const aligned = alignH2Model(fit.h2, ref ? h2FromJson(ref.h2!) : null, {
    slowDims: Ds,
    macroVolatility: fittedVol,
    microOrderColumn: Ds + fastRv,
  });
  const h2 = aligned.h2;
  const newOf = new Int32Array(M);
  aligned.macroPermutation.forEach((old, i) => (newOf[old] = i));
  const labels = fit.labels.map((l) => newOf[l]);
  const flat = flattenH2(h2);
  validateHmm(flat.model, { what: "the flattened h2 model" });
  const summary = summarizeStates(
    flat,
    prepareHmm(flat.model),
    matrix.x,
    matrix.returns,
    summaryOptions,
  );
  if (!Number.isFinite(summary.loglik)) {
    throw new RangeError(
      `Cannot accept the assembled h2 model: its filter log-likelihood on the training rows is ${summary.loglik}`,
    );
  }
  let agree = 0;
  const filterShare = new Float64Array(M);
  for (let r = 0; r < matrix.rows; r++) {
    agree += summary.macroArgmax[r] === labels[r] ? 1 : 0;
    filterShare[summary.macroArgmax[r]] += 1 / matrix.rows;
  }
  const rare = filterShare.findIndex((s) => s < MIN_MACRO_FILTER_SHARE);
  if (rare >= 0) {
    throw new TrainingInputError(
      `Cannot accept the h2 model: its online macro posterior is degenerate, regime ${rare} is the most probable on ${
        (100 * filterShare[rare]).toFixed(2)
      }% of the training rows (< ${
        100 * MIN_MACRO_FILTER_SHARE
      }%); use fewer --macro-states or a longer span`,
    );
  }
  const vol = regimeMeans(labels, matrix.realizedVol, M);
  const riskBias = riskBiasByVolatility(
    vol,
    options.riskBiases ? { biases: options.riskBiases } : {},
  );
  const counts = new Float64Array(M);
  for (const l of labels) counts[l]++;
  const macro: MacroSummaryJson[] = Array.from({ length: M }, (_, m) => {
    const stay = h2.macroTransmat[m * M + m];
    return {
      state: m,
      occupancy: counts[m] / matrix.rows,
      volatility: vol[m],
      filterShare: filterShare[m],
      riskBias: riskBias[m],
      expectedDuration: stay >= 1 ? null : 1 / (1 - stay),
    };
  });
  const draft: ModelFileDraft = {
    format: 1,
    manifest: {
      kind,
      symbol: options.symbol,
      featureSchema: JSON.parse(JSON.stringify(schema)),
      training: {
        ...training,
        K: flat.model.K,
        candidates: null,
        macroStates: M,
        microStates: h2.micro[0].U,
        slowRepeat: fit.slowRepeat,
      },
      metrics: {
        ...fitMetrics(summary.loglik, matrix.rows, fit.nParams),
        iterations: fit.iterations,
        converged: fit.converged,
        bicTable: null,
        states: summary.states,
        macro,
        macroAgreement: agree / matrix.rows,
      },
    },
    h2: h2ToJson(h2),
    policy: { statePriors: Array.from(summary.priors), horizon, riskBias: Array.from(riskBias) },
  };
  return { file: sealModelFile(draft), skippedCandidates: [], matrix };
}

function fitMetrics(loglik: number, rows: number, nParams: number) {
  return {
    loglik,
    loglikPerRow: loglik / rows,
    bic: -2 * loglik + nParams * Math.log(rows),
    nParams,
  };
}

/** The model with π = the stationary distribution of A, renormalised. */
function withStationaryStart(model: GaussianHmm): GaussianHmm {
  const pi = stationaryDistribution(model.transmat);
  let s = 0;
  for (let i = 0; i < pi.length; i++) s += pi[i] = Math.max(0, pi[i]);
  for (let i = 0; i < pi.length; i++) pi[i] /= s;
  return { ...model, startprob: pi };
}

/** Per label 0..M−1, the mean of `values` over the rows with that label (0 when none). */
function regimeMeans(labels: Int32Array, values: Float64Array, M: number): Float64Array {
  const sum = new Float64Array(M);
  const n = new Float64Array(M);
  for (let r = 0; r < labels.length; r++) {
    sum[labels[r]] += values[r];
    n[labels[r]]++;
  }
  return sum.map((s, m) => (n[m] > 0 ? s / n[m] : 0));
}
