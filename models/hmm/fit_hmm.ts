import { observationCount } from "./_checks.ts";
import { eStep, mStep } from "./_em_step.ts";
import { CovarianceType, type GaussianHmm } from "./gaussian_hmm.ts";
import { HmmInputError } from "./hmm_input_error.ts";
import { kmeans } from "./kmeans.ts";
import { prepareHmm } from "./prepared_hmm.ts";
import { SeededRng } from "../seeded_rng.ts";

/** Called after every E-step of `fitHmm`, e.g. to print a progress line. */
export type FitProgress = (iter: number, loglik: number, delta: number) => void;

/** Options of `fitHmm`. */
export interface FitHmmOptions {
  /** Features per observation. */
  D: number;
  /** Number of hidden states. */
  K: number;
  /** @default {"diag"} */
  covarianceType?: CovarianceType;
  /** Seed of the k-means++ initialisation; the same seed gives the same model. @default {0} */
  seed?: number;
  /** M-steps at most. @default {100} */
  maxIter?: number;
  /** Stop when the log-likelihood gains less than this in one iteration. @default {1e-4} */
  tol?: number;
  /** Added to variances (diag) / the diagonal (full) at every M-step; must be > 0 here. @default {1e-3} */
  minCovar?: number;
  /** Lengths of consecutive independent sequences in `x` (sum = T). @default {[T]} */
  lengths?: readonly number[];
  /** Starting parameters instead of k-means++ (a warm start from the model in service). */
  init?: GaussianHmm;
  /** Progress callback. */
  onIteration?: FitProgress;
}

/** What `fitHmm` returns. */
export interface FitHmmResult {
  model: GaussianHmm;
  /** log p(X | model) of the returned model. */
  loglik: number;
  /** M-steps done. */
  iterations: number;
  /** The last gain was below `tol` (false: stopped at maxIter). */
  converged: boolean;
}

/** A state whose expected count falls to this keeps its previous emission parameters. */
const MIN_STATE_WEIGHT = 1e-8;

/**
 * Fits a Gaussian HMM by Baum-Welch (Rabiner 1989 §III.C) from a k-means++ initialisation
 * (`kmeans` seeded from `SeededRng(seed)`): means = cluster centres, covariances = per-cluster
 * (co)variances + minCovar (the pooled ones for clusters with ≤ D rows), startprob uniform,
 * transmat = label transition counts + 1, row-normalised. Iterates E- and M-steps until the
 * log-likelihood gain is below `tol` (the model returned is the one whose log-likelihood was
 * measured last, so `loglik` is exact) or `maxIter` M-steps are done. `onIteration(iter, loglik,
 * delta)` is called after each E-step (delta = +Infinity at iter 0).
 *
 * @param x row-major T*D observations, T ≥ K.
 */
export function fitHmm(x: Float64Array, options: FitHmmOptions): FitHmmResult {
  const { D, K } = options;
  const covarianceType = options.covarianceType ?? CovarianceType.diag;
  const maxIter = options.maxIter ?? 100;
  const tol = options.tol ?? 1e-4;
  const minCovar = options.minCovar ?? 1e-3;
  if (!Number.isInteger(K) || K < 1) throw new RangeError(`Cannot fit an HMM with K=${K}`);
  if (!(minCovar > 0)) throw new RangeError(`Cannot fit an HMM with minCovar ≤ 0: ${minCovar}`);
  const T = observationCount(x, D);
  if (T < K) throw new RangeError(`Cannot fit ${K} states on ${T} observations`);
  const lengths = options.lengths ?? [T];
  if (
    lengths.reduce((a, b) => a + b, 0) !== T || lengths.some((n) => !Number.isInteger(n) || n < 1)
  ) {
    throw new RangeError(
      `Cannot fit with lengths ${JSON.stringify(lengths)}: they must be ≥ 1 and sum to T=${T}`,
    );
  }
  if (options.init && (options.init.K !== K || options.init.D !== D)) {
    throw new RangeError(
      `Cannot warm-start from a model with K=${options.init.K}, D=${options.init.D}`,
    );
  }
  let model = options.init ??
    initialModel(x, { D, K, covarianceType, minCovar, lengths, seed: options.seed ?? 0 });
  let prepared = prepareHmm(model);
  const all = { s: true, t: true, m: true, c: true };
  let prev = -Infinity;
  let iterations = 0;
  let converged = false;
  for (;;) {
    const stats = eStep(prepared, x, lengths);
    const delta = iterations === 0 ? Infinity : stats.loglik - prev;
    options.onIteration?.(iterations, stats.loglik, delta);
    prev = stats.loglik;
    if (iterations > 0 && delta < tol) {
      converged = true;
      break;
    }
    if (iterations === maxIter) break;
    model = mStep(prepared.model, x, stats, all, minCovar, MIN_STATE_WEIGHT);
    try {
      prepared = prepareHmm(model);
    } catch (e) {
      if (e instanceof HmmInputError) break; // keep the last usable model
      throw e;
    }
    iterations++;
  }
  return { model: prepared.model, loglik: prev, iterations, converged };
}

