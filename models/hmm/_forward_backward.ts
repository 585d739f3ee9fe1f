import { combineAndNormalize, logSumExp, normalizeLog } from "./_log_math.ts";
import { observationCount } from "./_checks.ts";
import { scaledForwardStep } from "./_scaled_forward_step.ts";
import type { PreparedHmm } from "./prepared_hmm.ts";

/** Everything one forward(-backward) pass leaves behind, all row-major T*K in log space. */
export interface ForwardPass {
  T: number;
  /** log N(x_t; k); a row where every state is impossible is replaced by zeros (see `scale`). */
  logB: Float64Array;
  /** normalised log filtered probabilities. */
  logAlpha: Float64Array;
  /** c_t = log p(x_t | x_0..t−1); −Infinity for an impossible observation. */
  increments: Float64Array;
  /** the normaliser actually applied at t (equals c_t unless c_t is −Infinity, then 0). */
  scale: Float64Array;
  loglik: number;
}

/** The forward pass over x[start*D .. (start+T)*D) (one sequence). */
export function forwardPass(
  hmm: PreparedHmm,
  x: Float64Array,
  start = 0,
  count?: number,
): ForwardPass {
  const { K, D } = hmm;
  const T = count ?? observationCount(x, D) - start;
  const logB = new Float64Array(T * K);
  const logAlpha = new Float64Array(T * K);
  const increments = new Float64Array(T);
  const scale = new Float64Array(T);
  const prev = new Float64Array(K);
  const cur = new Float64Array(K);
  const scratch = new Float64Array(K);
  let loglik = 0;
  for (let t = 0; t < T; t++) {
    hmm.logEmissions(x, (start + t) * D, logB, t * K);
    const row = logB.subarray(t * K, t * K + K);
    let inc: number;
    if (t === 0) {
      inc = combineAndNormalize(hmm.logStartprob, row, 0, cur);
    } else {
      inc = scaledForwardStep(prev, hmm.transmat, hmm.logTransmat, row, 0, cur, scratch);
    }
    increments[t] = inc;
    loglik += inc;
    if (inc === -Infinity) {
      row.fill(0);
      if (t === 0) {
        cur.set(hmm.logStartprob);
        scale[t] = normalizeLog(cur, 0, K);
      } else {
        scale[t] = scaledForwardStep(prev, hmm.transmat, hmm.logTransmat, row, 0, cur, scratch);
      }
    } else {
      scale[t] = inc;
    }
    logAlpha.set(cur, t * K);
    prev.set(cur);
  }
  return { T, logB, logAlpha, increments, scale, loglik };
}

/** A scaled sum below this is recomputed in log space (terms may have underflowed). */
const TINY = 1e-290;

/**
 * The scaled backward pass: logBeta[t*K+i] = log β_t(i) − Σ_{s>t} c_s, so that
 * exp(logAlpha + logBeta) is the smoothed posterior (Rabiner 1989, eq. 24–25, in log space).
 * Each step factors out the largest term, so it needs K exponentials instead of K²; a state
 * whose scaled sum is below 1e−290 is recomputed exactly by log-sum-exp.
 */
export function backwardPass(hmm: PreparedHmm, fwd: ForwardPass): Float64Array {
  const K = hmm.K;
  const T = fwd.T;
  const A = hmm.transmat;
  const logA = hmm.logTransmat;
  const logBeta = new Float64Array(T * K);
  const v = new Float64Array(K);
  const w = new Float64Array(K);
  const terms = new Float64Array(K);
  for (let t = T - 2; t >= 0; t--) {
    const top = nextTerms(fwd, logBeta, t, K, v);
    for (let j = 0; j < K; j++) w[j] = Math.exp(v[j] - top);
    for (let i = 0; i < K; i++) {
      let s = 0;
      for (let j = 0; j < K; j++) s += A[i * K + j] * w[j];
      if (s > TINY) {
        logBeta[t * K + i] = top + Math.log(s);
        continue;
      }
      for (let j = 0; j < K; j++) terms[j] = logA[i * K + j] + v[j];
      logBeta[t * K + i] = logSumExp(terms, 0, K);
    }
  }
  return logBeta;
}

/**
 * v[j] = (log N(x_{t+1}; j) − c_{t+1}) + log β_{t+1}(j), the factor every backward and ξ term at
 * t shares; returns max_j v[j] (−Infinity only if all are).
 */
export function nextTerms(
  fwd: ForwardPass,
  logBeta: Float64Array,
  t: number,
  K: number,
  v: Float64Array,
): number {
  const n = (t + 1) * K;
  const c = fwd.scale[t + 1];
  let top = -Infinity;
  for (let j = 0; j < K; j++) {
    const x = (fwd.logB[n + j] - c) + logBeta[n + j];
    v[j] = x;
    if (x > top) top = x;
  }
  return top;
}

/** Writes the smoothed posteriors P(z_t = k | X) (T*K, probability space, rows sum to 1). */
export function posteriorsFrom(
  fwd: ForwardPass,
  logBeta: Float64Array,
  K: number,
  out: Float64Array,
  outOffset = 0,
): void {
  for (let t = 0; t < fwd.T; t++) {
    let s = 0;
    const o = t * K;
    for (let k = 0; k < K; k++) {
      const p = Math.exp(fwd.logAlpha[o + k] + logBeta[o + k]);
      out[outOffset + o + k] = p;
      s += p;
    }
    if (s > 0) { for (let k = 0; k < K; k++) out[outOffset + o + k] /= s; }
  }
}
