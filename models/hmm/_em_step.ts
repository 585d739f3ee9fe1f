import {
  backwardPass,
  type ForwardPass,
  forwardPass,
  nextTerms,
  posteriorsFrom,
} from "./_forward_backward.ts";
import { CovarianceType, type GaussianHmm } from "./gaussian_hmm.ts";
import { HmmInputError } from "./hmm_input_error.ts";
import type { PreparedHmm } from "./prepared_hmm.ts";

/** Sufficient statistics of one Baum-Welch E-step over one or more sequences. */
export interface EStats {
  loglik: number;
  /** γ_t(k) for every row of x (all sequences concatenated), row-major N*K. */
  gamma: Float64Array;
  /** Σ over sequence starts of γ_0(k), length K. */
  startSum: Float64Array;
  /** Σ_t ξ_t(i, j), row-major K*K. */
  xiSum: Float64Array;
}

/**
 * E-step (Rabiner 1989, eq. 37–38 in log space): posteriors γ and expected transition counts ξ
 * summed over t, for the sequences x[0..lengths[0]), then the next lengths[1] rows, and so on.
 */
export function eStep(hmm: PreparedHmm, x: Float64Array, lengths: readonly number[]): EStats {
  const { K, D } = hmm;
  const total = x.length / D;
  const gamma = new Float64Array(total * K);
  const startSum = new Float64Array(K);
  const xiSum = new Float64Array(K * K);
  const v = new Float64Array(K);
  const a = new Float64Array(K);
  const w = new Float64Array(K);
  let loglik = 0;
  let start = 0;
  for (const T of lengths) {
    const fwd = forwardPass(hmm, x, start, T);
    const logBeta = backwardPass(hmm, fwd);
    loglik += fwd.loglik;
    posteriorsFrom(fwd, logBeta, K, gamma, start * K);
    for (let k = 0; k < K; k++) startSum[k] += gamma[start * K + k];
    for (let t = 0; t < T - 1; t++) addXi(hmm, fwd, logBeta, t, xiSum, v, a, w);
    start += T;
  }
  return { loglik, gamma, startSum, xiSum };
}

/**
 * Adds ξ_t(i, j) = P(z_t = i, z_{t+1} = j | X) = exp(log α_t(i) + log A_ij + v_j) to `xiSum`.
 * Scaled form: α and exp(v − max v) in probability space, normalised by their total (ξ_t sums to
 * 1), 2K exponentials instead of K²; a step whose scaled total is below 1e−290 is done term by
 * term in log space.
 */
function addXi(
  hmm: PreparedHmm,
  fwd: ForwardPass,
  logBeta: Float64Array,
  t: number,
  xiSum: Float64Array,
  v: Float64Array,
  a: Float64Array,
  w: Float64Array,
): void {
  const K = hmm.K;
  const A = hmm.transmat;
  const top = nextTerms(fwd, logBeta, t, K, v);
  if (top === -Infinity) return;
  for (let j = 0; j < K; j++) w[j] = Math.exp(v[j] - top);
  for (let i = 0; i < K; i++) a[i] = Math.exp(fwd.logAlpha[t * K + i]);
  let z = 0;
  for (let i = 0; i < K; i++) {
    if (a[i] === 0) continue;
    for (let j = 0; j < K; j++) z += a[i] * A[i * K + j] * w[j];
  }
  if (z > 1e-290) {
    for (let i = 0; i < K; i++) {
      if (a[i] === 0) continue;
      const ai = a[i] / z;
      for (let j = 0; j < K; j++) xiSum[i * K + j] += ai * A[i * K + j] * w[j];
    }
    return;
  }
  const logA = hmm.logTransmat;
  for (let i = 0; i < K; i++) {
    const la = fwd.logAlpha[t * K + i];
    if (la === -Infinity) continue;
    for (let j = 0; j < K; j++) xiSum[i * K + j] += Math.exp(la + logA[i * K + j] + v[j]);
  }
}

/** Which parameter groups an M-step updates (letters of "stmc"). */
export interface EmParams {
  s: boolean;
  t: boolean;
  m: boolean;
  c: boolean;
}

/** Parses a `params` string of letters from s, t, m, c; returns null on any other letter. */
export function parseEmParams(params: string): EmParams | null {
  if (!/^[stmc]*$/.test(params)) return null;
  return {
    s: params.includes("s"),
    t: params.includes("t"),
    m: params.includes("m"),
    c: params.includes("c"),
  };
}

