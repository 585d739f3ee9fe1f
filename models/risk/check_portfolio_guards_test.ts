import assert from "node:assert/strict";
import { ReasonCode } from "../reason_code.ts";
import {
  checkPortfolioGuards,
  type OrderProposal,
  type PortfolioBudget,
  type PortfolioGuardContext,
  type SymbolOrderLimits,
} from "./check_portfolio_guards.ts";
import { CovarianceTracker } from "./covariance_tracker.ts";
import { PASS } from "./risk_decision.ts";
import { FeeAsset, RiskBook } from "./risk_book.ts";

const T = 1_747_699_259_999;
const LIMITS: SymbolOrderLimits = {
  cooldownMs: 300_000,
  notionalFloorQuote: 12,
  maxOrderNotionalQuote: 1_500,
  stepSize: 0.00001,
  minNotionalQuote: 10,
};
const BUDGET: PortfolioBudget = {
  globalNotionalBudgetQuote: 8_000,
  maxGrossExposureFraction: 0.9,
  globalCooldownMs: 1_000,
  maxDrawdown: { defaultFraction: 0.1, byState: { "2": 0.05 } },
  correlation: { maxCorrelation: 0.9, maxPortfolioVolBp: 6 },
};
const BUY: OrderProposal = {
  symbol: "BTCUSDT",
  side: "buy",
  qty: 0.01,
  price: 100_000,
  ts: T,
  state: 0,
};

function ctx(book: RiskBook, patch: Partial<PortfolioGuardContext> = {}): PortfolioGuardContext {
  return { book, limits: LIMITS, budget: BUDGET, ...patch };
}

/** A book holding `qty` BTC bought at `price` without fees, marked at `mark`. */
function holding(qty: number, price = 100_000, mark = price): RiskBook {
  const book = new RiskBook({ cashQuote: 10_000 });
  book.applyFill({
    symbol: "BTCUSDT",
    side: "buy",
    qty,
    price,
    fee: 0,
    feeAsset: FeeAsset.QUOTE,
    ts: T - 3_600_000,
  });
  book.setMark("BTCUSDT", mark, T - 60_000);
  return book;
}

function codes(order: Partial<OrderProposal>, context: PortfolioGuardContext): string[] {
  return checkPortfolioGuards({ ...BUY, ...order }, context).decision.hits.map((h) => h.code);
}

Deno.test("checkPortfolioGuards() passes an order inside every limit unchanged", () => {
  const r = checkPortfolioGuards(BUY, ctx(new RiskBook({ cashQuote: 10_000 })));
  assert.equal(r.decision, PASS);
  assert.equal(r.qty, 0.01);
  assert.equal(r.notionalQuote, 1_000);
});

Deno.test("checkPortfolioGuards() scales an order above maxOrderNotionalQuote down to the cap with NOTIONAL", () => {
  const r = checkPortfolioGuards({ ...BUY, qty: 0.02 }, ctx(new RiskBook({ cashQuote: 10_000 })));
  assert.equal(r.qty, 0.015);
  assert.equal(r.decision.kind, "pass");
  assert.equal(r.decision.kind === "pass" && r.decision.scale, 0.75);
  assert.deepEqual(r.decision.hits, [{
    code: ReasonCode.NOTIONAL,
    value: 2_000,
    threshold: 1_500,
    detail: "notionalQuote=2000;maxOrderNotionalQuote=1500",
  }]);
});

Deno.test("checkPortfolioGuards() scales a buy down to what is left of the global budget with BUDGET", () => {
  // Holds 7 000 at mark, equity 10 000: limit min(8 000, 0.9·10 000) = 8 000, room 1 000.
  const r = checkPortfolioGuards({ ...BUY, qty: 0.015 }, ctx(holding(0.07)));
  assert.equal(r.qty, 0.01);
  assert.deepEqual(r.decision.hits.map((h) => [h.code, h.value, h.threshold]), [
    [ReasonCode.BUDGET, 8_500, 8_000],
  ]);
  assert.equal(r.decision.kind === "pass" && r.decision.scale, 0.01 / 0.015);
  assert.equal(
    r.decision.hits[0].detail,
    "committedQuote=7000;orderQuote=1500;budgetQuote=8000;maxGrossQuote=9000",
  );
});

