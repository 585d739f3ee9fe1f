import { observationCount } from "./_checks.ts";
import { parseEmParams } from "./_em_step.ts";
import type { CovarianceType } from "./gaussian_hmm.ts";
import { HmmInputError } from "./hmm_input_error.ts";
import type { PreparedHmm } from "./prepared_hmm.ts";
import { scoreHmm } from "./score_hmm.ts";

/**
 * Free parameters of a Gaussian HMM in the groups that were fitted (hmmlearn's count; structural
 * zeros of A are not subtracted): s → K−1, t → K(K−1), m → K·D, c → K·D (diag) or K·D(D+1)/2
 * (full). Throws `HmmInputError` `invalid_argument` when `params` holds a letter outside s, t, m, c.
 */
export function hmmParamCount(
  covarianceType: CovarianceType,
  K: number,
  D: number,
  params = "stmc",
): number {
  const p = parseEmParams(params);
  if (p === null) {
    throw new HmmInputError(
      "invalid_argument",
      `Cannot count parameters as params may only hold the letters s, t, m, c: "${params}"`,
    );
  }
  let n = 0;
  if (p.s) n += K - 1;
  if (p.t) n += K * (K - 1);
  if (p.m) n += K * D;
  if (p.c) n += covarianceType === "diag" ? K * D : (K * D * (D + 1)) / 2;
  return n;
}

/** Options of `bicScore`. */
export interface BicOptions {
  /** The parameter groups that were fitted and are counted (letters of "stmc"). @default {"stmc"} */
  params?: string;
}

/** A model's Bayesian information criterion on a sequence. */
export interface BicResult {
  nParams: number;
  loglik: number;
  /** −2·loglik + nParams·ln T; lower is better. */
  bic: number;
}

/**
 * BIC = −2 log p(X) + n_params · ln T (Schwarz 1978), with `hmmParamCount(params)` and T the
 * number of observations (`x` row-major T*D, T ≥ 1).
 */
export function bicScore(
  hmm: PreparedHmm,
  x: Float64Array,
  options: { params?: string } = {},
): BicResult {
  /** @default {"stmc"} */
  const params = options.params ?? "stmc";
  const nParams = hmmParamCount(hmm.model.covarianceType, hmm.K, hmm.D, params);
  const T = observationCount(x, hmm.D);
  const loglik = scoreHmm(hmm, x);
  return { nParams, loglik, bic: -2 * loglik + nParams * Math.log(T) };
}
