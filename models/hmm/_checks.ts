import { cholesky } from "./cholesky.ts";
import { HmmInputError } from "./hmm_input_error.ts";

/** Largest |Σ p − 1| accepted for a probability row (FIXTURES.md). */
export const STOCHASTIC_TOLERANCE = 1e-8;

/** Throws `non_finite` when some entry of `v` is NaN or ±∞. */
export function checkFinite(v: Float64Array, what: string): void {
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) {
      throw new HmmInputError("non_finite", `Cannot use ${what}: entry ${i} is ${v[i]}`);
    }
  }
}

/** Throws `not_stochastic` unless v[off..off+n) is ≥ 0 entrywise and sums to 1 within 1e-8. */
export function checkStochasticRow(v: Float64Array, off: number, n: number, what: string): void {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const p = v[off + i];
    if (p < 0) {
      throw new HmmInputError("not_stochastic", `Cannot use ${what}: entry ${i} is negative: ${p}`);
    }
    s += p;
  }
  if (Math.abs(s - 1) > STOCHASTIC_TOLERANCE) {
    throw new HmmInputError(
      "not_stochastic",
      `Cannot use ${what} as it does not sum to 1: sum is ${s}`,
    );
  }
}

/** Throws `not_stochastic` unless every row of the n×n matrix `m` is a probability row. */
export function checkStochasticMatrix(m: Float64Array, n: number, what: string): void {
  for (let i = 0; i < n; i++) checkStochasticRow(m, i * n, n, `${what} row ${i}`);
}

/**
 * Throws `not_positive_definite` unless every state's covariance is usable: diag variances > 0;
 * full blocks symmetric (|c_ij − c_ji| ≤ 1e−9·max(|c_ij|, |c_ji|)) with a Cholesky factor.
 */
export function checkCovariances(
  covarianceType: "diag" | "full",
  covars: Float64Array,
  K: number,
  D: number,
  what: string,
): void {
  if (covarianceType === "diag") {
    for (let i = 0; i < K * D; i++) {
      if (!(covars[i] > 0)) {
        throw new HmmInputError(
          "not_positive_definite",
          `Cannot use ${what}: the variance of state ${Math.floor(i / D)} feature ${
            i % D
          } is not > 0: ${covars[i]}`,
        );
      }
    }
    return;
  }
  const scratch = new Float64Array(D * D);
  for (let k = 0; k < K; k++) {
    const off = k * D * D;
    for (let r = 0; r < D; r++) {
      for (let c = r + 1; c < D; c++) {
        const a = covars[off + r * D + c];
        const b = covars[off + c * D + r];
        if (Math.abs(a - b) > 1e-9 * Math.max(Math.abs(a), Math.abs(b))) {
          throw new HmmInputError(
            "not_positive_definite",
            `Cannot use ${what}: the covariance of state ${k} is not symmetric at (${r}, ${c}): ${a} vs ${b}`,
          );
        }
      }
    }
    if (!cholesky(covars, off, D, scratch, 0)) {
      throw new HmmInputError(
        "not_positive_definite",
        `Cannot use ${what}: the covariance of state ${k} has no Cholesky factor (not positive definite)`,
      );
    }
  }
}

/**
 * The number of observations T in a row-major T*D matrix; throws `shape_mismatch` when the length
 * is not a positive multiple of D and `non_finite` when an entry is NaN or ±∞.
 */
export function observationCount(x: Float64Array, D: number): number {
  if (x.length === 0 || x.length % D !== 0) {
    throw new HmmInputError(
      "shape_mismatch",
      `Cannot use the observations as a T×${D} matrix with T ≥ 1: length is ${x.length}`,
    );
  }
  checkFinite(x, "the observations");
  return x.length / D;
}
