/** How state covariances are stored: the diagonal only, or the full symmetric matrix. */
export const CovarianceType = { diag: "diag", full: "full" } as const;
/** One covariance layout. */
export type CovarianceType = typeof CovarianceType[keyof typeof CovarianceType];

/**
 * A Gaussian hidden Markov model on typed arrays, all float64 and row-major.
 *
 * - `startprob` (K): π[i] = P(z₀ = i).
 * - `transmat` (K*K): transmat[i*K + j] = P(z_{t+1} = j | z_t = i); zeros mean "impossible".
 * - `means` (K*D): means[k*D + d].
 * - `covars`: diag → K*D variances (covars[k*D + d]); full → K*D*D, covars[(k*D + r)*D + c] = Σ_k[r][c].
 *
 * A model is a value: functions in this folder never mutate the arrays of a model they are given.
 */
export interface GaussianHmm {
  readonly covarianceType: CovarianceType;
  /** Number of hidden states. */
  readonly K: number;
  /** Number of features per observation. */
  readonly D: number;
  readonly startprob: Float64Array;
  readonly transmat: Float64Array;
  readonly means: Float64Array;
  readonly covars: Float64Array;
}

/** Length of the `covars` array for a layout: K*D (diag) or K*D*D (full). */
export function covarsLength(covarianceType: CovarianceType, K: number, D: number): number {
  return covarianceType === CovarianceType.diag ? K * D : K * D * D;
}

/** A deep copy of a model (fresh arrays), e.g. to hand to code that keeps it. */
export function cloneHmm(model: GaussianHmm): GaussianHmm {
  return {
    covarianceType: model.covarianceType,
    K: model.K,
    D: model.D,
    startprob: model.startprob.slice(),
    transmat: model.transmat.slice(),
    means: model.means.slice(),
    covars: model.covars.slice(),
  };
}