function initialModel(
  x: Float64Array,
  o: {
    D: number;
    K: number;
    covarianceType: CovarianceType;
    minCovar: number;
    lengths: readonly number[];
    seed: number;
  },
): GaussianHmm {
  const { D, K, covarianceType, minCovar } = o;
  const { centers, labels } = kmeans(x, { D, K, rng: new SeededRng(o.seed) });
  const full = covarianceType === CovarianceType.full;
  const cs = full ? D * D : D;
  const pooled = scatter(x, D, null, -1, full);
  const covars = new Float64Array(K * cs);
  for (let k = 0; k < K; k++) {
    const n = labels.reduce((a, l) => a + (l === k ? 1 : 0), 0);
    const block = n > D ? scatter(x, D, labels, k, full) : pooled;
    for (let i = 0; i < cs; i++) covars[k * cs + i] = block[i];
    for (let d = 0; d < D; d++) covars[k * cs + (full ? d * D + d : d)] += minCovar;
  }
  const counts = new Float64Array(K * K).fill(1);
  let start = 0;
  for (const n of o.lengths) {
    for (let t = start + 1; t < start + n; t++) counts[labels[t - 1] * K + labels[t]]++;
    start += n;
  }
  for (let i = 0; i < K; i++) {
    let s = 0;
    for (let j = 0; j < K; j++) s += counts[i * K + j];
    for (let j = 0; j < K; j++) counts[i * K + j] /= s;
  }
  return {
    covarianceType,
    K,
    D,
    startprob: new Float64Array(K).fill(1 / K),
    transmat: counts,
    means: centers,
    covars,
  };
}

/** (Co)variance of the rows with label k (all rows when labels is null), two-pass. */
function scatter(
  x: Float64Array,
  D: number,
  labels: Int32Array | null,
  k: number,
  full: boolean,
): Float64Array {
  const T = x.length / D;
  const mean = new Float64Array(D);
  let n = 0;
  for (let t = 0; t < T; t++) {
    if (labels !== null && labels[t] !== k) continue;
    n++;
    for (let d = 0; d < D; d++) mean[d] += x[t * D + d];
  }
  for (let d = 0; d < D; d++) mean[d] /= n;
  const out = new Float64Array(full ? D * D : D);
  for (let t = 0; t < T; t++) {
    if (labels !== null && labels[t] !== k) continue;
    for (let r = 0; r < D; r++) {
      const dr = x[t * D + r] - mean[r];
      if (!full) {
        out[r] += dr * dr;
        continue;
      }
      for (let c = 0; c <= r; c++) out[r * D + c] += dr * (x[t * D + c] - mean[c]);
    }
  }
  for (let r = 0; r < D; r++) {
    if (!full) {
      out[r] /= n;
      continue;
    }
    for (let c = 0; c <= r; c++) {
      out[r * D + c] /= n;
      out[c * D + r] = out[r * D + c];
    }
  }
  return out;
}