Deno.test("checkPortfolioGuards() binds BUDGET to the gross-exposure fraction of equity after a loss", () => {
  // 0.05 BTC bought at 100 000, marked at 96 000: equity 9 800, gross cap 8 820; committed 4 800.
  const r = checkPortfolioGuards(
    { ...BUY, qty: 0.015, price: 96_000 },
    ctx(holding(0.05, 100_000, 96_000)),
  );
  assert.equal(r.qty, 0.015); // 1 440 fits in the room of 3 200
  const big = checkPortfolioGuards(
    { ...BUY, qty: 0.015, price: 96_000 },
    ctx(holding(0.05, 100_000, 96_000), {
      budget: { ...BUDGET, maxGrossExposureFraction: 0.6 },
    }),
  );
  // gross cap 0.6 · 9 800 = 5 880, room 1 080 → 0.01125 BTC.
  assert.equal(big.qty, 0.01125);
  assert.equal(big.decision.hits[0].threshold, 5_880);
});

Deno.test("checkPortfolioGuards() blocks with BUDGET when what is left no longer clears the minimum", () => {
  const r = checkPortfolioGuards(BUY, ctx(holding(0.07995))); // room 5 < floor 12
  assert.equal(r.decision.kind, "block");
  assert.equal(r.qty, 0);
  assert.deepEqual(r.decision.hits.map((h) => h.code), [ReasonCode.BUDGET]);
  assert.match(r.decision.hits[0].detail, /;scaledQuote=5;minQuote=12$/);
});

Deno.test("checkPortfolioGuards() blocks NOTIONAL below the floor for a buy but lets an exit down to the exchange minimum", () => {
  const book = holding(0.001);
  const small = { qty: 0.00011, price: 100_000 }; // 11 quote: above 10, below the floor 12
  const buy = checkPortfolioGuards({ ...BUY, ...small }, ctx(book));
  assert.deepEqual(buy.decision.hits.map((h) => [h.code, h.threshold]), [["NOTIONAL", 12]]);
  const exit = checkPortfolioGuards({ ...BUY, ...small, side: "sell" }, ctx(book));
  assert.equal(exit.decision, PASS);
  const dust = checkPortfolioGuards({ ...BUY, qty: 0.00009, side: "sell" }, ctx(book));
  assert.deepEqual(dust.decision.hits.map((h) => [h.code, h.threshold]), [["NOTIONAL", 10]]);
});

Deno.test("checkPortfolioGuards() blocks COOLDOWN one ms before cooldownMs and passes at it", () => {
  const book = new RiskBook({ cashQuote: 10_000 });
  book.orderPlaced("BTCUSDT", "buy", 0.001, 100_000, T);
  book.orderReleased("BTCUSDT", "buy", 0.001);
  const early = checkPortfolioGuards({ ...BUY, ts: T + 299_999 }, ctx(book));
  assert.deepEqual(early.decision.hits, [{
    code: ReasonCode.COOLDOWN,
    value: 299_999,
    threshold: 300_000,
    detail: "elapsedMs=299999;cooldownMs=300000",
  }]);
  assert.equal(checkPortfolioGuards({ ...BUY, ts: T + 300_000 }, ctx(book)).decision, PASS);
});

Deno.test("checkPortfolioGuards() blocks COOLDOWN_GLOBAL after another symbol's order until globalCooldownMs", () => {
  const book = new RiskBook({ cashQuote: 10_000 });
  book.orderPlaced("ETHUSDT", "buy", 0.1, 2_500, T);
  book.orderReleased("ETHUSDT", "buy", 0.1);
  assert.deepEqual(codes({ ts: T + 999 }, ctx(book)), ["COOLDOWN_GLOBAL"]);
  assert.equal(checkPortfolioGuards({ ...BUY, ts: T + 1_000 }, ctx(book)).decision, PASS);
});

