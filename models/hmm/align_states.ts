import type { GaussianHmm } from "./gaussian_hmm.ts";
import { hungarian } from "./hungarian.ts";

/**
 * The state order that makes a retrained model's labels mean what the reference model's labels
 * meant ("state 2" stays the same regime across a retrain or a blue/green swap): a minimum-cost
 * assignment (`hungarian`) between reference and candidate states, where the cost is the squared
 * distance between their means with each feature divided by the reference's average variance of
 * that feature (so features on different scales weigh alike).
 *
 * @returns permutation, length candidate.K: the aligned model's state i is the candidate's state
 *   permutation[i] (apply it with `permuteHmm`). With equal K, aligned state i is the one matched
 *   to reference state i. With more candidate states, states 0..reference.K−1 are the matched ones
 *   and the extra states follow in their original order; with fewer, the candidate states keep
 *   the relative order of the reference states they were matched to.
 */
export function alignStates(reference: GaussianHmm, candidate: GaussianHmm): Int32Array {
  const D = reference.D;
  if (candidate.D !== D) {
    throw new TypeError(`Cannot align models with D=${D} and D=${candidate.D}`);
  }
  const Kr = reference.K;
  const Kc = candidate.K;
  const scale = new Float64Array(D);
  for (let k = 0; k < Kr; k++) {
    for (let d = 0; d < D; d++) {
      scale[d] += reference.covarianceType === "diag"
        ? reference.covars[k * D + d]
        : reference.covars[k * D * D + d * D + d];
    }
  }
  for (let d = 0; d < D; d++) scale[d] = scale[d] > 0 ? scale[d] / Kr : 1;
  const n = Math.max(Kr, Kc);
  const cost = new Float64Array(n * n);
  for (let i = 0; i < Kr; i++) {
    for (let j = 0; j < Kc; j++) {
      let s = 0;
      for (let d = 0; d < D; d++) {
        const v = reference.means[i * D + d] - candidate.means[j * D + d];
        s += (v * v) / scale[d];
      }
      cost[i * n + j] = s;
    }
  }
  const assignment = hungarian(cost, n);
  const perm = new Int32Array(Kc);
  if (Kc >= Kr) {
    const taken = new Uint8Array(Kc);
    for (let i = 0; i < Kr; i++) {
      perm[i] = assignment[i];
      taken[assignment[i]] = 1;
    }
    let next = Kr;
    for (let j = 0; j < Kc; j++) if (!taken[j]) perm[next++] = j;
  } else {
    let next = 0;
    for (let i = 0; i < Kr; i++) if (assignment[i] < Kc) perm[next++] = assignment[i];
  }
  return perm;
}
