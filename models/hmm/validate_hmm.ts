import {
  checkCovariances,
  checkFinite,
  checkStochasticMatrix,
  checkStochasticRow,
} from "./_checks.ts";
import { covarsLength, type GaussianHmm } from "./gaussian_hmm.ts";
import { HmmInputError } from "./hmm_input_error.ts";

/** Options of `validateHmm`. */
export interface ValidateHmmOptions {
  /** Names the model in error messages. @default {"the model"} */
  what?: string;
}

/**
 * Checks that a model can be used, in the order of FIXTURES.md, and throws `HmmInputError` with
 * the first failing code: `invalid_request` (unknown covariance type), `shape_mismatch` (K or D
 * not a positive integer, an array of the wrong length), `non_finite`, `not_stochastic`
 * (startprob or a transmat row negative or not summing to 1 within 1e−8), `not_positive_definite`
 * (a variance ≤ 0, a full covariance not symmetric within 1e−9 relative or without a Cholesky
 * factor). Returns nothing for a valid model.
 */
export function validateHmm(model: GaussianHmm, options: ValidateHmmOptions = {}): void {
  const what = options.what ?? "the model";
  const { covarianceType, K, D } = model;
  if (covarianceType !== "diag" && covarianceType !== "full") {
    throw new HmmInputError(
      "invalid_request",
      `Cannot use ${what} as covariance_type must be "diag" or "full": ${String(covarianceType)}`,
    );
  }
  if (!Number.isInteger(K) || K < 1 || !Number.isInteger(D) || D < 1) {
    throw new HmmInputError("shape_mismatch", `Cannot use ${what}: K=${K}, D=${D}`);
  }
  const lengths: Array<[string, Float64Array, number]> = [
    ["startprob", model.startprob, K],
    ["transmat", model.transmat, K * K],
    ["means", model.means, K * D],
    ["covars", model.covars, covarsLength(covarianceType, K, D)],
  ];
  for (const [name, arr, n] of lengths) {
    if (arr.length !== n) {
      throw new HmmInputError(
        "shape_mismatch",
        `Cannot use ${what} as ${name} must hold ${n} numbers for K=${K}, D=${D}: it holds ${arr.length}`,
      );
    }
  }
  for (const [name, arr] of lengths) checkFinite(arr, `${what} ${name}`);
  checkStochasticRow(model.startprob, 0, K, `${what} startprob`);
  checkStochasticMatrix(model.transmat, K, `${what} transmat`);
  checkCovariances(covarianceType, model.covars, K, D, what);
}
