import { PolicySide } from "../policy/policy_decision.ts";
import { ReasonCode } from "../reason_code.ts";
import { snapDown } from "./_step.ts";
import type { CovarianceTracker } from "./covariance_tracker.ts";
import {
  blockOrPass,
  detailNumber as n,
  type GuardHit,
  PASS,
  type RiskDecision,
  scaledPass,
} from "./risk_decision.ts";
import type { RiskBook } from "./risk_book.ts";
import { portfolioVariance, varianceBudgetFraction } from "./variance_budget_fraction.ts";

/** Who proposed an intent: the policy, or the learner (checked against its rails). */
export const IntentSource = { POLICY: "policy", LEARNER: "learner" } as const;
/** One intent source. */
export type IntentSource = typeof IntentSource[keyof typeof IntentSource];

/** One order the portfolio-risk actor is about to send (after `orderFromTarget`). */
export interface OrderProposal {
  symbol: string;
  side: PolicySide;
  /** Base quantity, > 0, on the LOT_SIZE step. */
  qty: number;
  /** Reference price for the notional: the anchored limit price, or the mark for a market order. */
  price: number;
  /** Decision time, ms. */
  ts: number;
  /** HMM state of the decision, which selects the drawdown limit; −1 when unknown. */
  state: number;
  /** @default {"policy"} */
  source?: IntentSource;
}

/**
 * The per-symbol order limits: three fields of the `SymbolConfig` and two of the exchange's
 * `SymbolRules` (as numbers). Fold an exchange NOTIONAL `maxNotional` into maxOrderNotionalQuote.
 */
export interface SymbolOrderLimits {
  /** Least time between two orders of this symbol that add risk, ms. */
  cooldownMs: number;
  /** Smallest notional of an order that adds risk, quote. */
  notionalFloorQuote: number;
  /** Largest notional of one order, quote; larger orders are scaled down to it. */
  maxOrderNotionalQuote: number;
  /** LOT_SIZE step; scaled quantities are snapped down to it (0: no step). */
  stepSize: number;
  /** The exchange's MIN_NOTIONAL / NOTIONAL minimum, quote. */
  minNotionalQuote: number;
}

/** Drawdown limits as fractions of peak equity: a default and overrides by HMM state. */
export interface DrawdownLimits {
  defaultFraction: number;
  /** Keys are state numbers as strings ("0", "1", …). */
  byState: Readonly<Record<string, number>>;
}

/** The portfolio-wide limits (`config.risk` satisfies it). */
export interface PortfolioBudget {
  /** Cap on positions plus resting buys plus the order, at mark, quote. */
  globalNotionalBudgetQuote: number;
  /** Cap on the same committed exposure as a fraction of current equity. */
  maxGrossExposureFraction: number;
  /** Least time since the last order on any symbol before an order that adds risk, ms. */
  globalCooldownMs: number;
  maxDrawdown: DrawdownLimits;
  correlation: {
    /** Largest return correlation with a held symbol for an order that adds risk. */
    maxCorrelation: number;
    /** Largest portfolio volatility per bar, bp of equity. */
    maxPortfolioVolBp: number;
  };
}

/** The learner's rails: what a learner-proposed order may do at most. */
export interface LearnerRails {
  /** Largest notional of one learner order, quote. */
  maxOrderNotionalQuote: number;
  /** Largest committed exposure of the symbol after a learner order, quote. */
  maxPositionNotionalQuote: number;
}

/** Everything the portfolio guards read; nothing in it is modified. */
export interface PortfolioGuardContext {
  book: RiskBook;
  limits: SymbolOrderLimits;
  budget: PortfolioBudget;
  /** The return covariance; CORR is skipped while it is absent, not ready or lacks the symbol. */
  covariance?: CovarianceTracker;
  /** Rails of learner-proposed orders; a learner order without rails is blocked. */
  learnerRails?: LearnerRails;
}

/** The portfolio guards' answer: the decision and the order that may be sent. */
export interface OrderCheck {
  decision: RiskDecision;
  /** Quantity to send, on the step; 0 when blocked. */
  qty: number;
  /** qty · price, quote; 0 when blocked. */
  notionalQuote: number;
}

