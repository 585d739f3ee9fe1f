import type { SeededRng } from "../seeded_rng.ts";
import type { GaussianHmm } from "./gaussian_hmm.ts";
import { cholesky } from "./cholesky.ts";

/**
 * Draws a state path and observations from a model (for tests and benchmarks): z₀ ~ π,
 * z_t ~ A[z_{t−1}], x_t = μ + L·n with Σ = L Lᵀ and n standard normal.
 */
export function sampleHmm(
  model: GaussianHmm,
  T: number,
  rng: SeededRng,
): { x: Float64Array; states: Int32Array } {
  const { K, D } = model;
  const full = model.covarianceType === "full";
  const L = new Float64Array(full ? K * D * D : 0);
  if (full) { for (let k = 0; k < K; k++) cholesky(model.covars, k * D * D, D, L, k * D * D); }
  const draw = (p: Float64Array, off: number) => {
    let u = rng.next();
    for (let k = 0; k < K - 1; k++) {
      u -= p[off + k];
      if (u < 0) return k;
    }
    return K - 1;
  };
  const x = new Float64Array(T * D);
  const states = new Int32Array(T);
  const n = new Float64Array(D);
  let z = draw(model.startprob, 0);
  for (let t = 0; t < T; t++) {
    if (t > 0) z = draw(model.transmat, z * K);
    states[t] = z;
    for (let d = 0; d < D; d++) n[d] = rng.normal();
    for (let d = 0; d < D; d++) {
      let v = model.means[z * D + d];
      if (full) { for (let e = 0; e <= d; e++) v += L[z * D * D + d * D + e] * n[e]; }
      else v += Math.sqrt(model.covars[z * D + d]) * n[d];
      x[t * D + d] = v;
    }
  }
  return { x, states };
}
