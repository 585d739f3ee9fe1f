import type { CovarianceType } from "./gaussian_hmm.ts";

/** One macro regime's micro HMM: its entry distribution, transitions and emissions. */
export interface MicroHmm {
  /** U: number of micro states in this regime. */
  readonly U: number;
  /** Entry distribution when the macro chain switches into this regime (U). */
  readonly startprob: Float64Array;
  /** U*U row-major micro transitions while the regime persists. */
  readonly transmat: Float64Array;
  /** U*D. */
  readonly means: Float64Array;
  /** U*D (diag) or U*D*D (full). */
  readonly covars: Float64Array;
}

/**
 * A hierarchical (macro/micro, "H2") Gaussian HMM: M macro regimes with slow transitions, each
 * owning a micro HMM whose active state emits the observation. Exact inference goes through the
 * equivalent flat HMM (`flattenH2`).
 */
export interface H2Hmm {
  readonly covarianceType: CovarianceType;
  readonly M: number;
  readonly D: number;
  /** M. */
  readonly macroStartprob: Float64Array;
  /** M*M row-major. */
  readonly macroTransmat: Float64Array;
  /** M entries. */
  readonly micro: readonly MicroHmm[];
}
