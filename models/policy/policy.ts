import { z } from "zod";
import { ReasonCode } from "../reason_code.ts";
import {
  emptyPolicyDecision,
  PolicyAction,
  type PolicyDecision,
  PolicySide,
} from "./policy_decision.ts";

/** What a `Policy` is built from: the model's learned numbers and the sizing settings. */
export interface PolicyParams {
  symbol: string;
  modelVersion: string;
  /**
   * Per micro state, the expected forward log return over the training horizon (see
   * `statePriors`); length K.
   */
  statePriors: ArrayLike<number>;
  /** Per macro state, the multiplier of k (see `riskBiasByVolatility`); length M, each ≥ 0. */
  riskBias: ArrayLike<number>;
  /** Base units per unit of |edge| / vol_bp; > 0. */
  k: number;
  /** Largest target position, base units; > 0. */
  maxQty: number;
  /** Smallest non-zero size (e.g. the LOT_SIZE minimum), base units. @default {0} */
  minQty?: number;
  /** Smallest notional (qty · price, quote units) worth buying. @default {5} */
  notionalFloor?: number;
  /** Floor on vol_bp so a quiet market cannot blow the size up. @default {1} */
  minVolBp?: number;
  /**
   * Half-life, in decided bars, of the exponential average of the edge that the thresholds and
   * the size read (the signal); 0 reads the edge itself. @default {0}
   */
  edgeHalfLifeBars?: number;
  /**
   * Smallest signal, in bp of log return over the priors' horizon, that opens a position from
   * flat or re-sizes a held one (set it at or above the round-trip cost). @default {0}
   */
  entryEdgeBp?: number;
  /**
   * Signal (bp) at or below which a held position is closed once it has been held `minHoldBars`;
   * ≤ entryEdgeBp. Between the two the position is held as it is. @default {0}
   */
  exitEdgeBp?: number;
  /** Decided bars a position is held before an exit at `exitEdgeBp`. @default {0} */
  minHoldBars?: number;
  /**
   * Signal (bp) at or below which a held position is closed before `minHoldBars` (a strong
   * opposite signal); ≤ exitEdgeBp. @default {-Infinity} (never early)
   */
  earlyExitEdgeBp?: number;
}

/** What the symbol actor knows after one filter step. */
export interface PolicyObservation {
  /** Normalised log filtered posterior of the micro states (log α_t), length K. */
  logPosterior: Float64Array;
  /** Current macro state (argmax of the macro posterior), in [0, M). */
  macroState: number;
  /**
   * Macro posterior P(m | x_0..t), length M (probabilities, not logs). When given, the risk bias
   * is Σ_m P(m)·riskBias[m] / Σ_m P(m) instead of riskBias[macroState]. @default {absent}
   */
  macroPosterior?: ArrayLike<number>;
  /** Current per-bar realized volatility in log-return units (e.g. the raw `rv_60` column). */
  realizedVol: number;
  /** Current price (quote per base), e.g. the bar's close. */
  price: number;
  /**
   * The position the symbol currently aims at (its last proposed target), base units; > 0 means
   * long, which selects the exit rules. @default {0}
   */
  heldQty?: number;
}

/** The policy's state as plain data (structured-clone and JSON safe). */
export const PolicySnapshot = z.object({
  /** Consecutive decided bars, this one included, with `heldQty` > 0; 0 while flat. */
  heldBars: z.number().int().nonnegative(),
  /** The signal: the exponential average of the edge (log-return units), 0 at start. */
  signal: z.number(),
});
/** The policy's state. */
export type PolicySnapshot = z.infer<typeof PolicySnapshot>;

