import { LOG_2PI } from "./_log_math.ts";
import { cholesky } from "./cholesky.ts";
import { CovarianceType, type GaussianHmm } from "./gaussian_hmm.ts";
import { HmmInputError } from "./hmm_input_error.ts";

/**
 * A model made ready for per-event work: log π, log A, and per state either 1/σ (diag) or the
 * Cholesky factor L of Σ with 1/L_ii (full), plus the log-normalising constant
 * −½(D log 2π + log det Σ_k). Built once at load time and after every M-step, so that
 * `logEmissions` is a plain loop over typed arrays that allocates nothing.
 *
 * Zeros in π or A become −Infinity (a legal log-probability). The model's arrays are copied, so
 * later changes to them do not leak in.
 */
export class PreparedHmm {
  /** The parameters this was built from (copied arrays). */
  readonly model: GaussianHmm;
  readonly K: number;
  readonly D: number;
  /** A in probability space, row-major K*K (the same array as `model.transmat`). */
  readonly transmat: Float64Array;
  /** log π, length K. */
  readonly logStartprob: Float64Array;
  /** log A, row-major K*K. */
  readonly logTransmat: Float64Array;
  /** −½(D log 2π + log det Σ_k), length K. */
  readonly logNorm: Float64Array;
  readonly #full: boolean;
  readonly #means: Float64Array;
  /** diag: 1/σ_kd (K*D); full: L_k lower triangular (K*D*D). */
  readonly #factor: Float64Array;
  /** full only: 1/L_k[i][i] (K*D). */
  readonly #invDiag: Float64Array;
  readonly #z: Float64Array;
  #scratch: Float64Array | null = null;

  /** Use `prepareHmm`; the constructor trusts a validated model. */
  constructor(model: GaussianHmm) {
    const { K, D } = model;
    this.model = {
      covarianceType: model.covarianceType,
      K,
      D,
      startprob: new Float64Array(K),
      transmat: new Float64Array(K * K),
      means: new Float64Array(K * D),
      covars: new Float64Array(model.covars.length),
    };
    this.K = K;
    this.D = D;
    this.transmat = this.model.transmat;
    this.logStartprob = new Float64Array(K);
    this.logTransmat = new Float64Array(K * K);
    this.logNorm = new Float64Array(K);
    this.#full = model.covarianceType === CovarianceType.full;
    this.#means = this.model.means;
    this.#z = new Float64Array(D);
    this.#factor = new Float64Array(this.#full ? K * D * D : K * D);
    this.#invDiag = new Float64Array(this.#full ? K * D : 0);
    this.#load(model);
  }

  /**
   * Rebuilds this instance in place (allocation-free) from new parameters of the same layout,
   * K and D; online EM uses it after every M-step. Everyone holding this instance sees the new
   * parameters. Throws `not_positive_definite` (leaving the instance unchanged) when a covariance
   * is unusable, TypeError when the layout differs.
   */
  reload(model: GaussianHmm): void {
    if (
      model.K !== this.K || model.D !== this.D ||
      (model.covarianceType === CovarianceType.full) !== this.#full ||
      model.covars.length !== this.model.covars.length
    ) {
      throw new TypeError(
        `Cannot reload a prepared ${this.model.covarianceType} model with K=${this.K}, D=${this.D}: got ${model.covarianceType} K=${model.K}, D=${model.D}`,
      );
    }
    if (this.#full) {
      const D = this.D;
      for (let k = 0; k < this.K; k++) {
        if (!cholesky(model.covars, k * D * D, D, this.#scratchFactor(), 0)) {
          throw new HmmInputError(
            "not_positive_definite",
            `Cannot prepare the model: the covariance of state ${k} is not positive definite`,
          );
        }
      }
    } else {
      for (let i = 0; i < model.covars.length; i++) {
        const v = model.covars[i];
        if (!(v > 0) || v === Infinity) {
          throw new HmmInputError(
            "not_positive_definite",
            `Cannot prepare the model: variance of state ${Math.floor(i / this.D)} feature ${
              i % this.D
            } is ${v}`,
          );
        }
      }
    }
    this.#load(model);
  }

  #scratchFactor(): Float64Array {
    return this.#scratch ??= new Float64Array(this.D * this.D);
  }

