import type { GaussianHmm } from "./gaussian_hmm.ts";

/** Small models shared by the tests of this folder. */
export function twoStateDiag(): GaussianHmm {
  return {
    covarianceType: "diag",
    K: 2,
    D: 2,
    startprob: Float64Array.of(0.6, 0.4),
    transmat: Float64Array.of(0.95, 0.05, 0.1, 0.9),
    means: Float64Array.of(-2, 0, 2, 1),
    covars: Float64Array.of(0.5, 1, 1, 0.25),
  };
}

/** Three states, full covariances, a structural zero (state 2 unreachable from the start and from 0). */
export function threeStateFull(): GaussianHmm {
  return {
    covarianceType: "full",
    K: 3,
    D: 2,
    startprob: Float64Array.of(0.5, 0.5, 0),
    transmat: Float64Array.of(0.9, 0.1, 0, 0.05, 0.9, 0.05, 0.1, 0.1, 0.8),
    means: Float64Array.of(0, 0, 3, 3, -3, 3),
    covars: Float64Array.of(1, 0.3, 0.3, 1, 0.5, -0.2, -0.2, 0.8, 2, 0, 0, 0.1),
  };
}
