import assert from "node:assert/strict";
import { ReasonCode } from "../reason_code.ts";
import { guardrailRow } from "./guardrail_row.ts";
import { blockOrPass, PASS, scaledPass } from "./risk_decision.ts";

const WHERE = { ts: 1_747_699_259_999, symbol: "BTCUSDT" };

Deno.test("guardrailRow() writes a block with |-joined reasons, the first value and threshold, and merged detail", () => {
  const d = blockOrPass([
    {
      code: ReasonCode.CONF,
      value: 0.75,
      threshold: 0.8,
      detail: "conf=0.75;minConf=0.8;riskBias=0.5",
    },
    {
      code: ReasonCode.SPREAD,
      value: 3,
      threshold: 2,
      detail: "spreadBp=3;toleranceBp=2;riskBias=0.5",
    },
  ]);
  assert.deepEqual(guardrailRow(d, WHERE), {
    ts: WHERE.ts,
    symbol: "BTCUSDT",
    action: "block",
    reasons: "CONF|SPREAD",
    value: 0.75,
    threshold: 0.8,
    detail: "conf=0.75;minConf=0.8;riskBias=0.5;spreadBp=3;toleranceBp=2",
  });
});

Deno.test("guardrailRow() writes a scaled pass as scale, an untouched pass as no row, and honours cancel", () => {
  const s = scaledPass(0.5, [{
    code: ReasonCode.BUDGET,
    value: 12_000,
    threshold: 8_000,
    detail: "committedQuote=7000",
  }]);
  assert.equal(guardrailRow(s, WHERE)?.action, "scale");
  assert.equal(guardrailRow(PASS, WHERE), null);
  const kill = blockOrPass([{ code: ReasonCode.KILL, value: 1, threshold: 0, detail: "kill=1" }]);
  assert.equal(guardrailRow(kill, WHERE, { action: "cancel" })?.action, "cancel");
});

Deno.test("blockOrPass() and scaledPass() return the shared PASS when nothing fired and reject a scale outside (0, 1]", () => {
  assert.equal(blockOrPass(null), PASS);
  assert.equal(blockOrPass([]), PASS);
  assert.equal(scaledPass(1, []), PASS);
  assert.throws(() => scaledPass(0, []), RangeError);
  assert.throws(() => scaledPass(1.5, []), RangeError);
});
