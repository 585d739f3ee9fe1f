import type { GaussianHmm } from "./gaussian_hmm.ts";

/**
 * The same model with its states renumbered: new state i is old state permutation[i]
 * (π, rows and columns of A, means and covariances move together). Throws TypeError unless
 * `permutation` is a permutation of 0..K−1.
 */
export function permuteHmm(model: GaussianHmm, permutation: ArrayLike<number>): GaussianHmm {
  const { K, D } = model;
  const seen = new Uint8Array(K);
  if (permutation.length !== K) {
    throw new TypeError(
      `Cannot permute ${K} states with a permutation of length ${permutation.length}`,
    );
  }
  for (let i = 0; i < K; i++) {
    const p = permutation[i];
    if (!Number.isInteger(p) || p < 0 || p >= K || seen[p]) {
      throw new TypeError(`Cannot permute states with ${JSON.stringify(Array.from(permutation))}`);
    }
    seen[p] = 1;
  }
  const cs = model.covars.length / K;
  const startprob = new Float64Array(K);
  const transmat = new Float64Array(K * K);
  const means = new Float64Array(K * D);
  const covars = new Float64Array(K * cs);
  for (let i = 0; i < K; i++) {
    const o = permutation[i];
    startprob[i] = model.startprob[o];
    for (let j = 0; j < K; j++) transmat[i * K + j] = model.transmat[o * K + permutation[j]];
    means.set(model.means.subarray(o * D, (o + 1) * D), i * D);
    covars.set(model.covars.subarray(o * cs, (o + 1) * cs), i * cs);
  }
  return { covarianceType: model.covarianceType, K, D, startprob, transmat, means, covars };
}
