import { checkFinite, checkStochasticMatrix } from "./_checks.ts";
import { HmmInputError } from "./hmm_input_error.ts";
import { stationaryDistribution } from "./stationary_distribution.ts";

/** The KL divergence rate between two Markov chains, row by row. */
export interface KlTransmatResult {
  /** π_P, length K. */
  stationary: Float64Array;
  /** Σ_j P_ij log(P_ij / Q_ij) per row; +Infinity where some P_ij > 0 has Q_ij = 0. */
  rowKl: Float64Array;
  /** Σ_i π_P[i] rowKl[i]; +Infinity when infinite. */
  kl: number;
}

/**
 * Row KLs and their π-weighted sum from precomputed π (allocation-free kernel shared with the
 * transition monitor). 0·log 0 = 0; a row with π_i = 0 contributes 0 even when its KL is
 * infinite. Terms use log1p((P − Q)/Q), accurate when Q is close to P.
 *
 * @param p reference matrix, row-major K*K.
 * @param q compared matrix, row-major K*K.
 * @param stationary π_P, length K.
 * @param rowKl receives the row KLs, length K.
 * @returns the KL divergence rate.
 */
export function klRate(
  p: Float64Array,
  q: Float64Array,
  stationary: Float64Array,
  rowKl: Float64Array,
): number {
  const K = stationary.length;
  let kl = 0;
  for (let i = 0; i < K; i++) {
    let s = 0;
    for (let j = 0; j < K; j++) {
      const pij = p[i * K + j];
      if (!(pij > 0)) continue;
      const qij = q[i * K + j];
      if (!(qij > 0)) {
        s = Infinity;
        break;
      }
      s += pij * Math.log1p((pij - qij) / qij);
    }
    rowKl[i] = s;
    if (stationary[i] > 0) kl += stationary[i] * s;
  }
  return kl;
}

/**
 * The Kullback–Leibler divergence rate of chain Q from chain P (FIXTURES.md `kl_transmat`):
 * π_P from the linear system (`stationaryDistribution`), row KLs, and kl = Σ_i π_P[i]·rowKl[i]
 * = lim (1/n) KL(law of z_0..z_n under P ‖ under Q), both started in π_P.
 *
 * Throws `HmmInputError`: `shape_mismatch` (not K*K or sizes differ), `non_finite`,
 * `not_stochastic`.
 */
export function klTransmat(p: Float64Array, q: Float64Array): KlTransmatResult {
  const K = Math.round(Math.sqrt(p.length));
  if (K === 0 || K * K !== p.length || q.length !== p.length) {
    throw new HmmInputError(
      "shape_mismatch",
      `Cannot compare transition matrices of lengths ${p.length} and ${q.length}: both must be K×K`,
    );
  }
  checkFinite(p, "transmat_p");
  checkFinite(q, "transmat_q");
  checkStochasticMatrix(p, K, "transmat_p");
  checkStochasticMatrix(q, K, "transmat_q");
  const stationary = stationaryDistribution(p);
  const rowKl = new Float64Array(K);
  const kl = klRate(p, q, stationary, rowKl);
  return { stationary, rowKl, kl };
}
