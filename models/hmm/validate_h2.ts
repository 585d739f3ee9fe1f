import {
  checkCovariances,
  checkFinite,
  checkStochasticMatrix,
  checkStochasticRow,
} from "./_checks.ts";
import { covarsLength } from "./gaussian_hmm.ts";
import type { H2Hmm } from "./h2_hmm.ts";
import { HmmInputError } from "./hmm_input_error.ts";

/**
 * Checks an H2 model in the order of FIXTURES.md (`shape_mismatch`, `non_finite`,
 * `not_stochastic` for macro and micro rows, `not_positive_definite`) and throws
 * `HmmInputError` on the first failure.
 */
export function validateH2(h2: H2Hmm): void {
  const { M, D, covarianceType } = h2;
  if (covarianceType !== "diag" && covarianceType !== "full") {
    throw new HmmInputError(
      "invalid_request",
      `Cannot use the h2 model: covariance_type is ${String(covarianceType)}`,
    );
  }
  const bad = (what: string, got: number, want: number) =>
    new HmmInputError(
      "shape_mismatch",
      `Cannot use the h2 model as ${what} must hold ${want} numbers: it holds ${got}`,
    );
  if (!Number.isInteger(M) || M < 1 || !Number.isInteger(D) || D < 1) {
    throw new HmmInputError("shape_mismatch", `Cannot use the h2 model: M=${M}, D=${D}`);
  }
  if (h2.macroStartprob.length !== M) throw bad("macro_startprob", h2.macroStartprob.length, M);
  if (h2.macroTransmat.length !== M * M) {
    throw bad("macro_transmat", h2.macroTransmat.length, M * M);
  }
  if (h2.micro.length !== M) throw bad("micro", h2.micro.length, M);
  h2.micro.forEach((mi, m) => {
    const U = mi.U;
    if (!Number.isInteger(U) || U < 1) {
      throw new HmmInputError("shape_mismatch", `Cannot use the h2 model: micro ${m} has U=${U}`);
    }
    if (mi.startprob.length !== U) throw bad(`micro ${m} startprob`, mi.startprob.length, U);
    if (mi.transmat.length !== U * U) throw bad(`micro ${m} transmat`, mi.transmat.length, U * U);
    if (mi.means.length !== U * D) throw bad(`micro ${m} means`, mi.means.length, U * D);
    const nc = covarsLength(covarianceType, U, D);
    if (mi.covars.length !== nc) throw bad(`micro ${m} covars`, mi.covars.length, nc);
  });
  checkFinite(h2.macroStartprob, "macro_startprob");
  checkFinite(h2.macroTransmat, "macro_transmat");
  h2.micro.forEach((mi, m) => {
    checkFinite(mi.startprob, `micro ${m} startprob`);
    checkFinite(mi.transmat, `micro ${m} transmat`);
    checkFinite(mi.means, `micro ${m} means`);
    checkFinite(mi.covars, `micro ${m} covars`);
  });
  checkStochasticRow(h2.macroStartprob, 0, M, "macro_startprob");
  checkStochasticMatrix(h2.macroTransmat, M, "macro_transmat");
  h2.micro.forEach((mi, m) => {
    checkStochasticRow(mi.startprob, 0, mi.U, `micro ${m} startprob`);
    checkStochasticMatrix(mi.transmat, mi.U, `micro ${m} transmat`);
  });
  h2.micro.forEach((mi, m) => checkCovariances(covarianceType, mi.covars, mi.U, D, `micro ${m}`));
}