  #load(model: GaussianHmm): void {
    const { K, D } = this;
    const m = this.model;
    m.startprob.set(model.startprob);
    m.transmat.set(model.transmat);
    m.means.set(model.means);
    m.covars.set(model.covars);
    for (let i = 0; i < K; i++) this.logStartprob[i] = Math.log(m.startprob[i]);
    for (let i = 0; i < K * K; i++) this.logTransmat[i] = Math.log(m.transmat[i]);
    const cov = m.covars;
    if (!this.#full) {
      for (let k = 0; k < K; k++) {
        let logDet = 0;
        for (let d = 0; d < D; d++) {
          const v = cov[k * D + d];
          if (!(v > 0) || v === Infinity) {
            throw new HmmInputError(
              "not_positive_definite",
              `Cannot prepare the model: variance of state ${k} feature ${d} is ${v}`,
            );
          }
          logDet += Math.log(v);
          this.#factor[k * D + d] = 1 / Math.sqrt(v);
        }
        this.logNorm[k] = -0.5 * (D * LOG_2PI + logDet);
      }
      return;
    }
    for (let k = 0; k < K; k++) {
      if (!cholesky(cov, k * D * D, D, this.#factor, k * D * D)) {
        throw new HmmInputError(
          "not_positive_definite",
          `Cannot prepare the model: the covariance of state ${k} is not positive definite`,
        );
      }
      let logDet = 0;
      for (let i = 0; i < D; i++) {
        const lii = this.#factor[k * D * D + i * D + i];
        logDet += 2 * Math.log(lii);
        this.#invDiag[k * D + i] = 1 / lii;
      }
      this.logNorm[k] = -0.5 * (D * LOG_2PI + logDet);
    }
  }

  /**
   * Writes log N(x; μ_k, Σ_k) for every state k into out[outOffset..outOffset+K), reading the
   * observation at x[offset..offset+D). Diag: Σ_d ((x_d − μ_kd)/σ_kd)²; full: ‖L_k⁻¹(x − μ_k)‖²
   * by forward substitution (backward stable for condition numbers up to ~1/ε). Allocates
   * nothing. Returns −Infinity for a state only if the quadratic form overflows (|z| > 1e154).
   */
  logEmissions(x: Float64Array, offset: number, out: Float64Array, outOffset: number): void {
    const K = this.K;
    const D = this.D;
    const mu = this.#means;
    const f = this.#factor;
    if (!this.#full) {
      for (let k = 0; k < K; k++) {
        let q = 0;
        const base = k * D;
        for (let d = 0; d < D; d++) {
          const z = (x[offset + d] - mu[base + d]) * f[base + d];
          q += z * z;
        }
        out[outOffset + k] = this.logNorm[k] - 0.5 * q;
      }
      return;
    }
    const z = this.#z;
    const inv = this.#invDiag;
    for (let k = 0; k < K; k++) {
      const lb = k * D * D;
      let q = 0;
      for (let i = 0; i < D; i++) {
        let s = x[offset + i] - mu[k * D + i];
        const row = lb + i * D;
        for (let j = 0; j < i; j++) s -= f[row + j] * z[j];
        const zi = s * inv[k * D + i];
        z[i] = zi;
        q += zi * zi;
      }
      out[outOffset + k] = this.logNorm[k] - 0.5 * q;
    }
  }
}

/**
 * Builds the per-event form of a model (see `PreparedHmm`). Throws `HmmInputError`
 * `not_positive_definite` when a variance is ≤ 0 or a full covariance has no Cholesky factor;
 * run `validateHmm` first for the complete contract checks.
 */
export function prepareHmm(model: GaussianHmm): PreparedHmm {
  return new PreparedHmm(model);
}