/**
 * The portfolio-level guardrails of one order (run in the portfolio-risk actor).
 *
 * Blocking guards, all evaluated and all reported, in this order:
 * - `KILL`: the kill switch is on (blocks every order, exits included);
 * - `DATA`: qty or price not finite and > 0, or ts not finite (blocks exits too); for an order
 *   that adds risk also an equity that is not finite and > 0, or a committed exposure that is
 *   not finite (a held symbol without a mark);
 * - `LEARNER`: a learner order above its rails' order notional, or bringing the symbol's committed
 *   exposure above the rails' position notional, or with no rails at all;
 * - `COOLDOWN_GLOBAL`: ts − book.lastOrderTs < globalCooldownMs (elapsed = cooldown passes);
 * - `COOLDOWN`: ts − the symbol's last order < cooldownMs;
 * - `DD`: book.windowDrawdown(ts) (from the highest equity of the book's trailing
 *   `drawdownWindowMs`) > the limit of `state` (byState, else the default);
 * - `CORR`: the largest correlation with a symbol that has committed exposure > maxCorrelation;
 * - `NOTIONAL`: qty · price below the exchange minimum, or (adding risk) below the floor.
 *
 * Then the scaling guards, each lowering the allowed notional; the quantity becomes
 * snapDown(allowed / price, stepSize):
 * - `NOTIONAL`: above maxOrderNotionalQuote → the cap;
 * - `BUDGET`: committed = book.committedGross() (positions + resting buys at mark); room =
 *   min(globalNotionalBudgetQuote, maxGrossExposureFraction · equity) − committed;
 * - `CORR`: the portfolio variance after the order, xᵀΣx with x the committed exposures, above
 *   (maxPortfolioVolBp · 1e-4 · equity)² → the fraction `varianceBudgetFraction` allows.
 * If the scaled order no longer clears the minimum (exchange minimum, and the floor when adding
 * risk), it is blocked with the codes that scaled it (BUDGET/CORR; NOTIONAL when only the cap did).
 *
 * Orders that reduce risk (on Spot every sell) are checked by KILL, DATA and NOTIONAL (exchange
 * minimum and cap) only: LEARNER, cooldowns, DD, CORR, BUDGET and the floor never keep a position
 * open.
 */
