import { ReasonCode } from "../reason_code.ts";
import { emptyPolicyDecision, type PolicyDecision, PolicySide } from "./policy_decision.ts";

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
  /** Smallest notional (qty · price, quote units) worth trading. @default {5} */
  notionalFloor?: number;
  /** Floor on vol_bp so a quiet market cannot blow the size up. @default {1} */
  minVolBp?: number;
}

/** What the symbol actor knows after one filter step. */
export interface PolicyObservation {
  /** Normalised log filtered posterior of the micro states (log α_t), length K. */
  logPosterior: Float64Array;
  /** Current macro state (argmax of the macro posterior), in [0, M). */
  macroState: number;
  /** Current per-bar realized volatility in log-return units (e.g. the raw `rv_60` column). */
  realizedVol: number;
  /** Current price (quote per base), e.g. the bar's close. */
  price: number;
}

/**
 * Sizes a position from the filtered HMM posterior (issue 3, "Policy sizing"):
 * state = argmax of the posterior, conf = its probability, edge = statePriors[state] · conf,
 * vol_bp = max(realizedVol · 1e4, minVolBp), and
 * qty = k · riskBias[macroState] · |edge| / vol_bp, clipped to [minQty, maxQty] (a zero size stays
 * 0, never lifted to minQty). Long only: edge > 0 gives `buy` with target qty; edge ≤ 0 gives
 * `sell` with target 0 (exit). If qty · price < notionalFloor the decision is "no trade" with
 * reason `NOTIONAL`, on either side: the floor is a dead band, so a weak signal neither enters
 * nor exits. A posterior with NaN or no finite entry, or a non-finite or non-positive price, or a
 * non-finite or negative volatility gives "no trade" with reason `DATA`.
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

  /**
   * Validates the parameters once. Throws `RangeError` for non-finite priors, negative or
   * non-finite biases, k ≤ 0, maxQty ≤ 0, minQty outside [0, maxQty], a negative notional floor
   * or minVolBp ≤ 0; `TypeError` for empty priors or biases.
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
    const checks: Array<[string, boolean]> = [
      ["statePriors", this.#priors.every(Number.isFinite)],
      ["riskBias", this.#bias.every((b) => Number.isFinite(b) && b >= 0)],
      ["k", this.#k > 0 && Number.isFinite(this.#k)],
      ["maxQty", this.#maxQty > 0 && Number.isFinite(this.#maxQty)],
      ["minQty", this.#minQty >= 0 && this.#minQty <= this.#maxQty],
      ["notionalFloor", this.#floor >= 0 && Number.isFinite(this.#floor)],
      ["minVolBp", this.#minVolBp > 0 && Number.isFinite(this.#minVolBp)],
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

  /**
   * Decides for one observation, writing into `out` (reuse one object per actor: no allocation
   * except the `detail` text of a blocked decision). Throws `TypeError` when the posterior
   * length is not K, `RangeError` when macroState is not an integer in [0, M).
   */
  decide(obs: PolicyObservation, out: PolicyDecision = emptyPolicyDecision()): PolicyDecision {
    const lp = obs.logPosterior, K = this.states;
    if (lp.length !== K) {
      throw new TypeError(
        `Cannot decide for ${this.symbol}: posterior length is ${lp.length}, need ${K}`,
      );
    }
    const m = obs.macroState;
    if (!Number.isInteger(m) || m < 0 || m >= this.macroStates) {
      throw new RangeError(
        `Cannot decide for ${this.symbol}: macroState is ${m}, need 0..${this.macroStates - 1}`,
      );
    }
    out.symbol = this.symbol;
    out.modelVersion = this.modelVersion;
    out.macroState = m;

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
    if (
      nan || best < 0 || bestLp === Infinity || !(price > 0 && price < Infinity) ||
      !(vol >= 0 && vol < Infinity)
    ) {
      out.side = PolicySide.SELL;
      out.targetQty = 0;
      out.edge = 0;
      out.conf = 0;
      out.state = nan || best < 0 || bestLp === Infinity ? -1 : best;
      out.reason = ReasonCode.DATA;
      out.detail = `posterior=${
        nan ? "NaN" : best < 0 ? "-Infinity" : "ok"
      }, price=${price}, realizedVol=${vol}`;
      return out;
    }
    const conf = Math.min(1, Math.exp(bestLp));
    const edge = this.#priors[best] * conf;
    const volBp = Math.max(vol * 1e4, this.#minVolBp);
    const raw = this.#k * this.#bias[m] * Math.abs(edge) / volBp;
    const qty = raw > 0 ? Math.min(Math.max(raw, this.#minQty), this.#maxQty) : 0;
    const buy = edge > 0;
    out.side = buy ? PolicySide.BUY : PolicySide.SELL;
    out.targetQty = buy ? qty : 0;
    out.edge = edge;
    out.conf = conf;
    out.state = best;
    const notional = qty * price;
    if (notional < this.#floor) {
      out.reason = ReasonCode.NOTIONAL;
      out.detail = `notional=${notional}, floor=${this.#floor}`;
    } else {
      out.reason = null;
      out.detail = "";
    }
    return out;
  }
}
