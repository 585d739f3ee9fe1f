import { observationCount } from "./_checks.ts";
import { checkCount, checkEmArguments, eStep, mStep } from "./_em_step.ts";
import type { GaussianHmm } from "./gaussian_hmm.ts";
import { prepareHmm } from "./prepared_hmm.ts";
import { scoreHmm } from "./score_hmm.ts";

/** Options of `baumWelch`. */
export interface BaumWelchOptions {
  /** Number of EM iterations (integer ≥ 0). @default {10} */
  nIter?: number;
  /** Added to every variance (diag) or to the diagonal (full) after each M-step, ≥ 0. @default {1e-3} */
  minCovar?: number;
  /** Which parameters are updated: any subset of the letters s, t, m, c. @default {"stmc"} */
  params?: string;
}

/** What `baumWelch` returns. */
export interface BaumWelchResult {
  model: GaussianHmm;
  /** Length nIter + 1: trace[i] = log p(X | parameters after i iterations). */
  loglikTrace: Float64Array;
}

/**
 * Baum-Welch EM for exactly `nIter` iterations from the given parameters, deterministic (no
 * restarts, no early stopping), as FIXTURES.md `em` defines it (Rabiner 1989 §III.C; hmmlearn's
 * min_covar convention). Structural zeros of A stay zero; a transmat row with no expected
 * transitions (e.g. T = 1) keeps its old values. `x` is row-major T*D, T ≥ 1.
 *
 * Throws `HmmInputError` `invalid_argument` for a bad nIter/minCovar/params and
 * `not_positive_definite` if an M-step yields an unusable covariance (possible only with
 * minCovar = 0 on degenerate data).
 */
export function baumWelch(
  model: GaussianHmm,
  x: Float64Array,
  options: BaumWelchOptions = {},
): BaumWelchResult {
  const nIter = options.nIter ?? 10;
  const minCovar = options.minCovar ?? 1e-3;
  checkCount(nIter, "n_iter");
  const params = checkEmArguments(minCovar, options.params ?? "stmc");
  const T = observationCount(x, model.D);
  const trace = new Float64Array(nIter + 1);
  let current = model;
  let prepared = prepareHmm(current);
  for (let iter = 0; iter < nIter; iter++) {
    const stats = eStep(prepared, x, [T]);
    trace[iter] = stats.loglik;
    current = mStep(current, x, stats, params, minCovar);
    prepared = prepareHmm(current);
  }
  trace[nIter] = scoreHmm(prepared, x);
  return { model: prepared.model, loglikTrace: trace };
}
