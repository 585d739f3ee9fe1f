import { observationCount } from "./_checks.ts";
import { cholesky } from "./cholesky.ts";
import { combineAndNormalize, normalizeLog } from "./_log_math.ts";
import { checkCount } from "./_em_step.ts";
import { CovarianceType, type GaussianHmm } from "./gaussian_hmm.ts";
import { HmmInputError } from "./hmm_input_error.ts";
import { type PreparedHmm, prepareHmm } from "./prepared_hmm.ts";

/** Options of `OnlineEm`. */
export interface OnlineEmOptions {
  /** Step size exponent α of γ_t = t^(−α), in (0.5, 1]. @default {0.6} */
  stepAlpha?: number;
  /** Observations after the first before parameters start to move (integer ≥ 0). @default {0} */
  burnIn?: number;
  /** Added to variances (diag) or the diagonal (full) at every M-step, ≥ 0. @default {1e-3} */
  minCovar?: number;
}

/**
 * Online EM for a Gaussian HMM (Cappé 2011, "Online EM algorithm for hidden Markov models",
 * JCGS 20(3), alg. 1), exactly as FIXTURES.md `online_em` defines it: one forward-filter step and
 * one recursive update of the auxiliary statistics ρ per observation, an M-step after every
 * observation once `burnIn` observations have followed the first. startprob is never updated.
 *
 * Degenerate input: a transmat row with no expected transitions, or a state with no weight,
 * keeps its old values; an M-step covariance that is not positive definite (possible only with
 * minCovar = 0) leaves that state's mean and covariance unchanged.
 */
export class OnlineEm {
  readonly #K: number;
  readonly #D: number;
  readonly #full: boolean;
  readonly #alpha: number;
  readonly #burnIn: number;
  readonly #minCovar: number;
  readonly #startprob: Float64Array;
  readonly #transmat: Float64Array;
  readonly #means: Float64Array;
  readonly #covars: Float64Array;
  #hmm: PreparedHmm;
  #t = 0;
  readonly #logPhi: Float64Array;
  readonly #logPred: Float64Array;
  readonly #logB: Float64Array;
  readonly #r: Float64Array;
  readonly #colSum: Float64Array;
  readonly #tmp: Float64Array;
  readonly #rhoQ: Float64Array;
  readonly #rho1: Float64Array;
  readonly #rhoY: Float64Array;
  readonly #rhoYY: Float64Array;
  /** Number of d ≥ e pairs (full) or features (diag) in the second-moment statistic. */
  readonly #nYY: number;
  readonly #phi: Float64Array;
  readonly #newCov: Float64Array;
  readonly #newMean: Float64Array;
  readonly #cholScratch: Float64Array;
  /** The current parameters; its arrays are the fields above. */
  readonly #current: GaussianHmm;

