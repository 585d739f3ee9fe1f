import { observationCount } from "./_checks.ts";
import type { FlatH2 } from "./flatten_h2.ts";
import { OnlineHmmFilter } from "./online_hmm_filter.ts";
import { type PreparedHmm, prepareHmm } from "./prepared_hmm.ts";

/** Filtered macro and micro posteriors of an H2 model over a sequence. */
export interface H2FilterResult {
  T: number;
  /** Joint P(m_t = m, u_t = u | x_0..x_t), row-major T*K in flat order. */
  microFiltered: Float64Array;
  /** P(m_t = m | x_0..x_t), row-major T*M: block sums of microFiltered. */
  macroFiltered: Float64Array;
  increments: Float64Array;
  loglik: number;
}

/**
 * The online filter of an H2 model, exact through its flat equivalent (`flattenH2`): per event it
 * gives the joint micro posterior, the macro posterior (block sums), the most probable macro
 * regime and the most probable micro state within it. Allocation-free per step.
 */
export class OnlineH2Filter {
  readonly #flat: FlatH2;
  readonly #filter: OnlineHmmFilter;
  readonly #macro: Float64Array;
  readonly #joint: Float64Array;

  constructor(flat: FlatH2, prepared: PreparedHmm = prepareHmm(flat.model)) {
    this.#flat = flat;
    this.#filter = new OnlineHmmFilter(prepared);
    this.#macro = new Float64Array(flat.offsets.length - 1);
    this.#joint = new Float64Array(flat.model.K);
  }

  /** The flat-state filter underneath (for snapshot/restore and log posteriors). */
  get flatFilter(): OnlineHmmFilter {
    return this.#filter;
  }

  /** Filters one observation; returns its loglik increment. */
  step(x: Float64Array, offset = 0): number {
    const inc = this.#filter.step(x, offset);
    this.#filter.posteriors(this.#joint);
    const o = this.#flat.offsets;
    for (let m = 0; m < this.#macro.length; m++) {
      let s = 0;
      for (let k = o[m]; k < o[m + 1]; k++) s += this.#joint[k];
      this.#macro[m] = s;
    }
    return inc;
  }

  /** Joint micro posterior P(m, u | x_0..t), flat order (the filter's buffer: read only). */
  get microPosterior(): Float64Array {
    return this.#joint;
  }

  /** Macro posterior P(m | x_0..t), length M (the filter's buffer: read only). */
  get macroPosterior(): Float64Array {
    return this.#macro;
  }

  /** The most probable macro regime (ties → lowest index). */
  macroState(): number {
    let best = 0;
    for (let m = 1; m < this.#macro.length; m++) if (this.#macro[m] > this.#macro[best]) best = m;
    return best;
  }

  /** The most probable micro state u within macro regime m (default: `macroState()`). */
  microState(m = this.macroState()): number {
    const o = this.#flat.offsets;
    let best = o[m];
    for (let k = o[m] + 1; k < o[m + 1]; k++) if (this.#joint[k] > this.#joint[best]) best = k;
    return best - o[m];
  }
}

/** Runs `OnlineH2Filter` over every row of `x` (row-major T*D, T ≥ 1). */
export function h2Filter(flat: FlatH2, x: Float64Array): H2FilterResult {
  const K = flat.model.K;
  const M = flat.offsets.length - 1;
  const T = observationCount(x, flat.model.D);
  const f = new OnlineH2Filter(flat);
  const microFiltered = new Float64Array(T * K);
  const macroFiltered = new Float64Array(T * M);
  const increments = new Float64Array(T);
  let loglik = 0;
  for (let t = 0; t < T; t++) {
    const inc = f.step(x, t * flat.model.D);
    increments[t] = inc;
    loglik += inc;
    microFiltered.set(f.microPosterior, t * K);
    macroFiltered.set(f.macroPosterior, t * M);
  }
  return { T, microFiltered, macroFiltered, increments, loglik };
}
