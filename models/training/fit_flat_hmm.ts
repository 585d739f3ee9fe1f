import { hmmParamCount } from "../hmm/bic.ts";
import { chooseKByBic } from "../hmm/choose_k_by_bic.ts";
import { fitHmm } from "../hmm/fit_hmm.ts";
import type { CovarianceType, GaussianHmm } from "../hmm/gaussian_hmm.ts";
import { MIN_ROWS_PER_PARAM, TrainingInputError } from "./training_input_error.ts";

/** Progress of one EM fit: `part` names it ("" for a single fit, "K=3", "macro", "micro 1"). */
export type TrainingProgress = (part: string, iter: number, loglik: number, delta: number) => void;

/** Settings every EM fit of the training shares. */
export interface EmSettings {
  /** @default {"diag"} */
  covarianceType?: CovarianceType;
  /** Seed of the k-means++ initialisation. @default {0} */
  seed?: number;
  /** Added to variances at every M-step. @default {1e-3} */
  minCovar?: number;
  /** Stop when one iteration gains less log-likelihood than this. @default {1e-2} */
  tol?: number;
  /** @default {200} */
  maxIter?: number;
  /** Called after every E-step. */
  onIteration?: TrainingProgress;
}

/** Options of `fitFlatHmm`. */
export interface FitFlatHmmOptions extends EmSettings {
  /** A number of states ≥ 1, or "auto" (BIC over `candidates`). */
  states: number | "auto";
  /** Candidates of "auto". @default {[2, 3, 4, 5, 6]} */
  candidates?: readonly number[];
}

/** One BIC candidate. */
export interface BicRow {
  K: number;
  loglik: number;
  nParams: number;
  bic: number;
  iterations: number;
  converged: boolean;
}

/** A fitted flat model, before state ordering. */
export interface FlatHmmFit {
  model: GaussianHmm;
  K: number;
  loglik: number;
  iterations: number;
  converged: boolean;
  /** Every fitted candidate of "auto" (null for a fixed K). */
  bicTable: BicRow[] | null;
  /** Candidates of "auto" the data cannot support (too few rows), not fitted. */
  skipped: number[];
}

/** The fewest rows `MIN_ROWS_PER_PARAM` allows for a K-state model on D features. */
export function minRowsFor(covarianceType: CovarianceType, K: number, D: number): number {
  return MIN_ROWS_PER_PARAM * hmmParamCount(covarianceType, K, D, "stmc");
}

/**
 * Fits a flat Gaussian HMM on one sequence of rows (`x`, rows×D row-major) by Baum-Welch from a
 * seeded k-means++ start (`fitHmm`), or with `states: "auto"` fits every candidate the data
 * supports and keeps the lowest BIC (`chooseKByBic`, Schwarz 1978). A K needs at least
 * `MIN_ROWS_PER_PARAM` rows per free parameter (hmmlearn's count).
 *
 * Throws `TrainingInputError` for K < 1, a K the rows cannot support, or "auto" with no
 * candidate the rows can support.
 */
export function fitFlatHmm(x: Float64Array, D: number, options: FitFlatHmmOptions): FlatHmmFit {
  const covarianceType = options.covarianceType ?? "diag";
  const rows = x.length / D;
  const em = {
    D,
    covarianceType,
    seed: options.seed ?? 0,
    minCovar: options.minCovar ?? 1e-3,
    tol: options.tol ?? 1e-2,
    maxIter: options.maxIter ?? 200,
  };
  const progress = options.onIteration;
  if (options.states !== "auto") {
    const K = options.states;
    if (!Number.isInteger(K) || K < 1) {
      throw new TrainingInputError(`Cannot fit an HMM with ${K} states: K must be an integer ≥ 1`);
    }
    const need = minRowsFor(covarianceType, K, D);
    if (rows < need) {
      throw new TrainingInputError(
        `Cannot fit K=${K} states (${covarianceType}, D=${D}) on ${rows} rows: need at least ${need} (${MIN_ROWS_PER_PARAM} per parameter); use fewer states or a longer span`,
      );
    }
    const fit = fitHmm(x, {
      ...em,
      K,
      onIteration: progress && ((i, ll, d) => progress("", i, ll, d)),
    });
    return { ...fit, K, bicTable: null, skipped: [] };
  }
  const candidates = [...new Set(options.candidates ?? [2, 3, 4, 5, 6])].sort((a, b) => a - b);
  if (candidates.some((k) => !Number.isInteger(k) || k < 1)) {
    throw new TrainingInputError(`Cannot choose K among [${candidates}]: each must be ≥ 1`);
  }
  const usable = candidates.filter((k) => rows >= minRowsFor(covarianceType, k, D));
  const skipped = candidates.filter((k) => !usable.includes(k));
  if (usable.length === 0) {
    throw new TrainingInputError(
      `Cannot choose K among [${candidates}] on ${rows} rows: even K=${candidates[0]} needs ${
        minRowsFor(covarianceType, candidates[0], D)
      } rows`,
    );
  }
  let current = 0;
  const chosen = chooseKByBic(x, {
    ...em,
    candidates: usable,
    onIteration: (i, ll, d) => progress?.(`K=${usable[current]}`, i, ll, d),
    onCandidate: () => current++,
  });
  const best = chosen.candidates.find((c) => c.K === chosen.K)!;
  return {
    model: chosen.model,
    K: chosen.K,
    loglik: best.loglik,
    iterations: best.iterations,
    converged: best.converged,
    bicTable: chosen.candidates.map((c) => ({ ...c })),
    skipped,
  };
}