/**
 * Sizes a position from the filtered HMM posterior (issue 3, "Policy sizing"), with a hysteresis
 * so that a flickering posterior does not turn into round trips:
 *
 * Core (the issue's formula): state = argmax of the posterior, conf = its probability,
 * edge = statePriors[state] · conf, vol_bp = max(realizedVol · 1e4, minVolBp), and
 * sized = k · bias · |signal| / vol_bp, clipped to [minQty, maxQty] (a zero size stays 0). The bias
 * is the posterior-weighted Σ_m P(m)·riskBias[m] when `macroPosterior` is given (the macro argmax
 * of a 1-minute filter flips every ~15 minutes, the weighted bias moves smoothly), else
 * riskBias[macroState].
 *
 * Signal: the argmax of a 1-minute filter flips every 2–3 bars between states whose priors differ
 * in sign, so the edge is mostly that flicker. The signal is its exponential average,
 * signal ← λ·signal + (1 − λ)·edge with λ = 2^(−1/edgeHalfLifeBars) (λ = 0, signal = edge, when
 * the half-life is 0), starting at 0 (no evidence yet) and updated on every usable bar: the
 * persistent part of the edge, which is what a regime is.
 *
 * Hysteresis (with e = signal · 1e4, in bp over the priors' horizon; long only):
 * - flat (`heldQty` = 0): `enter` when e > 0 and e ≥ entryEdgeBp (entering has to pay a round
 *   trip, so the expected move must clear it), target = sized; else `flat` (sell, target 0);
 * - long: `exit` (sell, target 0) when e ≤ earlyExitEdgeBp, or when e ≤ exitEdgeBp and the
 *   position has been held `minHoldBars` decided bars (heldBars counts this bar; a position
 *   entered on the previous bar has heldBars 1 here); else `resize` (target = sized) when e > 0
 *   and e ≥ entryEdgeBp; else `hold` (buy, target = heldQty).
 * With edgeHalfLifeBars = entryEdgeBp = exitEdgeBp = minHoldBars = 0 this is the plain formula:
 * buy on a positive edge, exit on a non-positive one.
 *
 * A buy target (enter, resize) whose notional qty · price is below notionalFloor is "no trade"
 * with reason `NOTIONAL` (a dead band: a weak signal does not trade). An exit or a hold is never
 * held back by the floor. A posterior with NaN or no finite entry, a non-finite or non-positive
 * price, a non-finite or negative volatility, or a macro posterior with a NaN, a negative entry or
 * zero mass gives "no trade" with reason `DATA` (the bar still counts towards heldBars; the
 * signal keeps its value).
 */
export class Policy {
  readonly symbol: string;
  readonly modelVersion: string;
  /** K, the number of micro states. */
  readonly states: number;
  /** M, the number of macro states. */
  readonly macroStates: number;
  readonly #priors: Float64Array;
  readonly #bias: Float64Array;
  readonly #k: number;
  readonly #minQty: number;
  readonly #maxQty: number;
  readonly #floor: number;
  readonly #minVolBp: number;
  readonly #entryBp: number;
  readonly #exitBp: number;
  readonly #minHold: number;
  readonly #earlyBp: number;
  readonly #lambda: number;
  #heldBars = 0;
  #signal = 0;