export function checkPortfolioGuards(
  order: OrderProposal,
  context: PortfolioGuardContext,
): OrderCheck {
  const { book, limits, budget } = context;
  const { symbol, qty, price, ts } = order;
  const adds = order.side === PolicySide.BUY;
  let hits: GuardHit[] | null = null;
  const add = (hit: GuardHit) => (hits ??= []).push(hit);

  if (book.killed) add({ code: ReasonCode.KILL, value: 1, threshold: 0, detail: "kill=1" });
  const dataOk = qty > 0 && qty < Infinity && price > 0 && price < Infinity && Number.isFinite(ts);
  if (!dataOk) {
    add({
      code: ReasonCode.DATA,
      value: 1,
      threshold: 0,
      detail: `qty=${qty};price=${price};ts=${ts}`,
    });
    return blocked(blockOrPass(hits));
  }
  const notional = qty * price;
  const minQuote = adds
    ? Math.max(limits.minNotionalQuote, limits.notionalFloorQuote)
    : limits.minNotionalQuote;
  const tracker = context.covariance;
  const index = tracker !== undefined && tracker.isReady() ? tracker.indexOf(symbol) : -1;

  const equity = book.equity();
  const committed = adds ? book.committedGross() : 0;
  if (adds && !(equity > 0 && equity < Infinity && Number.isFinite(committed))) {
    add({
      code: ReasonCode.DATA,
      value: 1,
      threshold: 0,
      detail: `equity=${equity};committedQuote=${committed}`,
    });
    return blocked(blockOrPass(hits));
  }
  if (adds) {
    if (order.source === IntentSource.LEARNER) {
      const hit = learnerHit(order, notional, context);
      if (hit !== null) add(hit);
    }
    const sinceAny = ts - book.lastOrderTs;
    if (sinceAny < budget.globalCooldownMs) {
      add({
        code: ReasonCode.COOLDOWN_GLOBAL,
        value: sinceAny,
        threshold: budget.globalCooldownMs,
        detail: `elapsedMs=${sinceAny};globalCooldownMs=${budget.globalCooldownMs}`,
      });
    }
    const sinceSymbol = ts - book.position(symbol).lastOrderTs;
    if (sinceSymbol < limits.cooldownMs) {
      add({
        code: ReasonCode.COOLDOWN,
        value: sinceSymbol,
        threshold: limits.cooldownMs,
        detail: `elapsedMs=${sinceSymbol};cooldownMs=${limits.cooldownMs}`,
      });
    }
    const dd = book.windowDrawdown(order.ts);
    const ddLimit = budget.maxDrawdown.byState[String(order.state)] ??
      budget.maxDrawdown.defaultFraction;
    if (dd > ddLimit) {
      add({
        code: ReasonCode.DD,
        value: dd,
        threshold: ddLimit,
        detail: `drawdown=${n(dd)};limit=${n(ddLimit)};state=${order.state};equity=${
          n(book.equity())
        };peakEquity=${n(book.windowPeakEquity(order.ts))};windowMs=${book.drawdownWindowMs}`,
      });
    }
    if (index >= 0) {
      let worst = -Infinity, worstSymbol = "";
      for (let j = 0; j < tracker!.size; j++) {
        if (j === index || !(book.committedQuote(tracker!.symbols[j]) > 0)) continue;
        const rho = tracker!.correlation(index, j);
        if (rho > worst) {
          worst = rho;
          worstSymbol = tracker!.symbols[j];
        }
      }
      const maxCorr = budget.correlation.maxCorrelation;
      if (worst > maxCorr) {
        add({
          code: ReasonCode.CORR,
          value: worst,
          threshold: maxCorr,
          detail: `with=${worstSymbol};corr=${n(worst)};maxCorrelation=${n(maxCorr)}`,
        });
      }
    }
  }
  if (notional < minQuote) {
    add({
      code: ReasonCode.NOTIONAL,
      value: notional,
      threshold: minQuote,
      detail: `notionalQuote=${n(notional)};minQuote=${n(minQuote)}`,
    });
  }
  if (hits !== null) return blocked(blockOrPass(hits));

  // Scaling guards.
  const scales: GuardHit[] = [];
  let allowed = notional;
  const cap = limits.maxOrderNotionalQuote;
  if (notional > cap) {
    scales.push({
      code: ReasonCode.NOTIONAL,
      value: notional,
      threshold: cap,
      detail: `notionalQuote=${n(notional)};maxOrderNotionalQuote=${n(cap)}`,
    });
    allowed = cap;
  }
  if (adds) {
    const grossCap = budget.maxGrossExposureFraction * equity;
    const limit = Math.min(budget.globalNotionalBudgetQuote, grossCap);
    if (committed + notional > limit) {
      scales.push({
        code: ReasonCode.BUDGET,
        value: committed + notional,
        threshold: limit,
        detail: `committedQuote=${n(committed)};orderQuote=${n(notional)};budgetQuote=${
          n(budget.globalNotionalBudgetQuote)
        };maxGrossQuote=${n(grossCap)}`,
      });
      allowed = Math.min(allowed, Math.max(0, limit - committed));
    }
    if (index >= 0) {
      const x = new Float64Array(tracker!.size);
      for (let j = 0; j < x.length; j++) x[j] = book.committedQuote(tracker!.symbols[j]);
      const cov = tracker!.covariance();
      const maxVolBp = budget.correlation.maxPortfolioVolBp;
      const budgetVar = (maxVolBp * 1e-4 * equity) ** 2;
      const t = varianceBudgetFraction(cov, x, index, notional, budgetVar);
      if (t < 1) {
        const volNow = Math.sqrt(portfolioVariance(cov, x)) / equity * 1e4;
        x[index] += notional;
        const volAfter = Math.sqrt(portfolioVariance(cov, x)) / equity * 1e4;
        scales.push({
          code: ReasonCode.CORR,
          value: volAfter,
          threshold: maxVolBp,
          detail: `portfolioVolBp=${n(volNow)};afterVolBp=${n(volAfter)};maxPortfolioVolBp=${
            n(maxVolBp)
          }`,
        });
        allowed = Math.min(allowed, t * notional);
      }
    }
  }
  if (allowed >= notional) return { decision: PASS, qty, notionalQuote: notional };
  const finalQty = Math.min(qty, snapDown(allowed / price, limits.stepSize));
  if (finalQty >= qty) return { decision: PASS, qty, notionalQuote: notional };
  const finalNotional = finalQty * price;
  if (finalQty > 0 && finalNotional >= minQuote) {
    return {
      decision: scaledPass(finalQty / qty, scales),
      qty: finalQty,
      notionalQuote: finalNotional,
    };
  }
  const tail = `;scaledQuote=${n(finalNotional)};minQuote=${n(minQuote)}`;
  const causes = scales.filter((h) => h.code !== ReasonCode.NOTIONAL);
  if (causes.length === 0) {
    return blocked(blockOrPass([{
      code: ReasonCode.NOTIONAL,
      value: finalNotional,
      threshold: minQuote,
      detail: `notionalQuote=${n(notional)};maxOrderNotionalQuote=${n(cap)}${tail}`,
    }]));
  }
  return blocked(blockOrPass(causes.map((h) => ({ ...h, detail: h.detail + tail }))));
}

function blocked(decision: RiskDecision): OrderCheck {
  return { decision, qty: 0, notionalQuote: 0 };
}

function learnerHit(
  order: OrderProposal,
  notional: number,
  context: PortfolioGuardContext,
): GuardHit | null {
  const rails = context.learnerRails;
  if (rails === undefined) {
    return { code: ReasonCode.LEARNER, value: notional, threshold: 0, detail: "rails=none" };
  }
  if (notional > rails.maxOrderNotionalQuote) {
    return {
      code: ReasonCode.LEARNER,
      value: notional,
      threshold: rails.maxOrderNotionalQuote,
      detail: `orderQuote=${n(notional)};railOrderQuote=${n(rails.maxOrderNotionalQuote)}`,
    };
  }
  const after = context.book.committedQuote(order.symbol) + notional;
  if (after > rails.maxPositionNotionalQuote) {
    return {
      code: ReasonCode.LEARNER,
      value: after,
      threshold: rails.maxPositionNotionalQuote,
      detail: `positionQuote=${n(after)};railPositionQuote=${n(rails.maxPositionNotionalQuote)}`,
    };
  }
  return null;
}
