import assert from "node:assert/strict";
import {
  effectiveMinConf,
  riskBiasFactor,
  type RiskBiasScaling,
  spreadToleranceBp,
} from "./risk_bias_thresholds.ts";

// Threshold arithmetic goes through a few float operations: compare within 1e-12.
function close(actual: number, expected: number): void {
  assert.ok(Math.abs(actual - expected) <= 1e-12, `${actual} vs ${expected}`);
}

const SCALING: RiskBiasScaling = { confSensitivity: 1, spreadSensitivity: 1, maxLoosen: 1.25 };
const SPREAD = { baseSpreadBp: 2, spreadVolMultiplier: 0.5, maxSpreadBp: 10 };

Deno.test("riskBiasFactor() is 1 + sensitivity·(bias − 1), clamped to [0, maxLoosen]", () => {
  close(riskBiasFactor(0.5, 1, 1.25), 0.5);
  close(riskBiasFactor(1, 1, 1.25), 1);
  close(riskBiasFactor(1.5, 1, 1.25), 1.25);
  close(riskBiasFactor(1.2, 1, 1.25), 1.2);
  close(riskBiasFactor(0.5, 0.5, 1.25), 0.75);
  close(riskBiasFactor(0.5, 0, 1.25), 1);
  assert.equal(riskBiasFactor(-3, 1, 1.25), 0);
  assert.ok(Number.isNaN(riskBiasFactor(Number.NaN, 1, 1.25)));
});

Deno.test("effectiveMinConf() raises minConf toward 1 under a risk-off bias and lowers it within the cap under risk-on", () => {
  close(effectiveMinConf(0.6, 0.5, SCALING), 0.8);
  close(effectiveMinConf(0.6, 1, SCALING), 0.6);
  close(effectiveMinConf(0.6, 1.5, SCALING), 0.5); // factor capped at 1.25
  close(effectiveMinConf(0.6, 0, SCALING), 1);
  close(effectiveMinConf(0.6, 0.5, { ...SCALING, confSensitivity: 0 }), 0.6);
});

Deno.test("spreadToleranceBp() widens with volatility, halves at bias 0.5 and loosens only up to the cap", () => {
  close(spreadToleranceBp(4, 1, SPREAD, SCALING), 4); // 2 + 0.5·4
  close(spreadToleranceBp(4, 0.5, SPREAD, SCALING), 2);
  close(spreadToleranceBp(4, 1.5, SPREAD, SCALING), 5); // 4 · 1.25
  close(spreadToleranceBp(30, 1, SPREAD, SCALING), 10); // 17 capped
  close(spreadToleranceBp(30, 0.5, SPREAD, SCALING), 5); // the capped tolerance, halved
  close(spreadToleranceBp(30, 1.5, SPREAD, SCALING), 10); // never beyond the cap
  close(spreadToleranceBp(4, 0.5, SPREAD, { ...SCALING, spreadSensitivity: 0 }), 4);
});