  constructor(model: GaussianHmm, options: OnlineEmOptions = {}) {
    const alpha = options.stepAlpha ?? 0.6;
    const burnIn = options.burnIn ?? 0;
    const minCovar = options.minCovar ?? 1e-3;
    if (!(alpha > 0.5 && alpha <= 1)) {
      throw new HmmInputError(
        "invalid_argument",
        `Cannot run online EM as step_alpha must be in (0.5, 1]: ${alpha}`,
      );
    }
    checkCount(burnIn, "burn_in");
    if (!(minCovar >= 0)) {
      throw new HmmInputError(
        "invalid_argument",
        `Cannot use min_covar as it must be ≥ 0: ${minCovar}`,
      );
    }
    const { K, D } = model;
    this.#K = K;
    this.#D = D;
    this.#full = model.covarianceType === CovarianceType.full;
    this.#alpha = alpha;
    this.#burnIn = burnIn;
    this.#minCovar = minCovar;
    this.#hmm = prepareHmm(model);
    this.#startprob = model.startprob.slice();
    this.#transmat = model.transmat.slice();
    this.#means = model.means.slice();
    this.#covars = model.covars.slice();
    this.#logPhi = new Float64Array(K);
    this.#logPred = new Float64Array(K);
    this.#logB = new Float64Array(K);
    this.#r = new Float64Array(K * K);
    this.#colSum = new Float64Array(K);
    this.#tmp = new Float64Array(K);
    this.#phi = new Float64Array(K);
    this.#nYY = this.#full ? (D * (D + 1)) / 2 : D;
    this.#rhoQ = new Float64Array(K * K * K);
    this.#rho1 = new Float64Array(K * K);
    this.#rhoY = new Float64Array(K * D * K);
    this.#rhoYY = new Float64Array(K * this.#nYY * K);
    this.#newCov = new Float64Array(this.#full ? D * D : D);
    this.#newMean = new Float64Array(D);
    this.#cholScratch = new Float64Array(this.#full ? D * D : 0);
    this.#current = {
      covarianceType: model.covarianceType,
      K,
      D,
      startprob: this.#startprob,
      transmat: this.#transmat,
      means: this.#means,
      covars: this.#covars,
    };
  }

  /** The current parameters (fresh copies). */
  get model(): GaussianHmm {
    return {
      covarianceType: this.#full ? CovarianceType.full : CovarianceType.diag,
      K: this.#K,
      D: this.#D,
      startprob: this.#startprob.slice(),
      transmat: this.#transmat.slice(),
      means: this.#means.slice(),
      covars: this.#covars.slice(),
    };
  }

  /** The current parameters in per-event form (the same instance, reloaded after each M-step). */
  get prepared(): PreparedHmm {
    return this.#hmm;
  }

  /** Observations processed so far. */
  get count(): number {
    return this.#t;
  }

  /**
   * Processes the observations of `x` (row-major rows of D) in order and returns their loglik
   * increments c_t = log p(x_t | x_0..t−1; parameters in force when x_t arrived).
   */
  partialFit(x: Float64Array): Float64Array {
    const T = observationCount(x, this.#D);
    const out = new Float64Array(T);
    for (let t = 0; t < T; t++) out[t] = this.update(x, t * this.#D);
    return out;
  }

  /** Processes one observation x[offset..offset+D) and returns its loglik increment. */
  update(x: Float64Array, offset = 0): number {
    const K = this.#K;
    const hmm = this.#hmm;
    const logPhi = this.#logPhi;
    const logB = this.#logB;
    hmm.logEmissions(x, offset, logB, 0);
    const t = this.#t;
    this.#t++;
    if (t === 0) {
      const inc0 = combineAndNormalize(hmm.logStartprob, logB, 0, logPhi);
      if (inc0 === -Infinity) {
        logPhi.set(hmm.logStartprob);
        normalizeLog(logPhi, 0, K);
      }
      return inc0;
    }
    // 1. retrospective kernel r and the filter step.
    const logA = hmm.logTransmat;
    const logPred = this.#logPred;
    const r = this.#r;
    const colSum = this.#colSum;
    // Scaled weights w_i = φ_i / max φ (K exponentials); a column whose scaled mass is tiny
    // (terms may have underflowed) is redone exactly in log space.
    const transmat = hmm.transmat;
    const w = this.#tmp;
    let top = -Infinity;
    for (let i = 0; i < K; i++) if (logPhi[i] > top) top = logPhi[i];
    for (let i = 0; i < K; i++) w[i] = Math.exp(logPhi[i] - top);
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let i = 0; i < K; i++) s += w[i] * transmat[i * K + k];
      let cs = 0;
      if (s > 1e-290) {
        logPred[k] = top + Math.log(s);
        for (let i = 0; i < K; i++) {
          const v = (w[i] * transmat[i * K + k]) / s;
          r[i * K + k] = v;
          cs += v;
        }
        colSum[k] = cs;
        continue;
      }
      let m = -Infinity;
      for (let i = 0; i < K; i++) {
        const v = logPhi[i] + logA[i * K + k];
        if (v > m) m = v;
      }
      let e = 0;
      if (m > -Infinity) {
        for (let i = 0; i < K; i++) e += Math.exp(logPhi[i] + logA[i * K + k] - m);
      }
      const lp = m === -Infinity ? -Infinity : m + Math.log(e);
      logPred[k] = lp;
      for (let i = 0; i < K; i++) {
        const v = lp === -Infinity ? 0 : Math.exp(logPhi[i] + logA[i * K + k] - lp);
        r[i * K + k] = v;
        cs += v;
      }
      colSum[k] = cs;
    }
    const inc = combineAndNormalize(logPred, logB, 0, logPhi);
    if (inc === -Infinity) {
      logPhi.set(logPred);
      normalizeLog(logPhi, 0, K);
    }
    const phi = this.#phi;
    for (let k = 0; k < K; k++) phi[k] = Math.exp(logPhi[k]);
    // 2–3. step size and the auxiliary statistics.
    const g = Math.pow(t, -this.#alpha);
    this.#updateStatistics(x, offset, g);
    // 5. M-step.
    if (t - 1 >= this.#burnIn) this.#mStep();
    return inc;
  }

  /** v[off + k] ← (1 − g) Σ_m v[off + m]·r[m][k] for k = 0..K−1 (one statistic row). */
  #propagate(v: Float64Array, off: number, g: number): void {
    const K = this.#K;
    const r = this.#r;
    const tmp = this.#tmp;
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let m = 0; m < K; m++) s += v[off + m] * r[m * K + k];
      tmp[k] = (1 - g) * s;
    }
    for (let k = 0; k < K; k++) v[off + k] = tmp[k];
  }

  #updateStatistics(x: Float64Array, offset: number, g: number): void {
    const K = this.#K;
    const D = this.#D;
    const r = this.#r;
    const colSum = this.#colSum;
    const rhoQ = this.#rhoQ;
    for (let i = 0; i < K; i++) {
      for (let j = 0; j < K; j++) {
        const off = (i * K + j) * K;
        this.#propagate(rhoQ, off, g);
        rhoQ[off + j] += g * r[i * K + j];
      }
    }
    for (let j = 0; j < K; j++) {
      this.#propagate(this.#rho1, j * K, g);
      this.#rho1[j * K + j] += g * colSum[j];
      for (let d = 0; d < D; d++) {
        const off = (j * D + d) * K;
        this.#propagate(this.#rhoY, off, g);
        this.#rhoY[off + j] += g * colSum[j] * x[offset + d];
      }
      if (this.#full) {
        let p = 0;
        for (let d = 0; d < D; d++) {
          for (let e = 0; e <= d; e++, p++) {
            const off = (j * this.#nYY + p) * K;
            this.#propagate(this.#rhoYY, off, g);
            this.#rhoYY[off + j] += g * colSum[j] * (x[offset + d] * x[offset + e]);
          }
        }
      } else {
        for (let d = 0; d < D; d++) {
          const off = (j * D + d) * K;
          this.#propagate(this.#rhoYY, off, g);
          const xd = x[offset + d];
          this.#rhoYY[off + j] += g * colSum[j] * (xd * xd);
        }
      }
    }
  }

  /** S = Σ_k ρ[…][k] φ_t[k] for the statistic row at `off`. */
  #contract(v: Float64Array, off: number): number {
    let s = 0;
    for (let k = 0; k < this.#K; k++) s += v[off + k] * this.#phi[k];
    return s;
  }

  /** Whether a new covariance block (one state) can be used: variances > 0 / a Cholesky factor. */
  #usable(cov: Float64Array): boolean {
    if (this.#full) return cholesky(cov, 0, this.#D, this.#cholScratch, 0);
    for (let d = 0; d < this.#D; d++) if (!(cov[d] > 0) || cov[d] === Infinity) return false;
    return true;
  }

  #mStep(): void {
    const K = this.#K;
    const D = this.#D;
    const A = this.#transmat;
    const row = this.#tmp;
    for (let i = 0; i < K; i++) {
      let s = 0;
      for (let j = 0; j < K; j++) {
        row[j] = this.#contract(this.#rhoQ, (i * K + j) * K);
        s += row[j];
      }
      if (s > 0) { for (let j = 0; j < K; j++) A[i * K + j] = row[j] / s; }
    }
    const cov = this.#newCov;
    const mean = this.#newMean;
    for (let j = 0; j < K; j++) {
      const s1 = this.#contract(this.#rho1, j * K);
      if (!(s1 > 0)) continue;
      for (let d = 0; d < D; d++) mean[d] = this.#contract(this.#rhoY, (j * D + d) * K) / s1;
      if (this.#full) {
        let p = 0;
        for (let d = 0; d < D; d++) {
          for (let e = 0; e <= d; e++, p++) {
            const syy = this.#contract(this.#rhoYY, (j * this.#nYY + p) * K) / s1;
            const v = syy - mean[d] * mean[e] + (d === e ? this.#minCovar : 0);
            cov[d * D + e] = v;
            cov[e * D + d] = v;
          }
        }
      } else {
        for (let d = 0; d < D; d++) {
          const syy = this.#contract(this.#rhoYY, (j * D + d) * K) / s1;
          cov[d] = syy - mean[d] * mean[d] + this.#minCovar;
        }
      }
      if (!this.#usable(cov)) continue;
      this.#means.set(mean, j * D);
      this.#covars.set(cov, j * cov.length);
    }
    this.#hmm.reload(this.#current);
  }
}
