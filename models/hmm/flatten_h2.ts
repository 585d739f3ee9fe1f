import type { GaussianHmm } from "./gaussian_hmm.ts";
import type { H2Hmm } from "./h2_hmm.ts";

/** A flat model equivalent to an H2 model, and where each regime's block starts. */
export interface FlatH2 {
  model: GaussianHmm;
  /** M + 1 entries: 0, U₀, U₀+U₁, …, K; flat index of (m, u) = offsets[m] + u. */
  offsets: Int32Array;
}

/**
 * The flat HMM on K = Σ U_m states equivalent to an H2 model (FIXTURES.md):
 * π(m,u) = Π[m]·π_m[u]; A((m,u)→(m,u')) = Π_mm·A_m[u][u']; A((m,u)→(m',u')) = Π_mm'·π_m'[u']
 * for m' ≠ m; emissions concatenated. Every entry is one product of two inputs. The input is not
 * validated here (see `validateH2`).
 */
export function flattenH2(h2: H2Hmm): FlatH2 {
  const { M, D } = h2;
  const offsets = new Int32Array(M + 1);
  for (let m = 0; m < M; m++) offsets[m + 1] = offsets[m] + h2.micro[m].U;
  const K = offsets[M];
  const full = h2.covarianceType === "full";
  const cs = full ? D * D : D;
  const startprob = new Float64Array(K);
  const transmat = new Float64Array(K * K);
  const means = new Float64Array(K * D);
  const covars = new Float64Array(K * cs);
  for (let m = 0; m < M; m++) {
    const mi = h2.micro[m];
    const o = offsets[m];
    for (let u = 0; u < mi.U; u++) {
      startprob[o + u] = h2.macroStartprob[m] * mi.startprob[u];
      for (let m2 = 0; m2 < M; m2++) {
        const pm = h2.macroTransmat[m * M + m2];
        const mj = h2.micro[m2];
        const o2 = offsets[m2];
        for (let u2 = 0; u2 < mj.U; u2++) {
          transmat[(o + u) * K + o2 + u2] = m2 === m
            ? pm * mi.transmat[u * mi.U + u2]
            : pm * mj.startprob[u2];
        }
      }
    }
    means.set(mi.means, o * D);
    covars.set(mi.covars, o * cs);
  }
  return {
    model: { covarianceType: h2.covarianceType, K, D, startprob, transmat, means, covars },
    offsets,
  };
}
