import assert from "node:assert/strict";
import { ReasonCode } from "../reason_code.ts";
import { Policy, type PolicyParams } from "./policy.ts";
import { emptyPolicyDecision, PolicySide } from "./policy_decision.ts";

const PARAMS: PolicyParams = {
  symbol: "BTCUSDT",
  modelVersion: "hmm-7",
  statePriors: [0.001, -0.002, 0],
  riskBias: [1.5, 0.5],
  k: 10,
  maxQty: 1,
  notionalFloor: 5,
};

/** A log posterior from probabilities. */
function lp(...p: number[]): Float64Array {
  return Float64Array.from(p, Math.log);
}

// Sizes go through exp(log p): compare within 1e-15 relative.
function close(actual: number, expected: number): void {
  assert.ok(Math.abs(actual - expected) <= 1e-15 * Math.abs(expected), `${actual} vs ${expected}`);
}

Deno.test("Policy.decide() buys k·bias·|edge|/vol_bp at the argmax state", () => {
  const d = new Policy(PARAMS).decide({
    logPosterior: lp(0.8, 0.15, 0.05),
    macroState: 0,
    realizedVol: 5e-4, // 5 bp
    price: 50_000,
  });
  close(d.conf, 0.8);
  close(d.edge, 0.0008);
  close(d.targetQty, 10 * 1.5 * 0.0008 / 5); // 0.0024 BTC, 120 USDT
  assert.deepEqual(
    [d.symbol, d.side, d.state, d.macroState, d.modelVersion, d.reason, d.detail],
    ["BTCUSDT", PolicySide.BUY, 0, 0, "hmm-7", null, ""],
  );
});

Deno.test("Policy.decide() multiplies k by the macro state's risk bias", () => {
  const policy = new Policy(PARAMS);
  const obs = { logPosterior: lp(0.8, 0.15, 0.05), realizedVol: 5e-4, price: 50_000 };
  const calm = policy.decide({ ...obs, macroState: 0 }).targetQty;
  const wild = policy.decide({ ...obs, macroState: 1 }).targetQty;
  close(wild, calm / 3);
});

Deno.test("Policy.decide() exits to 0 with side sell on a negative edge (long only)", () => {
  const d = new Policy(PARAMS).decide({
    logPosterior: lp(0.1, 0.9, 0),
    macroState: 0,
    realizedVol: 5e-4,
    price: 50_000,
  });
  assert.equal(d.side, PolicySide.SELL);
  assert.equal(d.targetQty, 0);
  assert.equal(d.state, 1);
  close(d.edge, -0.0018);
  assert.equal(d.reason, null); // sized 0.0054 BTC = 270 USDT: above the floor
});

Deno.test("Policy.decide() clips the size to maxQty and lifts it to minQty", () => {
  const obs = { logPosterior: lp(1, 0, 0), macroState: 0, realizedVol: 5e-4, price: 100 };
  const big = new Policy({ ...PARAMS, k: 1e6 }).decide(obs);
  assert.equal(big.targetQty, 1);
  const small = new Policy({ ...PARAMS, minQty: 0.5 }).decide(obs); // raw 0.003
  assert.equal(small.targetQty, 0.5);
  assert.equal(small.reason, null); // 0.5 · 100 = 50 ≥ 5
});

Deno.test("Policy.decide() gives no trade with NOTIONAL below the notional floor", () => {
  const d = new Policy(PARAMS).decide({
    logPosterior: lp(1, 0, 0),
    macroState: 0,
    realizedVol: 5e-4,
    price: 1000, // 0.003 · 1000 = 3 < 5
  });
  assert.equal(d.reason, ReasonCode.NOTIONAL);
  close(d.targetQty, 0.003); // what would have been asked
  assert.equal(d.detail, `notional=${d.targetQty * 1000}, floor=5`);
  assert.equal(d.side, PolicySide.BUY);
  // a zero edge is never lifted to minQty: it is a no-trade too
  const zero = new Policy({ ...PARAMS, minQty: 0.5 }).decide({
    logPosterior: lp(0, 0, 1),
    macroState: 0,
    realizedVol: 5e-4,
    price: 50_000,
  });
  assert.deepEqual([zero.edge, zero.targetQty, zero.side, zero.reason], [0, 0, "sell", "NOTIONAL"]);
});

Deno.test("Policy.decide() floors vol_bp at minVolBp", () => {
  const obs = { logPosterior: lp(1, 0, 0), macroState: 0, price: 50_000 };
  const policy = new Policy({ ...PARAMS, minVolBp: 2 });
  const flat = policy.decide({ ...obs, realizedVol: 0 }).targetQty;
  const atFloor = policy.decide({ ...obs, realizedVol: 2e-4 }).targetQty;
  assert.equal(flat, 10 * 1.5 * 0.001 / 2);
  assert.equal(atFloor, flat);
});

Deno.test("Policy.decide() gives no trade with DATA for a NaN posterior, bad price or volatility", () => {
  const policy = new Policy(PARAMS);
  const good = { logPosterior: lp(1, 0, 0), macroState: 0, realizedVol: 5e-4, price: 50_000 };
  const cases = [
    { ...good, logPosterior: Float64Array.of(NaN, 0, 0) },
    { ...good, logPosterior: Float64Array.of(-Infinity, -Infinity, -Infinity) },
    { ...good, price: 0 },
    { ...good, price: NaN },
    { ...good, realizedVol: -1 },
    { ...good, realizedVol: Infinity },
  ];
  for (const obs of cases) {
    const d = policy.decide(obs);
    assert.equal(d.reason, ReasonCode.DATA);
    assert.equal(d.targetQty, 0);
  }
});

Deno.test("Policy.decide() rewrites every field of a reused decision", () => {
  const policy = new Policy(PARAMS);
  const out = emptyPolicyDecision();
  const obs = { logPosterior: lp(1, 0, 0), macroState: 0, realizedVol: 5e-4 };
  policy.decide({ ...obs, price: 1000 }, out);
  assert.equal(out.reason, ReasonCode.NOTIONAL);
  const again = policy.decide({ ...obs, price: 50_000 }, out);
  assert.equal(again, out);
  assert.deepEqual([out.reason, out.detail, out.side], [null, "", "buy"]);
});

Deno.test("Policy throws for bad parameters and mis-shaped observations", () => {
  assert.throws(() => new Policy({ ...PARAMS, k: 0 }), RangeError);
  assert.throws(() => new Policy({ ...PARAMS, minQty: 2 }), RangeError);
  assert.throws(() => new Policy({ ...PARAMS, riskBias: [1, -1] }), RangeError);
  assert.throws(() => new Policy({ ...PARAMS, statePriors: [NaN] }), /statePriors is \[NaN\]/);
  assert.throws(() => new Policy({ ...PARAMS, statePriors: [] }), TypeError);
  const policy = new Policy(PARAMS);
  const obs = { logPosterior: lp(1, 0, 0), macroState: 0, realizedVol: 5e-4, price: 1 };
  assert.throws(() => policy.decide({ ...obs, logPosterior: lp(1, 0) }), TypeError);
  assert.throws(() => policy.decide({ ...obs, macroState: 2 }), RangeError);
});
