import { hmmParamCount } from "./bic.ts";
import { fitHmm, type FitHmmOptions, type FitHmmResult } from "./fit_hmm.ts";
import type { GaussianHmm } from "./gaussian_hmm.ts";

/** Options of `chooseKByBic`: those of `fitHmm` without K, plus the candidates. */
export interface ChooseKOptions extends Omit<FitHmmOptions, "K" | "init"> {
  /** Candidate numbers of states, each fitted with the same seed. @default {[2, 3, 4, 5, 6]} */
  candidates?: readonly number[];
  /** Called after each candidate is fitted (for progress lines). */
  onCandidate?: (K: number, bic: number, fit: FitHmmResult) => void;
}

/** One fitted candidate. */
export interface BicCandidate {
  K: number;
  loglik: number;
  nParams: number;
  /** −2·loglik + nParams·ln T; lower is better. */
  bic: number;
  iterations: number;
  converged: boolean;
}

/** The chosen model and every candidate's score. */
export interface ChooseKResult {
  K: number;
  model: GaussianHmm;
  candidates: BicCandidate[];
}

/**
 * Chooses the number of states by the Bayesian information criterion (Schwarz 1978): fits every
 * candidate K with `fitHmm` and keeps the lowest BIC (ties → the smaller K), counting parameters
 * as hmmlearn does for a full fit ("stmc"). Candidates larger than T are skipped.
 *
 * @param x row-major T*D observations.
 */
export function chooseKByBic(x: Float64Array, options: ChooseKOptions): ChooseKResult {
  const T = x.length / options.D;
  const ks = [...(options.candidates ?? [2, 3, 4, 5, 6])].filter((k) => k <= T).sort((a, b) =>
    a - b
  );
  if (ks.length === 0) {
    throw new RangeError(`Cannot choose K: no candidate fits ${T} observations`);
  }
  const candidates: BicCandidate[] = [];
  let best: { K: number; bic: number; model: GaussianHmm } | null = null;
  for (const K of ks) {
    const fit = fitHmm(x, { ...options, K });
    const nParams = hmmParamCount(fit.model.covarianceType, K, options.D, "stmc");
    const bic = -2 * fit.loglik + nParams * Math.log(T);
    candidates.push({
      K,
      loglik: fit.loglik,
      nParams,
      bic,
      iterations: fit.iterations,
      converged: fit.converged,
    });
    options.onCandidate?.(K, bic, fit);
    if (best === null || bic < best.bic) best = { K, bic, model: fit.model };
  }
  return { K: best!.K, model: best!.model, candidates };
}
