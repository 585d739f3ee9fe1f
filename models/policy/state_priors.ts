/** Per-state figures for the train CLI's report. */
export interface StateSummary {
  state: number;
  /** The prior the policy uses: `meanReturn`, or 0 when occupancy < minOccupancy. */
  prior: number;
  /** Posterior-weighted mean forward log return over the horizon. */
  meanReturn: number;
  /** Posterior-weighted standard deviation of that forward return. */
  volatility: number;
  /** Share of the used rows in this state: Σ_t w_t,k / rows. */
  occupancy: number;
  /** 1 / (1 − A_kk) in bars; `Infinity` for an absorbing state (A_kk = 1). */
  expectedDuration: number;
}

/** What `statePriors` learned. */
export interface StatePriorsResult {
  /** Length K: per state, the expected forward log return over `horizon` bars. */
  priors: Float64Array;
  summary: StateSummary[];
  horizon: number;
  /** Rows that entered the averages. */
  rows: number;
}

/** Options of `statePriors`. */
export interface StatePriorsOptions {
  /** Forward horizon h in bars. @default {1} */
  horizon?: number;
  /** States with a smaller occupancy get prior 0. @default {0.001} */
  minOccupancy?: number;
  /**
   * Length T: row t is used only when mask[t] and mask[t + h] are non-zero (e.g.
   * `FeatureBatch.ready`). Rejected rows in between are fine: their return is 0 and the next
   * accepted bar's return spans them. @default all rows
   */
  mask?: ArrayLike<number>;
}

/**
 * Learns the policy's state priors from training data: for each state k, the mean forward return
 * weighted by the *filtered* posterior, prior_k = Σ_t w_t,k · f_t / Σ_t w_t,k, with
 * w_t,k = exp(logPosteriors[t·K + k]) and f_t = returns[t+1] + … + returns[t+h], the log return
 * from bar t's close to bar t+h's close. Filtered (not smoothed) posteriors are what the live
 * filter sees at bar t, so nothing after t leaks into the weights; only the forward return itself
 * looks ahead, which is what the prior estimates. Also gives a per-state summary (mean, volatility,
 * occupancy, expected duration from the transition matrix).
 *
 * @param logPosteriors T×K row-major normalised log filtered posteriors.
 * @param returns length T; returns[t] = ln(close_t / close_{t−1}) (the raw `log_return` column).
 * @param logTransition K×K row-major; logTransition[i·K + j] = log P(j | i).
 * Throws `TypeError` when the shapes disagree, `RangeError` for a non-finite return, a NaN
 * posterior or self-transition, a horizon that is not a positive integer, or no usable row.
 */
export function statePriors(
  logPosteriors: Float64Array,
  returns: Float64Array,
  logTransition: Float64Array,
  options: StatePriorsOptions = {},
): StatePriorsResult {
  const horizon = options.horizon ?? 1;
  const minOccupancy = options.minOccupancy ?? 0.001;
  const mask = options.mask;
  const k = Math.round(Math.sqrt(logTransition.length));
  const t = returns.length;
  if (k < 1 || k * k !== logTransition.length || logPosteriors.length !== t * k) {
    throw new TypeError(
      `Cannot estimate state priors: shapes disagree: transition ${logTransition.length}, posteriors ${logPosteriors.length}, returns ${t}`,
    );
  }
  if (mask !== undefined && mask.length !== t) {
    throw new TypeError(`Cannot estimate state priors: mask length is ${mask.length}, need ${t}`);
  }
  if (!Number.isInteger(horizon) || horizon < 1) {
    throw new RangeError(`Cannot estimate state priors: horizon is ${horizon}`);
  }
  const weight = new Float64Array(k), sum = new Float64Array(k), sq = new Float64Array(k);
  const forward = new Float64Array(t);
  let rows = 0;
  for (let i = 0; i < t; i++) {
    if (!Number.isFinite(returns[i])) {
      throw new RangeError(`Cannot estimate state priors: returns[${i}] is ${returns[i]}`);
    }
  }
  // pass 1: weights and means
  for (let i = 0; i + horizon < t; i++) {
    if (mask !== undefined && (!mask[i] || !mask[i + horizon])) continue;
    let f = 0;
    for (let h = 1; h <= horizon; h++) f += returns[i + h];
    forward[i] = f;
    rows++;
    for (let s = 0; s < k; s++) {
      const lp = logPosteriors[i * k + s];
      if (Number.isNaN(lp)) {
        throw new RangeError(`Cannot estimate state priors: posterior [${i}, ${s}] is NaN`);
      }
      const w = Math.exp(lp);
      weight[s] += w;
      sum[s] += w * f;
    }
  }
  if (rows === 0) {
    throw new RangeError(
      `Cannot estimate state priors: no usable row among ${t} (horizon ${horizon})`,
    );
  }
  const mean = new Float64Array(k);
  for (let s = 0; s < k; s++) mean[s] = weight[s] > 0 ? sum[s] / weight[s] : 0;
  // pass 2: weighted variance around the mean
  for (let i = 0; i + horizon < t; i++) {
    if (mask !== undefined && (!mask[i] || !mask[i + horizon])) continue;
    for (let s = 0; s < k; s++) {
      const d = forward[i] - mean[s];
      sq[s] += Math.exp(logPosteriors[i * k + s]) * d * d;
    }
  }
  const priors = new Float64Array(k);
  const summary: StateSummary[] = [];
  for (let s = 0; s < k; s++) {
    const occupancy = weight[s] / rows;
    priors[s] = occupancy >= minOccupancy ? mean[s] : 0;
    if (Number.isNaN(logTransition[s * k + s])) {
      throw new RangeError(`Cannot estimate state priors: log A[${s}, ${s}] is NaN`);
    }
    const stay = Math.exp(logTransition[s * k + s]);
    summary.push({
      state: s,
      prior: priors[s],
      meanReturn: mean[s],
      volatility: weight[s] > 0 ? Math.sqrt(sq[s] / weight[s]) : 0,
      occupancy,
      expectedDuration: stay >= 1 ? Infinity : 1 / (1 - stay),
    });
  }
  return { priors, summary, horizon, rows };
}
