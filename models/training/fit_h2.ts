import type { MacroMicroSchema } from "../features/macro_micro_schema.ts";
import { hmmParamCount } from "../hmm/bic.ts";
import { fitHmm } from "../hmm/fit_hmm.ts";
import type { GaussianHmm } from "../hmm/gaussian_hmm.ts";
import type { H2Hmm, MicroHmm } from "../hmm/h2_hmm.ts";
import { prepareHmm } from "../hmm/prepared_hmm.ts";
import { smoothHmm } from "../hmm/smooth_hmm.ts";
import { validateH2 } from "../hmm/validate_h2.ts";
import type { EmSettings } from "./fit_flat_hmm.ts";
import { MIN_ROWS_PER_PARAM, TrainingInputError } from "./training_input_error.ts";

/** Options of `fitH2`. */
export interface FitH2Options extends EmSettings {
  /** M, macro regimes. @default {3} */
  macroStates?: number;
  /** U, micro states per regime. @default {3} */
  microStates?: number;
  /**
   * Factor the slow covariance block is multiplied by in the assembled model.
   * @default {slow bar minutes / fast bar minutes (60 for the default schema)}
   */
  slowRepeat?: number;
}

/** A fitted H2 model (regimes and micro states in fitted order) and how training split the rows. */
export interface H2Fit {
  h2: H2Hmm;
  /** Per training row, the macro regime it was assigned to (smoothed hourly posterior, hard). */
  labels: Int32Array;
  /** Slow observations (distinct slow vectors, i.e. completed slow bars) the macro fit saw. */
  slowRows: number;
  /** The hourly macro HMM (slow features only). */
  macro: GaussianHmm;
  /** EM iterations: macro plus every micro fit. */
  iterations: number;
  /** Every EM fit stopped on tol. */
  converged: boolean;
  slowRepeat: number;
  /** Free parameters of the assembled model (see `fitH2`). */
  nParams: number;
}

/**
 * Fits a hierarchical (macro/micro) Gaussian HMM on `MacroMicroFeatures` rows [slow | fast] in
 * three EM stages, then assembles the H2 model whose micro state (m, u) emits the whole vector.
 * There is no joint H2 EM in `models/hmm`; this staged fit is the design:
 *
 * 1. **Macro fit.** The slow part of a row repeats the last completed slow (hourly) bar until the
 *    next one completes, so the rows are cut into segments where the slow vector is constant and
 *    each segment gives one slow observation (one per hour). An M-state HMM (`fitHmm`, seeded
 *    k-means++) is fitted on that hourly sequence.
 * 2. **Assignment.** Every hour gets the regime of highest *smoothed* posterior (forward-backward
 *    over the training hours; training may look at the whole span, the model trades only after
 *    it), and every row (minute) inherits its hour's regime.
 * 3. **Micro fits.** Per regime m, a U-state HMM on the fast part of the minutes assigned to m,
 *    each maximal run of consecutive such minutes being an independent sequence (`lengths`), so
 *    its startprob is the entry distribution of the regime and its transmat the within-regime
 *    dynamics. The entry distribution is smoothed as (runs·π + 1)/(runs + U) so a regime entered
 *    only a few times keeps every micro state reachable on entry.
 * 4. **Assembly.** Micro state (m, u) has mean [μ_slow,m | μ_fast,m,u] and a block-diagonal
 *    covariance [c·Σ_slow | Σ_fast,m,u] (for diag: concatenated variances; for full: zero
 *    cross-blocks). Σ_slow is **tied**: the hour-weighted pooled within-regime covariance of the
 *    macro fit, the same for every regime, and c = `slowRepeat` (60 fast bars per slow bar).
 *    Why: the filter multiplies one emission per minute, so an hourly value repeated 60 times
 *    would count as 60 independent hourly observations and drown the fast evidence. Dividing the
 *    precision by c makes the 60 quadratic terms add up to exactly one hourly quadratic term; the
 *    log-determinant term would still be counted 60 times, which favours the tighter regime by
 *    60·½·Δlog det — unless the slow covariance is the same in every regime, where that term is
 *    a constant across states and cancels in the posterior. So with a tied, inflated slow block
 *    the macro posterior receives exactly one hour's worth of slow evidence per hour, and regimes
 *    are told apart by their slow means (in standardised units) and by their micro dynamics.
 * 5. **Macro chain.** The per-minute macro transition matrix is counted from consecutive rows'
 *    regimes (switches happen at hour boundaries, so it is ≈ the hourly one spread over 60
 *    minutes), with one pseudo-count per entry so no switch is impossible; macro startprob is
 *    the (pseudo-counted) share of minutes per regime, as the live filter starts at any time.
 *
 * The model is checked with `validateH2`. Free parameters (for BIC): (M−1) + M(M−1) macro, per
 * regime (U−1) + U(U−1) + U·D_f + U·D_f (diag) or U·D_f(D_f+1)/2 (full), plus M·D_s slow means
 * and one tied slow covariance.
 *
 * Throws `TrainingInputError` when the hours cannot support M regimes, a regime gets no hour or
 * too few minutes for U micro states (`MIN_ROWS_PER_PARAM` rows per parameter each).
 *
 * @param x rows×D row-major standardised [slow | fast] vectors (`trainingMatrix` of `schema`).
 */
