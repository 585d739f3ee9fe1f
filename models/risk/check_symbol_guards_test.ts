import assert from "node:assert/strict";
import { ReasonCode } from "../reason_code.ts";
import {
  checkSymbolGuards,
  type SymbolGuardInput,
  type SymbolGuardLimits,
} from "./check_symbol_guards.ts";
import { PASS } from "./risk_decision.ts";

const LIMITS: SymbolGuardLimits = {
  minConf: 0.6,
  baseSpreadBp: 2,
  spreadVolMultiplier: 0.5,
  maxSpreadBp: 10,
  maxVolBp: 20,
  staleAfterMs: 90_000,
};
const SCALING = { confSensitivity: 1, spreadSensitivity: 1, maxLoosen: 1.25 };
const T = 1_747_699_259_999;
const OK: SymbolGuardInput = {
  ts: T,
  barCloseTs: T,
  conf: 0.7,
  spreadBp: 3,
  volBp: 4, // tolerance 4 bp at bias 1
  riskBias: 1,
  reducing: false,
};

function check(patch: Partial<SymbolGuardInput>) {
  return checkSymbolGuards({ ...OK, ...patch }, LIMITS, { scaling: SCALING });
}

function codes(patch: Partial<SymbolGuardInput>): string[] {
  return check(patch).hits.map((h) => h.code);
}

Deno.test("checkSymbolGuards() passes a sound decision with the shared PASS object", () => {
  assert.equal(check({}), PASS);
});

Deno.test("checkSymbolGuards() blocks CONF below minConf and passes conf equal to it", () => {
  const d = check({ conf: 0.55 });
  assert.equal(d.kind, "block");
  assert.deepEqual(d.hits, [{
    code: ReasonCode.CONF,
    value: 0.55,
    threshold: 0.6,
    detail: "conf=0.55;minConf=0.6;baseMinConf=0.6;riskBias=1",
  }]);
  assert.equal(check({ conf: 0.6 }), PASS);
});

Deno.test("checkSymbolGuards() tightens CONF and SPREAD under a risk-off bias of 0.5", () => {
  // minConf 0.6 → 0.8; spread tolerance 4 → 2 bp.
  const d = check({ conf: 0.75, spreadBp: 3, riskBias: 0.5 });
  assert.equal(d.kind, "block");
  assert.deepEqual(d.hits.map((h) => [h.code, h.value]), [
    [ReasonCode.CONF, 0.75],
    [ReasonCode.SPREAD, 3],
  ]);
  assert.ok(Math.abs(d.hits[0].threshold - 0.8) < 1e-12);
  assert.equal(d.hits[1].threshold, 2);
  assert.equal(check({ conf: 0.8, spreadBp: 2, riskBias: 0.5 }), PASS);
});

Deno.test("checkSymbolGuards() loosens CONF and SPREAD under a risk-on bias of 1.5 within maxLoosen", () => {
  // minConf 0.6 → 0.5; tolerance 4 → 5 bp (factor capped at 1.25).
  assert.equal(check({ conf: 0.5, spreadBp: 5, riskBias: 1.5 }), PASS);
  assert.deepEqual(codes({ conf: 0.49, spreadBp: 5.01, riskBias: 1.5 }), ["CONF", "SPREAD"]);
});

Deno.test("checkSymbolGuards() widens the SPREAD tolerance with volatility up to maxSpreadBp", () => {
  assert.equal(check({ volBp: 12, spreadBp: 8 }), PASS); // 2 + 6 = 8
  assert.deepEqual(codes({ volBp: 12, spreadBp: 8.5 }), ["SPREAD"]);
  const capped = check({ volBp: 19, spreadBp: 10.5 }); // 2 + 9.5 = 11.5 → cap 10
  assert.deepEqual(capped.hits.map((h) => [h.code, h.value, h.threshold]), [["SPREAD", 10.5, 10]]);
});

Deno.test("checkSymbolGuards() blocks VOL above maxVolBp, not at it, and bias does not move it", () => {
  assert.equal(check({ volBp: 20, spreadBp: 1 }), PASS);
  const d = check({ volBp: 20.5, spreadBp: 1, riskBias: 1.5 });
  assert.deepEqual(d.hits, [{
    code: ReasonCode.VOL,
    value: 20.5,
    threshold: 20,
    detail: "volBp=20.5;maxVolBp=20",
  }]);
});

Deno.test("checkSymbolGuards() blocks STALE one ms past staleAfterMs and on a QA stale flag", () => {
  assert.equal(check({ barCloseTs: T - 90_000 }), PASS);
  const d = check({ barCloseTs: T - 90_001 });
  assert.deepEqual(d.hits, [{
    code: ReasonCode.STALE,
    value: 90_001,
    threshold: 90_000,
    detail: "ageMs=90001;staleAfterMs=90000",
  }]);
  assert.deepEqual(check({ staleFlagged: true }).hits, [{
    code: ReasonCode.STALE,
    value: 0,
    threshold: 90_000,
    detail: "ageMs=0;staleAfterMs=90000;qaStale=1",
  }]);
});

Deno.test("checkSymbolGuards() blocks DATA on a QA flag or a non-finite input, counting the bad inputs", () => {
  assert.deepEqual(check({ dataFlagged: true }).hits, [{
    code: ReasonCode.DATA,
    value: 1,
    threshold: 0,
    detail: "qaFlag=1",
  }]);
  const d = check({ conf: Number.NaN, volBp: Infinity });
  assert.deepEqual(d.hits.map((h) => [h.code, h.value, h.detail]), [
    [ReasonCode.DATA, 2, "conf=NaN;volBp=Infinity"],
  ]);
  assert.deepEqual(codes({ riskBias: -1 }), ["DATA"]);
  assert.deepEqual(codes({ conf: 1.2 }), ["DATA"]);
});

Deno.test("checkSymbolGuards() reports every code that fires in one block", () => {
  const d = check({ barCloseTs: T - 200_000, conf: 0.3, spreadBp: 11, volBp: 25 });
  assert.deepEqual(d.hits.map((h) => h.code), ["STALE", "CONF", "SPREAD", "VOL"]);
});

Deno.test("checkSymbolGuards() lets an exit through CONF, SPREAD and VOL but not DATA or STALE", () => {
  assert.equal(check({ reducing: true, conf: 0.1, spreadBp: 50, volBp: 80, riskBias: 0 }), PASS);
  assert.deepEqual(codes({ reducing: true, dataFlagged: true }), ["DATA"]);
  assert.deepEqual(codes({ reducing: true, barCloseTs: T - 100_000 }), ["STALE"]);
});
