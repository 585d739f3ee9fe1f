import type { FlatH2 } from "../hmm/flatten_h2.ts";
import { OnlineH2Filter } from "../hmm/h2_filter.ts";
import type { PreparedHmm } from "../hmm/prepared_hmm.ts";
import { statePriors } from "../policy/state_priors.ts";

/** Options of `summarizeStates`. */
export interface SummarizeStatesOptions {
  /** Forward horizon of the priors, in bars. @default {1} */
  horizon?: number;
  /** States with a smaller occupancy get prior 0. @default {0.001} */
  minOccupancy?: number;
}

/** One flat state's training figures (the model file's `StateSummaryJson`). */
export interface StateRow {
  state: number;
  macro: number;
  micro: number;
  prior: number;
  meanReturn: number;
  volatility: number;
  occupancy: number;
  /** In bars; null for an absorbing state. */
  expectedDuration: number | null;
}

/** What the online filter makes of the training rows. */
export interface StateSummary {
  /** Per flat state, the policy prior. */
  priors: Float64Array;
  states: StateRow[];
  /** Σ of the filter's log-likelihood increments: log p(rows | model). */
  loglik: number;
  /** Per row, the filter's most probable macro regime (all 0 for a flat model). */
  macroArgmax: Int32Array;
}

/**
 * Runs the model's online filter (`OnlineH2Filter` on the flat form; a flat model is one regime)
 * over the training rows, exactly as the live symbol actor would, and learns the policy priors
 * from the *filtered* posteriors with `statePriors` (mean forward log return per state, weighted by
 * P(state | rows up to t)), plus the per-state summary (mean return, volatility, occupancy,
 * expected duration 1/(1 − A_kk)).
 *
 * @param x rows×D row-major observations.
 * @param returns length rows: raw log return of each row's bar.
 */
export function summarizeStates(
  flat: FlatH2,
  hmm: PreparedHmm,
  x: Float64Array,
  returns: Float64Array,
  options: SummarizeStatesOptions = {},
): StateSummary {
  const { K, D } = hmm;
  const rows = returns.length;
  if (x.length !== rows * D) {
    throw new TypeError(`Cannot summarize states: ${x.length} values for ${rows} rows of ${D}`);
  }
  const filter = new OnlineH2Filter(flat, hmm);
  const logPost = new Float64Array(rows * K);
  const macroArgmax = new Int32Array(rows);
  let loglik = 0;
  for (let t = 0; t < rows; t++) {
    loglik += filter.step(x, t * D);
    logPost.set(filter.flatFilter.logPosterior, t * K);
    macroArgmax[t] = filter.macroState();
  }
  const learned = statePriors(logPost, returns, hmm.logTransmat, {
    horizon: options.horizon ?? 1,
    minOccupancy: options.minOccupancy ?? 0.001,
  });
  const offsets = flat.offsets;
  const states = learned.summary.map((s) => {
    let macro = 0;
    while (s.state >= offsets[macro + 1]) macro++;
    return {
      state: s.state,
      macro,
      micro: s.state - offsets[macro],
      prior: s.prior,
      meanReturn: s.meanReturn,
      volatility: s.volatility,
      occupancy: s.occupancy,
      expectedDuration: Number.isFinite(s.expectedDuration) ? s.expectedDuration : null,
    };
  });
  return { priors: learned.priors, states, loglik, macroArgmax };
}
