import assert from "node:assert/strict";
import { ReasonCode } from "../reason_code.ts";
import { Policy, type PolicyParams } from "./policy.ts";
import { emptyPolicyDecision, PolicyAction, PolicySide } from "./policy_decision.ts";

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
  // a zero edge never enters (long only): the flat policy stays flat, which is no order at all
  assert.deepEqual(
    [zero.edge, zero.targetQty, zero.side, zero.reason, zero.action],
    [0, 0, "sell", null, "flat"],
  );
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

// Priors whose bp values are exact in float64: 10, 5, 0, −5, −20 bp over the horizon.
const STEPS: PolicyParams = {
  ...PARAMS,
  statePriors: [0.001, 0.0005, 0, -0.0005, -0.002],
  entryEdgeBp: 10,
  exitEdgeBp: 0,
  minHoldBars: 3,
  earlyExitEdgeBp: -20,
};

/** An observation with all posterior mass (conf exactly 1) on `state`, holding `heldQty`. */
function at(state: number, heldQty: number) {
  const p = [0, 0, 0, 0, 0];
  p[state] = 1;
  return { logPosterior: lp(...p), macroState: 0, realizedVol: 5e-4, price: 50_000, heldQty };
}

Deno.test("Policy.decide() enters only at an edge of at least entryEdgeBp, then holds until minHoldBars", () => {
  const policy = new Policy(STEPS);
  const seen: Array<[string, string, number, number]> = [];
  const step = (state: number, held: number) => {
    const d = policy.decide(at(state, held));
    seen.push([d.action, d.side, d.targetQty, policy.heldBars]);
    return d;
  };
  step(1, 0); // 5 bp < 10: stays flat
  const entry = step(0, 0).targetQty; // 10 bp = entryEdgeBp: enters (equality passes)
  close(entry, 10 * 1.5 * 0.001 / 5);
  step(3, entry); // −5 bp ≤ exit 0, but held 1 bar < 3
  step(2, entry); // 0 bp ≤ exit 0, held 2 bars
  step(1, entry); // 5 bp: between exit and entry, held 3 bars: hold
  step(3, entry); // −5 bp, held 4 bars ≥ 3: exit
  step(3, 0); // flat again: the counter is back at 0
  assert.deepEqual(seen, [
    ["flat", "sell", 0, 0],
    ["enter", "buy", entry, 0],
    ["hold", "buy", entry, 1],
    ["hold", "buy", entry, 2],
    ["hold", "buy", entry, 3],
    ["exit", "sell", 0, 4],
    ["flat", "sell", 0, 0],
  ]);
});

Deno.test("Policy.decide() exits before minHoldBars only at earlyExitEdgeBp and re-sizes above the entry edge", () => {
  const policy = new Policy(STEPS);
  const entry = policy.decide(at(0, 0)).targetQty;
  const resize = policy.decide({ ...at(0, entry), realizedVol: 1e-3 }); // vol doubled: half size
  assert.deepEqual([resize.action, resize.side, resize.reason], ["resize", "buy", null]);
  close(resize.targetQty, entry / 2);
  const early = policy.decide(at(4, entry)); // −20 bp = earlyExitEdgeBp after 2 bars
  assert.deepEqual([early.action, early.side, early.targetQty, policy.heldBars], [
    "exit",
    "sell",
    0,
    2,
  ]);
  const never = new Policy({ ...STEPS, earlyExitEdgeBp: undefined });
  never.decide(at(0, 0));
  assert.equal(never.decide(at(4, entry)).action, PolicyAction.HOLD, "no early exit by default");
});

Deno.test("Policy.decide() never lets the notional floor hold back an exit or a hold", () => {
  // At price 1 every size is below the floor of 5: entries are NOTIONAL, exits and holds are not.
  const policy = new Policy({ ...STEPS, minHoldBars: 0 });
  const cheap = (state: number, held: number) => ({ ...at(state, held), price: 1 });
  const enter = policy.decide(cheap(0, 0));
  assert.deepEqual([enter.action, enter.reason], ["enter", "NOTIONAL"]);
  const hold = policy.decide(cheap(1, 0.5));
  assert.deepEqual([hold.action, hold.targetQty, hold.reason], ["hold", 0.5, null]);
  const exit = policy.decide(cheap(3, 0.5));
  assert.deepEqual([exit.action, exit.targetQty, exit.reason], ["exit", 0, null]);
});

Deno.test("Policy.decide() weights the risk bias by the macro posterior", () => {
  const policy = new Policy(PARAMS); // riskBias [1.5, 0.5]
  const obs = { logPosterior: lp(1, 0, 0), macroState: 1, realizedVol: 5e-4, price: 50_000 };
  const d = policy.decide({ ...obs, macroPosterior: [0.25, 0.75] });
  assert.equal(d.riskBias, 0.75);
  close(d.targetQty, 10 * 0.75 * 0.001 / 5);
  assert.equal(d.macroState, 1, "the argmax is kept for the record");
  const argmax = policy.decide(obs);
  assert.equal(argmax.riskBias, 0.5);
  close(argmax.targetQty, 10 * 0.5 * 0.001 / 5);
  const unnormalised = policy.decide({ ...obs, macroPosterior: [0.5, 1.5] });
  assert.equal(unnormalised.riskBias, 0.75);
  for (const bad of [[NaN, 1], [0, 0], [-0.5, 1.5]]) {
    const x = policy.decide({ ...obs, macroPosterior: bad });
    assert.deepEqual([x.reason, x.targetQty, x.riskBias], ["DATA", 0, 0.5], `${bad}`);
  }
  assert.throws(() => policy.decide({ ...obs, macroPosterior: [1] }), TypeError);
});