export function fitH2(
  x: Float64Array,
  schema: MacroMicroSchema,
  options: FitH2Options = {},
): H2Fit {
  const M = options.macroStates ?? 3;
  const U = options.microStates ?? 3;
  const cov = options.covarianceType ?? "diag";
  const Ds = schema.slow.columns.length;
  const Df = schema.fast.columns.length;
  const D = Ds + Df;
  const rows = x.length / D;
  const slowRepeat = options.slowRepeat ??
    schema.slow.params.barMinutes / schema.fast.params.barMinutes;
  if (!Number.isInteger(M) || M < 1 || !Number.isInteger(U) || U < 1) {
    throw new TrainingInputError(`Cannot fit an H2 model with M=${M}, U=${U}: both must be ≥ 1`);
  }
  if (!(slowRepeat >= 1) || !Number.isFinite(slowRepeat)) {
    throw new RangeError(`Cannot fit an H2 model with slowRepeat ${slowRepeat}`);
  }
  const em = {
    covarianceType: cov,
    seed: options.seed ?? 0,
    minCovar: options.minCovar ?? 1e-3,
    tol: options.tol ?? 1e-2,
    maxIter: options.maxIter ?? 200,
  };
  const progress = options.onIteration;

  // 1. one slow observation per segment of constant slow vector
  const segment = new Int32Array(rows);
  const segStarts: number[] = [];
  for (let r = 0; r < rows; r++) {
    let changed = r === 0;
    for (let d = 0; d < Ds && !changed; d++) changed = x[r * D + d] !== x[(r - 1) * D + d];
    if (changed) segStarts.push(r);
    segment[r] = segStarts.length - 1;
  }
  const S = segStarts.length;
  const xs = new Float64Array(S * Ds);
  segStarts.forEach((r, s) => xs.set(x.subarray(r * D, r * D + Ds), s * Ds));
  const needMacro = MIN_ROWS_PER_PARAM * hmmParamCount(cov, M, Ds, "stmc");
  if (S < needMacro) {
    throw new TrainingInputError(
      `Cannot fit ${M} macro regimes on ${S} slow bars: need at least ${needMacro} (${MIN_ROWS_PER_PARAM} per parameter); use fewer --macro-states or a longer span`,
    );
  }
  const macroFit = fitHmm(xs, {
    ...em,
    D: Ds,
    K: M,
    onIteration: progress && ((i, ll, d) => progress("macro", i, ll, d)),
  });

  // 2. hard assignment from smoothed posteriors
  const post = smoothHmm(prepareHmm(macroFit.model), xs).posteriors;
  const segLabel = new Int32Array(S);
  const hours = new Float64Array(M);
  for (let s = 0; s < S; s++) {
    let best = 0;
    for (let m = 1; m < M; m++) if (post[s * M + m] > post[s * M + best]) best = m;
    segLabel[s] = best;
    hours[best]++;
  }
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r++) labels[r] = segLabel[segment[r]];
  for (let m = 0; m < M; m++) {
    if (hours[m] === 0) {
      throw new TrainingInputError(
        `Cannot fit ${M} macro regimes: regime ${m} is assigned no slow bar; use fewer --macro-states`,
      );
    }
  }

  // 3. micro fits on each regime's minutes
  const needMicro = MIN_ROWS_PER_PARAM * hmmParamCount(cov, U, Df, "stmc");
  let iterations = macroFit.iterations;
  let converged = macroFit.converged;
  const fits: GaussianHmm[] = [];
  const runsOf: number[] = [];
  for (let m = 0; m < M; m++) {
    const lengths: number[] = [];
    let n = 0;
    for (let r = 0; r < rows; r++) {
      if (labels[r] !== m) continue;
      if (r > 0 && labels[r - 1] === m) lengths[lengths.length - 1]++;
      else lengths.push(1);
      n++;
    }
    if (n < needMicro) {
      throw new TrainingInputError(
        `Cannot fit ${U} micro states in macro regime ${m}: it holds ${n} rows, need at least ${needMicro}; use fewer --micro-states or --macro-states, or a longer span`,
      );
    }
    const xf = new Float64Array(n * Df);
    let i = 0;
    for (let r = 0; r < rows; r++) {
      if (labels[r] === m) xf.set(x.subarray(r * D + Ds, (r + 1) * D), Df * i++);
    }
    const fit = fitHmm(xf, {
      ...em,
      D: Df,
      K: U,
      lengths,
      onIteration: progress && ((it, ll, d) => progress(`micro ${m}`, it, ll, d)),
    });
    iterations += fit.iterations;
    converged &&= fit.converged;
    fits.push(fit.model);
    runsOf.push(lengths.length);
  }

  // 4. assembly with a tied, inflated slow block
  const full = cov === "full";
  const slowCs = full ? Ds * Ds : Ds;
  const pooled = new Float64Array(slowCs);
  for (let m = 0; m < M; m++) {
    const w = hours[m] / S;
    for (let i = 0; i < slowCs; i++) pooled[i] += w * macroFit.model.covars[m * slowCs + i];
  }
  if (full) {
    for (let r = 0; r < Ds; r++) {
      for (let c = 0; c < r; c++) pooled[c * Ds + r] = pooled[r * Ds + c];
    }
  }
  const cs = full ? D * D : D;
  const micro: MicroHmm[] = [];
  for (let m = 0; m < M; m++) {
    const f = fits[m];
    const means = new Float64Array(U * D);
    const covars = new Float64Array(U * cs);
    for (let u = 0; u < U; u++) {
      means.set(macroFit.model.means.subarray(m * Ds, (m + 1) * Ds), u * D);
      means.set(f.means.subarray(u * Df, (u + 1) * Df), u * D + Ds);
      if (!full) {
        for (let d = 0; d < Ds; d++) covars[u * D + d] = slowRepeat * pooled[d];
        covars.set(f.covars.subarray(u * Df, (u + 1) * Df), u * D + Ds);
        continue;
      }
      const base = u * D * D;
      for (let r = 0; r < Ds; r++) {
        for (let c = 0; c < Ds; c++) covars[base + r * D + c] = slowRepeat * pooled[r * Ds + c];
      }
      for (let r = 0; r < Df; r++) {
        for (let c = 0; c < Df; c++) {
          covars[base + (Ds + r) * D + Ds + c] = f.covars[u * Df * Df + r * Df + c];
        }
      }
    }
    const runs = runsOf[m];
    const startprob = new Float64Array(U);
    for (let u = 0; u < U; u++) startprob[u] = (runs * f.startprob[u] + 1) / (runs + U);
    micro.push({ U, startprob, transmat: f.transmat.slice(), means, covars });
  }

  // 5. per-minute macro chain
  const counts = new Float64Array(M * M).fill(1);
  for (let r = 1; r < rows; r++) counts[labels[r - 1] * M + labels[r]]++;
  const macroTransmat = new Float64Array(M * M);
  for (let i = 0; i < M; i++) {
    let s = 0;
    for (let j = 0; j < M; j++) s += counts[i * M + j];
    for (let j = 0; j < M; j++) macroTransmat[i * M + j] = counts[i * M + j] / s;
  }
  const occupancy = new Float64Array(M).fill(1);
  for (let r = 0; r < rows; r++) occupancy[labels[r]]++;
  const macroStartprob = occupancy.map((c) => c / (rows + M));

  const h2: H2Hmm = { covarianceType: cov, M, D, macroStartprob, macroTransmat, micro };
  validateH2(h2);
  const perRegime = hmmParamCount(cov, U, Df, "stmc");
  const nParams = (M - 1) + M * (M - 1) + M * perRegime + M * Ds +
    (full ? (Ds * (Ds + 1)) / 2 : Ds);
  return {
    h2,
    labels,
    slowRows: S,
    macro: macroFit.model,
    iterations,
    converged,
    slowRepeat,
    nParams,
  };
}