/**
 * M-step of Baum-Welch as FIXTURES.md defines it: π = γ₀ renormalised; A_ij = ξ_ij / Σ_j ξ_ij
 * (a row with no expected transitions keeps its old values, structural zeros stay zero);
 * μ_k = Σ γ x / N_k; covariances centred on the means after this iteration's mean update,
 * two-pass, plus `minCovar` (added, hmmlearn's convention), full ones symmetrised.
 * A state whose weight N_k ≤ `minWeight` keeps its old mean and covariance.
 */
export function mStep(
  model: GaussianHmm,
  x: Float64Array,
  stats: EStats,
  params: EmParams,
  minCovar: number,
  minWeight = 0,
): GaussianHmm {
  const { K, D } = model;
  const N = x.length / D;
  const gamma = stats.gamma;
  const startprob = model.startprob.slice();
  const transmat = model.transmat.slice();
  const means = model.means.slice();
  const covars = model.covars.slice();
  if (params.s) {
    let s = 0;
    for (let k = 0; k < K; k++) s += stats.startSum[k];
    if (s > 0) { for (let k = 0; k < K; k++) startprob[k] = stats.startSum[k] / s; }
  }
  if (params.t) {
    for (let i = 0; i < K; i++) {
      let s = 0;
      for (let j = 0; j < K; j++) s += stats.xiSum[i * K + j];
      if (s > 0) { for (let j = 0; j < K; j++) transmat[i * K + j] = stats.xiSum[i * K + j] / s; }
    }
  }
  if (!params.m && !params.c) return { ...model, startprob, transmat, means, covars };
  const weight = new Float64Array(K);
  for (let t = 0; t < N; t++) for (let k = 0; k < K; k++) weight[k] += gamma[t * K + k];
  if (params.m) {
    const acc = new Float64Array(K * D);
    for (let t = 0; t < N; t++) {
      for (let k = 0; k < K; k++) {
        const g = gamma[t * K + k];
        for (let d = 0; d < D; d++) acc[k * D + d] += g * x[t * D + d];
      }
    }
    for (let k = 0; k < K; k++) {
      if (!(weight[k] > minWeight)) continue;
      for (let d = 0; d < D; d++) means[k * D + d] = acc[k * D + d] / weight[k];
    }
  }
  if (params.c) {
    const full = model.covarianceType === CovarianceType.full;
    const acc = new Float64Array(full ? K * D * D : K * D);
    const diff = new Float64Array(D);
    for (let t = 0; t < N; t++) {
      for (let k = 0; k < K; k++) {
        const g = gamma[t * K + k];
        if (g === 0) continue;
        for (let d = 0; d < D; d++) diff[d] = x[t * D + d] - means[k * D + d];
        if (full) {
          const base = k * D * D;
          for (let r = 0; r < D; r++) {
            const gr = g * diff[r];
            for (let c = 0; c <= r; c++) acc[base + r * D + c] += gr * diff[c];
          }
        } else {
          for (let d = 0; d < D; d++) acc[k * D + d] += g * diff[d] * diff[d];
        }
      }
    }
    for (let k = 0; k < K; k++) {
      if (!(weight[k] > minWeight)) continue;
      const w = weight[k];
      if (full) {
        const base = k * D * D;
        for (let r = 0; r < D; r++) {
          for (let c = 0; c <= r; c++) {
            const v = acc[base + r * D + c] / w + (r === c ? minCovar : 0);
            covars[base + r * D + c] = v;
            covars[base + c * D + r] = v;
          }
        }
      } else {
        for (let d = 0; d < D; d++) covars[k * D + d] = acc[k * D + d] / w + minCovar;
      }
    }
  }
  return { ...model, startprob, transmat, means, covars };
}

/** Throws `invalid_argument` unless n is an integer ≥ 0. */
export function checkCount(n: number, name: string): void {
  if (!Number.isInteger(n) || n < 0) {
    throw new HmmInputError(
      "invalid_argument",
      `Cannot use ${name} as it must be an integer ≥ 0: ${n}`,
    );
  }
}

/** Throws `invalid_argument` unless minCovar ≥ 0; returns the parsed `params`. */
export function checkEmArguments(minCovar: number, params: string): EmParams {
  if (!(minCovar >= 0)) {
    throw new HmmInputError(
      "invalid_argument",
      `Cannot use min_covar as it must be ≥ 0: ${minCovar}`,
    );
  }
  const parsed = parseEmParams(params);
  if (parsed === null) {
    throw new HmmInputError(
      "invalid_argument",
      `Cannot use params as it may only hold the letters s, t, m, c: "${params}"`,
    );
  }
  return parsed;
}