Deno.test("Policy snapshot() and restore() continue the hold counter and the signal exactly", () => {
  const a = new Policy(STEPS);
  const qty = a.decide(at(0, 0)).targetQty;
  a.decide(at(3, qty));
  const snap = a.snapshot();
  assert.deepEqual(snap, { heldBars: 1, signal: -0.0005 });
  const b = new Policy(STEPS);
  b.restore(structuredClone(snap));
  for (const state of [3, 3, 3]) {
    assert.deepEqual(b.decide(at(state, qty)), a.decide(at(state, qty)));
  }
  assert.deepEqual([a.heldBars, b.heldBars], [4, 4]);
  assert.equal(a.decide(at(3, qty)).action, "exit");
});

Deno.test("Policy counts a DATA bar towards heldBars and keeps the position", () => {
  const policy = new Policy(STEPS);
  const qty = policy.decide(at(0, 0)).targetQty;
  const d = policy.decide({ ...at(0, qty), price: NaN });
  assert.deepEqual([d.reason, d.action, policy.heldBars], ["DATA", "hold", 1]);
});

Deno.test("Policy throws for inconsistent hysteresis parameters and a bad heldQty", () => {
  assert.throws(() => new Policy({ ...STEPS, exitEdgeBp: 11 }), /exitEdgeBp is 11/);
  assert.throws(() => new Policy({ ...STEPS, entryEdgeBp: NaN }), /entryEdgeBp is NaN/);
  assert.throws(() => new Policy({ ...STEPS, minHoldBars: 1.5 }), /minHoldBars is 1.5/);
  assert.throws(() => new Policy({ ...STEPS, earlyExitEdgeBp: 1 }), /earlyExitEdgeBp is 1/);
  const policy = new Policy(STEPS);
  assert.throws(() => policy.decide(at(0, -1)), RangeError);
  assert.throws(() => policy.decide(at(0, NaN)), RangeError);
});

Deno.test("Policy.decide() reads an exponential average of the edge with edgeHalfLifeBars", () => {
  // half-life 1 bar: λ = 0.5, signal ← 0.5·signal + 0.5·edge, from 0
  const policy = new Policy({ ...STEPS, edgeHalfLifeBars: 1, minHoldBars: 0 });
  const seen: Array<[number, number, string]> = [];
  const step = (state: number, held: number) => {
    const d = policy.decide(at(state, held));
    seen.push([d.edge * 1e4, d.signal * 1e4, d.action]);
    return d;
  };
  step(0, 0); // edge 10 bp, signal 5 bp < entry 10: flat
  const qty = step(0, 0).targetQty; // signal 7.5
  step(0, 0); // 8.75
  step(0, 0); // 9.375
  assert.equal(qty, 0);
  const entry = step(0, 0); // 9.6875: still flat
  assert.equal(entry.action, "flat");
  const s = new Policy({ ...STEPS, edgeHalfLifeBars: 1, minHoldBars: 0, entryEdgeBp: 9 });
  for (let i = 0; i < 3; i++) s.decide(at(0, 0)); // 5, 7.5, 8.75
  const enter = s.decide(at(0, 0)); // 9.375 ≥ 9: enters, sized from the signal
  assert.equal(enter.action, "enter");
  close(enter.targetQty, 10 * 1.5 * 0.0009375 / 5);
  const hold = s.decide(at(4, enter.targetQty)); // edge −20: signal (9.375 − 20)/2 = −5.3125
  assert.deepEqual([hold.action, hold.signal * 1e4], ["exit", -5.3125]);
  assert.deepEqual(seen.map(([e, sig, a]) => [e, sig, a]), [
    [10, 5, "flat"],
    [10, 7.5, "flat"],
    [10, 8.75, "flat"],
    [10, 9.375, "flat"],
    [10, 9.6875, "flat"],
  ]);
  assert.throws(() => new Policy({ ...STEPS, edgeHalfLifeBars: -1 }), /edgeHalfLifeBars is -1/);
});

Deno.test("Policy.decide() with edgeHalfLifeBars 0 reads the edge itself and keeps the signal over DATA bars", () => {
  const policy = new Policy(STEPS);
  const d = policy.decide(at(1, 0));
  assert.equal(d.signal, d.edge);
  const smooth = new Policy({ ...STEPS, edgeHalfLifeBars: 1 });
  smooth.decide(at(0, 0));
  const bad = smooth.decide({ ...at(0, 0), realizedVol: NaN });
  assert.deepEqual([bad.reason, bad.signal * 1e4, smooth.signal * 1e4], ["DATA", 5, 5]);
});
