import { alignStates } from "../hmm/align_states.ts";
import type { GaussianHmm } from "../hmm/gaussian_hmm.ts";
import type { H2Hmm } from "../hmm/h2_hmm.ts";
import { permuteHmm } from "../hmm/permute_hmm.ts";
import { macroSurrogate, microModel, subModel } from "./_sub_model.ts";
import { permuteH2 } from "./permute_h2.ts";

/**
 * The permutation that sorts values ascending (ties: lower index first): new state i is old
 * state permutation[i]. Used to give a first model (nothing to align to) a readable order, e.g.
 * state 0 = the calmest.
 */
export function ascendingOrder(values: ArrayLike<number>): Int32Array {
  const idx = Array.from({ length: values.length }, (_, i) => i);
  idx.sort((a, b) => values[a] - values[b] || a - b);
  return Int32Array.from(idx);
}

/** Per state, the mean of feature `column`. */
export function stateMeans(model: GaussianHmm, column: number): Float64Array {
  const out = new Float64Array(model.K);
  for (let k = 0; k < model.K; k++) out[k] = model.means[k * model.D + column];
  return out;
}

/** A flat model in its final state order, and the permutation that produced it. */
export interface AlignedHmm {
  model: GaussianHmm;
  /** New state i is the fitted model's state permutation[i]. */
  permutation: Int32Array;
}

/**
 * Orders a freshly fitted flat model's states. With a reference (the previous model of the same
 * symbol, kind and feature schema) the states are matched to the reference's with `alignStates`
 * (Hungarian assignment on variance-scaled mean distances), so "state 2" keeps its meaning across
 * versions; extra states follow in ascending order of `orderColumn`'s mean. Without a reference
 * the states are sorted by the mean of feature `orderColumn` (e.g. standardised realized
 * volatility: state 0 is the calmest).
 */
export function alignFlatModel(
  candidate: GaussianHmm,
  reference: GaussianHmm | null,
  orderColumn: number,
): AlignedHmm {
  const byFeature = ascendingOrder(stateMeans(candidate, orderColumn));
  if (reference === null) {
    return { model: permuteHmm(candidate, byFeature), permutation: byFeature };
  }
  const permutation = alignStates(reference, candidate);
  sortTail(permutation, Math.min(reference.K, candidate.K), stateMeans(candidate, orderColumn));
  return { model: permuteHmm(candidate, permutation), permutation };
}

/** An H2 model in its final order, and the permutations that produced it. */
export interface AlignedH2 {
  h2: H2Hmm;
  /** New regime i is the fitted model's regime macroPermutation[i]. */
  macroPermutation: Int32Array;
  /** Per new regime i, new micro state j is the fitted regime's micro state microPermutations[i][j]. */
  microPermutations: Int32Array[];
}

/** Where the slow and fast parts of an H2 observation lie, and what orders a first model. */
export interface AlignH2Options {
  /** Number of slow features (they come first in the vector). */
  slowDims: number;
  /** Per fitted regime, its volatility: a first model lists regimes from calmest to wildest. */
  macroVolatility: ArrayLike<number>;
  /** Feature (index in the whole vector) whose mean orders micro states of a first model. */
  microOrderColumn: number;
}

/**
 * Orders a freshly fitted H2 model. With a reference H2 model, regimes are matched on their slow
 * block (`alignStates` on the macro level: regime means and covariances of the slow features),
 * and within each matched regime the micro states are matched to the reference regime's on their
 * fast block; unmatched regimes and micro states follow in the first-model order. Without a
 * reference, regimes are sorted by `macroVolatility` ascending and micro states by the mean of
 * `microOrderColumn`.
 */
export function alignH2Model(
  candidate: H2Hmm,
  reference: H2Hmm | null,
  options: AlignH2Options,
): AlignedH2 {
  const { slowDims } = options;
  const fastDims = candidate.D - slowDims;
  const byVol = ascendingOrder(options.macroVolatility);
  let macroPermutation = byVol;
  if (reference !== null) {
    macroPermutation = alignStates(
      macroSurrogate(reference, 0, slowDims),
      macroSurrogate(candidate, 0, slowDims),
    );
    sortTail(
      macroPermutation,
      Math.min(reference.M, candidate.M),
      Float64Array.from(options.macroVolatility),
    );
  }
  const microPermutations: Int32Array[] = [];
  for (let i = 0; i < candidate.M; i++) {
    const cand = microModel(candidate, macroPermutation[i]);
    const order = stateMeans(cand, options.microOrderColumn);
    if (reference === null || i >= reference.M) {
      microPermutations.push(ascendingOrder(order));
      continue;
    }
    const perm = alignStates(
      subModel(microModel(reference, i), slowDims, fastDims),
      subModel(cand, slowDims, fastDims),
    );
    sortTail(perm, Math.min(reference.micro[i].U, cand.K), order);
    microPermutations.push(perm);
  }
  return {
    h2: permuteH2(candidate, macroPermutation, microPermutations),
    macroPermutation,
    microPermutations,
  };
}

/** Sorts permutation[from..] by ascending key[permutation[i]] (ties: lower state first). */
function sortTail(permutation: Int32Array, from: number, key: ArrayLike<number>): void {
  const tail = Array.from(permutation.subarray(from));
  tail.sort((a, b) => key[a] - key[b] || a - b);
  permutation.set(tail, from);
}