Deno.test("checkPortfolioGuards() holds DD to the limit of the decision's HMM state", () => {
  const dd6 = holding(0.05, 100_000, 88_000); // equity 9 400, peak 10 000: drawdown 0.06
  const order = { price: 88_000 };
  assert.equal(checkPortfolioGuards({ ...BUY, ...order, state: 0 }, ctx(dd6)).decision, PASS);
  const r = checkPortfolioGuards({ ...BUY, ...order, state: 2 }, ctx(dd6));
  assert.deepEqual(r.decision.hits.map((h) => [h.code, h.threshold]), [["DD", 0.05]]);
  assert.ok(Math.abs(r.decision.hits[0].value - 0.06) < 1e-12);
  const dd5 = holding(0.05, 100_000, 90_000); // drawdown exactly 0.05: not above the limit
  assert.equal(dd5.drawdown(), 0.05);
  assert.equal(
    checkPortfolioGuards({ ...BUY, price: 90_000, state: 2 }, ctx(dd5)).decision,
    PASS,
  );
});

Deno.test("checkPortfolioGuards() blocks everything with KILL, exits included, and reports the other codes too", () => {
  const book = holding(0.01);
  book.orderPlaced("BTCUSDT", "buy", 0.001, 100_000, T - 1);
  book.orderReleased("BTCUSDT", "buy", 0.001);
  book.setKill(true);
  assert.deepEqual(codes({}, ctx(book)), ["KILL", "COOLDOWN_GLOBAL", "COOLDOWN"]);
  assert.deepEqual(codes({ side: "sell" }, ctx(book)), ["KILL"]);
});

Deno.test("checkPortfolioGuards() never blocks an exit with cooldowns, DD, BUDGET, CORR or LEARNER", () => {
  const book = holding(0.079, 100_000, 80_000); // drawdown 0.158, over budget after a buy
  book.orderPlaced("BTCUSDT", "sell", 0.001, 80_000, T - 1);
  book.orderReleased("BTCUSDT", "sell", 0.001);
  const tracker = correlated();
  const r = checkPortfolioGuards(
    { ...BUY, side: "sell", qty: 0.01, price: 80_000, state: 2, source: "learner" },
    ctx(book, { covariance: tracker }),
  );
  assert.equal(r.decision, PASS);
  assert.equal(r.qty, 0.01);
});

Deno.test("checkPortfolioGuards() scales an exit above the cap (NOTIONAL is the only scaling guard of an exit)", () => {
  const r = checkPortfolioGuards(
    { ...BUY, side: "sell", qty: 0.05 },
    ctx(holding(0.05)),
  );
  assert.equal(r.qty, 0.015);
  assert.deepEqual(r.decision.hits.map((h) => h.code), ["NOTIONAL"]);
});

Deno.test("checkPortfolioGuards() blocks DATA for a NaN price, exits included", () => {
  const r = checkPortfolioGuards(
    { ...BUY, side: "sell", price: Number.NaN },
    ctx(holding(0.01)),
  );
  assert.deepEqual(r.decision.hits, [{
    code: ReasonCode.DATA,
    value: 1,
    threshold: 0,
    detail: `qty=0.01;price=NaN;ts=${T}`,
  }]);
});

/** BTC/ETH with correlation 3.5/√(2.25·5.5) ≈ 0.995 after two bars (λ = 0.5). */
function correlated(): CovarianceTracker {
  const t = new CovarianceTracker(["BTCUSDT", "ETHUSDT"], { halfLifeBars: 1 });
  t.update([0.01, 0.02]);
  t.update([0.02, 0.03]);
  return t;
}

Deno.test("checkPortfolioGuards() blocks CORR when the symbol correlates above maxCorrelation with a held one", () => {
  const book = new RiskBook({ cashQuote: 10_000 });
  book.applyFill({
    symbol: "ETHUSDT",
    side: "buy",
    qty: 0.1,
    price: 2_500,
    fee: 0,
    feeAsset: FeeAsset.QUOTE,
    ts: T - 3_600_000,
  });
  const r = checkPortfolioGuards(BUY, ctx(book, { covariance: correlated() }));
  assert.equal(r.decision.kind, "block");
  assert.deepEqual(r.decision.hits.map((h) => [h.code, h.threshold]), [["CORR", 0.9]]);
  assert.ok(Math.abs(r.decision.hits[0].value - 3.5 / Math.sqrt(2.25 * 5.5)) < 1e-12);
  assert.match(r.decision.hits[0].detail, /^with=ETHUSDT;corr=0\.99/);
});