  /**
   * Validates the parameters once. Throws `RangeError` for non-finite priors, negative or
   * non-finite biases, k ≤ 0, maxQty ≤ 0, minQty outside [0, maxQty], a negative notional floor,
   * minVolBp ≤ 0, edgeHalfLifeBars negative or not finite, a non-finite entryEdgeBp or
   * exitEdgeBp, exitEdgeBp > entryEdgeBp, minHoldBars
   * not a non-negative integer, or earlyExitEdgeBp NaN, +Infinity or > exitEdgeBp; `TypeError`
   * for empty priors or biases.
   */
  constructor(params: PolicyParams) {
    const where = `Cannot build the policy of ${params.symbol} ${params.modelVersion}`;
    if (params.statePriors.length === 0 || params.riskBias.length === 0) {
      throw new TypeError(`${where}: statePriors or riskBias is empty`);
    }
    this.#priors = Float64Array.from(params.statePriors);
    this.#bias = Float64Array.from(params.riskBias);
    this.#k = params.k;
    this.#maxQty = params.maxQty;
    this.#minQty = params.minQty ?? 0;
    this.#floor = params.notionalFloor ?? 5;
    this.#minVolBp = params.minVolBp ?? 1;
    this.#entryBp = params.entryEdgeBp ?? 0;
    this.#exitBp = params.exitEdgeBp ?? 0;
    this.#minHold = params.minHoldBars ?? 0;
    this.#earlyBp = params.earlyExitEdgeBp ?? -Infinity;
    const halfLife = params.edgeHalfLifeBars ?? 0;
    this.#lambda = halfLife > 0 ? Math.pow(2, -1 / halfLife) : 0;
    const checks: Array<[string, boolean]> = [
      ["statePriors", this.#priors.every(Number.isFinite)],
      ["riskBias", this.#bias.every((b) => Number.isFinite(b) && b >= 0)],
      ["k", this.#k > 0 && Number.isFinite(this.#k)],
      ["maxQty", this.#maxQty > 0 && Number.isFinite(this.#maxQty)],
      ["minQty", this.#minQty >= 0 && this.#minQty <= this.#maxQty],
      ["notionalFloor", this.#floor >= 0 && Number.isFinite(this.#floor)],
      ["minVolBp", this.#minVolBp > 0 && Number.isFinite(this.#minVolBp)],
      ["edgeHalfLifeBars", halfLife >= 0 && halfLife < Infinity],
      ["entryEdgeBp", Number.isFinite(this.#entryBp)],
      ["exitEdgeBp", Number.isFinite(this.#exitBp) && this.#exitBp <= this.#entryBp],
      ["minHoldBars", Number.isInteger(this.#minHold) && this.#minHold >= 0],
      ["earlyExitEdgeBp", this.#earlyBp < Infinity && this.#earlyBp <= this.#exitBp],
    ];
    for (const [field, ok] of checks) {
      if (!ok) {
        const value = (params as unknown as Record<string, unknown>)[field];
        throw new RangeError(
          `${where}: ${field} is ${
            ArrayBuffer.isView(value) || Array.isArray(value)
              ? `[${Array.from(value as ArrayLike<number>)}]`
              : value
          }`,
        );
      }
    }
    this.symbol = params.symbol;
    this.modelVersion = params.modelVersion;
    this.states = this.#priors.length;
    this.macroStates = this.#bias.length;
  }

  /** Consecutive decided bars with a position, the last decided one included; 0 while flat. */
  get heldBars(): number {
    return this.#heldBars;
  }

  /** The signal after the last usable bar (log-return units over the priors' horizon). */
  get signal(): number {
    return this.#signal;
  }

  /**
   * Decides for one observation and advances the hold counter, writing into `out` (reuse one
   * object per actor: no allocation except the `detail` text of a blocked decision). Throws
   * `TypeError` when the posterior length is not K or the macro posterior length is not M,
   * `RangeError` when macroState is not an integer in [0, M) or heldQty is not a finite
   * number ≥ 0.
   */
  decide(obs: PolicyObservation, out: PolicyDecision = emptyPolicyDecision()): PolicyDecision {
    const lp = obs.logPosterior, K = this.states, M = this.macroStates;
    if (lp.length !== K) {
      throw new TypeError(
        `Cannot decide for ${this.symbol}: posterior length is ${lp.length}, need ${K}`,
      );
    }
    const m = obs.macroState;
    if (!Number.isInteger(m) || m < 0 || m >= M) {
      throw new RangeError(
        `Cannot decide for ${this.symbol}: macroState is ${m}, need 0..${M - 1}`,
      );
    }
    const mp = obs.macroPosterior;
    if (mp !== undefined && mp.length !== M) {
      throw new TypeError(
        `Cannot decide for ${this.symbol}: macro posterior length is ${mp.length}, need ${M}`,
      );
    }
    const held = obs.heldQty ?? 0;
    if (!(held >= 0 && held < Infinity)) {
      throw new RangeError(`Cannot decide for ${this.symbol}: heldQty is ${held}`);
    }
    const long = held > 0;
    this.#heldBars = long ? this.#heldBars + 1 : 0;
    out.symbol = this.symbol;
    out.modelVersion = this.modelVersion;
    out.macroState = m;

    let bias = this.#bias[m];
    let badMacro = false;
    if (mp !== undefined) {
      let mass = 0, sum = 0;
      for (let j = 0; j < M; j++) {
        const p = mp[j];
        if (!(p >= 0 && p < Infinity)) badMacro = true;
        mass += p;
        sum += p * this.#bias[j];
      }
      if (!(mass > 0)) badMacro = true;
      else bias = sum / mass;
    }
    out.riskBias = badMacro ? this.#bias[m] : bias;

    let best = -1, bestLp = -Infinity, nan = false;
    for (let i = 0; i < K; i++) {
      const x = lp[i];
      if (Number.isNaN(x)) nan = true;
      else if (x > bestLp) {
        bestLp = x;
        best = i;
      }
    }
    const price = obs.price, vol = obs.realizedVol;
    const badPosterior = nan || best < 0 || bestLp === Infinity;
    if (
      badPosterior || badMacro || !(price > 0 && price < Infinity) || !(vol >= 0 && vol < Infinity)
    ) {
      out.side = PolicySide.SELL;
      out.targetQty = 0;
      out.edge = 0;
      out.signal = this.#signal;
      out.conf = 0;
      out.state = badPosterior ? -1 : best;
      out.action = long ? PolicyAction.HOLD : PolicyAction.FLAT;
      out.reason = ReasonCode.DATA;
      out.detail = `posterior=${nan ? "NaN" : best < 0 ? "-Infinity" : "ok"}, ${
        badMacro ? "macroPosterior=bad, " : ""
      }price=${price}, realizedVol=${vol}`;
      return out;
    }
    const conf = Math.min(1, Math.exp(bestLp));
    const edge = this.#priors[best] * conf;
    const lambda = this.#lambda;
    const signal = lambda === 0 ? edge : lambda * this.#signal + (1 - lambda) * edge;
    this.#signal = signal;
    out.edge = edge;
    out.signal = signal;
    out.conf = conf;
    out.state = best;
    out.reason = null;
    out.detail = "";
    const e = signal * 1e4;
    const entry = e > 0 && e >= this.#entryBp;
    if (long && (e <= this.#earlyBp || (e <= this.#exitBp && this.#heldBars >= this.#minHold))) {
      out.side = PolicySide.SELL;
      out.targetQty = 0;
      out.action = PolicyAction.EXIT;
      return out;
    }
    if (!entry) {
      out.side = long ? PolicySide.BUY : PolicySide.SELL;
      out.targetQty = held;
      out.action = long ? PolicyAction.HOLD : PolicyAction.FLAT;
      return out;
    }
    const volBp = Math.max(vol * 1e4, this.#minVolBp);
    const raw = this.#k * bias * Math.abs(signal) / volBp;
    const qty = raw > 0 ? Math.min(Math.max(raw, this.#minQty), this.#maxQty) : 0;
    out.side = PolicySide.BUY;
    out.targetQty = qty;
    out.action = long ? PolicyAction.RESIZE : PolicyAction.ENTER;
    const notional = qty * price;
    if (notional < this.#floor) {
      out.reason = ReasonCode.NOTIONAL;
      out.detail = `notional=${notional}, floor=${this.#floor}`;
    }
    return out;
  }

  /** The hold counter and the signal as plain data. */
  snapshot(): PolicySnapshot {
    return { heldBars: this.#heldBars, signal: this.#signal };
  }

  /** Continues from a `snapshot()` of a policy with the same parameters. */
  restore(snapshot: PolicySnapshot): void {
    this.#heldBars = snapshot.heldBars;
    this.#signal = snapshot.signal;
  }
}
