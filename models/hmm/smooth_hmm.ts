import { backwardPass, forwardPass, posteriorsFrom } from "./_forward_backward.ts";
import type { PreparedHmm } from "./prepared_hmm.ts";

/** Forward-backward posteriors of a whole sequence. */
export interface SmoothResult {
  T: number;
  /** P(z_t = k | x_0..x_{T−1}), row-major T*K. */
  posteriors: Float64Array;
  loglik: number;
}

/**
 * Smoothed state posteriors by forward-backward in log space (Rabiner 1989, eq. 27), `x`
 * row-major T*D with T ≥ 1. Each row is renormalised to sum to 1.
 */
export function smoothHmm(hmm: PreparedHmm, x: Float64Array): SmoothResult {
  const fwd = forwardPass(hmm, x);
  const logBeta = backwardPass(hmm, fwd);
  const posteriors = new Float64Array(fwd.T * hmm.K);
  posteriorsFrom(fwd, logBeta, hmm.K, posteriors);
  return { T: fwd.T, posteriors, loglik: fwd.loglik };
}
