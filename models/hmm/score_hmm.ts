import { observationCount } from "./_checks.ts";
import { OnlineHmmFilter } from "./online_hmm_filter.ts";
import type { PreparedHmm } from "./prepared_hmm.ts";

/**
 * log p(x_0..x_{T−1}) under the model: the sum of the forward filter's increments (Rabiner 1989,
 * eq. 103 in log space). `x` is row-major T*D with T ≥ 1 (else `HmmInputError` shape_mismatch).
 * −Infinity when some observation is impossible under the model.
 */
export function scoreHmm(hmm: PreparedHmm, x: Float64Array): number {
  const T = observationCount(x, hmm.D);
  const filter = new OnlineHmmFilter(hmm);
  let ll = 0;
  for (let t = 0; t < T; t++) ll += filter.step(x, t * hmm.D);
  return ll;
}