Deno.test("checkPortfolioGuards() scales a buy to the portfolio variance budget with CORR (hand-computed)", () => {
  // Σ_BTC = 1e-4 per bar (100 bp); nothing held; budget (6 bp · 10 000)² = 36 quote².
  // Order of 1 000 quote: a = 1e6 · 1e-4 = 100 → t = √(36 / 100) = 0.6 → 600 quote = 0.006 BTC.
  const t = new CovarianceTracker(["BTCUSDT", "ETHUSDT"], { halfLifeBars: 1 });
  t.update([0.01, 0.02]);
  t.update([-0.01, 0.03]);
  const r = checkPortfolioGuards(BUY, ctx(new RiskBook({ cashQuote: 10_000 }), { covariance: t }));
  assert.equal(r.qty, 0.006);
  assert.equal(r.decision.kind === "pass" && r.decision.scale, 0.6);
  const hit = r.decision.hits[0];
  assert.deepEqual([hit.code, hit.threshold], ["CORR", 6]);
  assert.ok(Math.abs(hit.value - 10) < 1e-9, String(hit.value)); // 1 000 · 1% / 10 000 = 10 bp
});

Deno.test("checkPortfolioGuards() skips CORR while the covariance is not ready", () => {
  const t = new CovarianceTracker(["BTCUSDT", "ETHUSDT"], { halfLifeBars: 100 });
  t.update([0.01, 0.02]);
  assert.equal(
    checkPortfolioGuards(BUY, ctx(new RiskBook({ cashQuote: 10_000 }), { covariance: t }))
      .decision,
    PASS,
  );
});

Deno.test("checkPortfolioGuards() holds learner orders to their rails and blocks them without rails", () => {
  const book = holding(0.01); // 1 000 committed
  const learner = { source: "learner" as const };
  assert.deepEqual(codes(learner, ctx(book)), ["LEARNER"]);
  const rails = { maxOrderNotionalQuote: 500, maxPositionNotionalQuote: 1_800 };
  assert.deepEqual(codes({ ...learner, qty: 0.006 }, ctx(book, { learnerRails: rails })), [
    "LEARNER",
  ]); // 600 > 500
  assert.deepEqual(codes({ ...learner, qty: 0.0045 }, ctx(book, { learnerRails: rails })), []);
  const r = checkPortfolioGuards(
    { ...BUY, ...learner, qty: 0.0045 },
    ctx(book, { learnerRails: { ...rails, maxPositionNotionalQuote: 1_400 } }),
  );
  assert.deepEqual(r.decision.hits.map((h) => [h.code, h.value, h.threshold]), [
    ["LEARNER", 1_450, 1_400],
  ]);
});

Deno.test("checkPortfolioGuards() measures DD over the book's window, so a flat book trades again after it", () => {
  const book = new RiskBook({ cashQuote: 10_000, drawdownWindowMs: 86_400_000 });
  const fill = { symbol: "BTCUSDT", fee: 0, feeAsset: FeeAsset.QUOTE, qty: 0.05 } as const;
  book.applyFill({ ...fill, side: "buy", price: 100_000, ts: T - 3_600_000 });
  book.setMark("BTCUSDT", 88_000, T - 60_000); // equity 9 400: drawdown 0.06 > 0.05 (state 2)
  book.applyFill({ ...fill, side: "sell", price: 88_000, ts: T - 60_000 }); // flat at 9 400
  const order = { ...BUY, price: 88_000, state: 2, ts: T };
  const r = checkPortfolioGuards(order, ctx(book));
  assert.deepEqual(r.decision.hits.map((h) => [h.code, h.threshold]), [["DD", 0.05]]);
  assert.equal(
    r.decision.hits[0].detail,
    "drawdown=0.06;limit=0.05;state=2;equity=9400;peakEquity=10000;windowMs=86400000",
  );
  // the 10 000 peak was sampled at T − 1 h: it leaves the 24 h window at T + 23 h
  const later = { ...order, ts: T - 3_600_000 + 86_400_000 };
  assert.deepEqual(codes({ ...later, ts: later.ts - 1 }, ctx(book)), ["DD"]);
  assert.equal(checkPortfolioGuards(later, ctx(book)).decision, PASS);
  assert.equal(book.drawdown(), 0.06, "the all-time drawdown stays");
});
