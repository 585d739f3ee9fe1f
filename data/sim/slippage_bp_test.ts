import assert from "node:assert/strict";
import { SlippageOptions } from "./sim_exchange_options.ts";
import { slippageBp, volatilityBp } from "./slippage_bp.ts";

// Tolerance for float comparisons: 1e-9 bp.
const EPS = 1e-9;

Deno.test("slippageBp() is base + a·vol + b·scatter + c·(1 − confidence)", () => {
  const options = SlippageOptions.parse({
    baseBp: 0.5,
    volCoef: 0.2,
    scatterCoef: 0.1,
    confidenceBp: 4,
    maxBp: 100,
  });
  // 0.5 + 0.2·10 + 0.1·20 + 4·(1 − 0.75) = 0.5 + 2 + 2 + 1 = 5.5
  const s = slippageBp({ volBp: 10, scatterBp: 20, confidence: 0.75 }, options);
  assert.ok(Math.abs(s - 5.5) < EPS, `got ${s}`);
});

Deno.test("slippageBp() clamps to maxBp and treats bad inputs as 0", () => {
  const options = SlippageOptions.parse({ maxBp: 3 });
  assert.equal(slippageBp({ volBp: 1000, scatterBp: 0, confidence: 1 }, options), 3);
  const defaults = SlippageOptions.parse({});
  // defaults: 0 + 0.1·0 + 0.05·0 + 1·(1 − 0) = 1 (NaN confidence counts as 0)
  assert.equal(
    slippageBp({ volBp: Number.NaN, scatterBp: -5, confidence: Number.NaN }, defaults),
    1,
  );
  assert.equal(slippageBp({ volBp: 0, scatterBp: 0, confidence: 2 }, defaults), 0);
});

Deno.test("volatilityBp() is the sample stdev of log returns in bp", () => {
  // returns ln(1.01), ln(1/1.01): mean 0, sample variance = 2·ln(1.01)² / 1
  const v = volatilityBp([100, 101, 100]);
  const expected = Math.sqrt(2) * Math.log(1.01) * 1e4;
  assert.ok(Math.abs(v - expected) < EPS, `got ${v}`);
  assert.equal(volatilityBp([100, 101]), 0);
  assert.equal(volatilityBp([]), 0);
  assert.equal(volatilityBp([5, 5, 5, 5]), 0);
});
