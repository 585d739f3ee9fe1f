import type { H2Hmm, MicroHmm } from "../hmm/h2_hmm.ts";
import { permuteHmm } from "../hmm/permute_hmm.ts";
import { microModel } from "./_sub_model.ts";

/**
 * The same H2 model with regimes and micro states renumbered: new regime i is old regime
 * macroPermutation[i] (macro π and the rows and columns of the macro A move together), and within
 * it new micro state j is old micro state microPermutations[i][j] (as `permuteHmm`). Throws
 * `TypeError` unless every permutation is a permutation of the right length.
 */
export function permuteH2(
  h2: H2Hmm,
  macroPermutation: ArrayLike<number>,
  microPermutations: readonly ArrayLike<number>[],
): H2Hmm {
  const { M } = h2;
  if (microPermutations.length !== M) {
    throw new TypeError(
      `Cannot permute an H2 model with ${M} regimes: ${microPermutations.length} micro permutations`,
    );
  }
  // the macro level is a K=M model; permuteHmm checks the permutation and moves π and A
  const macro = permuteHmm({
    covarianceType: "diag",
    K: M,
    D: 1,
    startprob: h2.macroStartprob,
    transmat: h2.macroTransmat,
    means: new Float64Array(M),
    covars: new Float64Array(M).fill(1),
  }, macroPermutation);
  const micro: MicroHmm[] = [];
  for (let i = 0; i < M; i++) {
    const old = macroPermutation[i];
    const p = permuteHmm(microModel(h2, old), microPermutations[i]);
    micro.push({
      U: p.K,
      startprob: p.startprob,
      transmat: p.transmat,
      means: p.means,
      covars: p.covars,
    });
  }
  return {
    covarianceType: h2.covarianceType,
    M,
    D: h2.D,
    macroStartprob: macro.startprob,
    macroTransmat: macro.transmat,
    micro,
  };
}
