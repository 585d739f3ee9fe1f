import type { GaussianHmm } from "../hmm/gaussian_hmm.ts";
import type { H2Hmm } from "../hmm/h2_hmm.ts";

/**
 * The model restricted to features [start, start + count): the same π and A, the means of those
 * features and the matching diagonal entries (diag) or diagonal block (full) of each covariance.
 * The marginal of a Gaussian, so it is exact per state.
 */
export function subModel(model: GaussianHmm, start: number, count: number): GaussianHmm {
  const { K, D } = model;
  const full = model.covarianceType === "full";
  const means = new Float64Array(K * count);
  const covars = new Float64Array(full ? K * count * count : K * count);
  for (let k = 0; k < K; k++) {
    for (let i = 0; i < count; i++) {
      means[k * count + i] = model.means[k * D + start + i];
      if (!full) {
        covars[k * count + i] = model.covars[k * D + start + i];
        continue;
      }
      for (let j = 0; j < count; j++) {
        covars[(k * count + i) * count + j] = model.covars[(k * D + start + i) * D + start + j];
      }
    }
  }
  return {
    covarianceType: model.covarianceType,
    K,
    D: count,
    startprob: model.startprob,
    transmat: model.transmat,
    means,
    covars,
  };
}

/** Micro HMM m of an H2 model as a flat model (D = the H2's D). */
export function microModel(h2: H2Hmm, m: number): GaussianHmm {
  const mi = h2.micro[m];
  return {
    covarianceType: h2.covarianceType,
    K: mi.U,
    D: h2.D,
    startprob: mi.startprob,
    transmat: mi.transmat,
    means: mi.means,
    covars: mi.covars,
  };
}

/**
 * The macro level of an H2 model as a flat M-state model on features [start, start + count):
 * macro π and A, and for each regime the means and covariance of its micro state 0 on those
 * features (in an assembled H2 model every micro state of a regime shares its slow block).
 */
export function macroSurrogate(h2: H2Hmm, start: number, count: number): GaussianHmm {
  const { M, D } = h2;
  const cs = h2.covarianceType === "full" ? D * D : D;
  const means = new Float64Array(M * D);
  const covars = new Float64Array(M * cs);
  for (let m = 0; m < M; m++) {
    means.set(h2.micro[m].means.subarray(0, D), m * D);
    covars.set(h2.micro[m].covars.subarray(0, cs), m * cs);
  }
  const all: GaussianHmm = {
    covarianceType: h2.covarianceType,
    K: M,
    D,
    startprob: h2.macroStartprob,
    transmat: h2.macroTransmat,
    means,
    covars,
  };
  return subModel(all, start, count);
}
