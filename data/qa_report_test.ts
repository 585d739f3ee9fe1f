import assert from "node:assert/strict";
import { ReasonCode } from "../models/reason_code.ts";
import {
  addQaFinding,
  emptyQaReport,
  mergeQaReports,
  QA_RULES,
  qaFindings,
  QaReportSchema,
  QaRule,
} from "./qa_report.ts";

Deno.test("QA_RULES gives every rule a DATA or STALE code and drop or flag", () => {
  assert.deepEqual(Object.keys(QA_RULES).sort(), Object.values(QaRule).sort());
  for (const { code, action } of Object.values(QA_RULES)) {
    assert.ok(code === ReasonCode.DATA || code === ReasonCode.STALE);
    assert.ok(action === "drop" || action === "flag");
  }
  assert.equal(QA_RULES.stale.code, "STALE");
  assert.equal(QA_RULES.stream_stopped.code, "STALE");
  assert.equal(QA_RULES.gap.action, "flag");
  assert.equal(QA_RULES.out_of_order.action, "drop");
});

Deno.test("addQaFinding() counts by rule and code and cuts samples to maxSamples", () => {
  const r = emptyQaReport();
  addQaFinding(r, { rule: "gap", file: "a.csv", line: 3, text: "x".repeat(500) }, 1);
  addQaFinding(r, { rule: "stale", file: "a.csv", line: 4, text: "y" }, 1);
  assert.deepEqual(r.counts, { DATA: 1, STALE: 1 });
  assert.equal(r.byRule.gap, 1);
  assert.equal(r.byRule.stale, 1);
  assert.equal(r.samples.length, 1);
  assert.equal(r.samples[0].text.length, 160);
  assert.equal(qaFindings(r), 2);
});

Deno.test("mergeQaReports() sums every count and survives a JSON round trip", () => {
  const a = emptyQaReport();
  a.rowsRead = 10;
  a.rowsKept = 9;
  addQaFinding(a, { rule: "duplicate_ts", file: "a", line: 2, text: "" });
  const b = emptyQaReport();
  b.rowsRead = 5;
  b.rowsKept = 5;
  b.missingBars = 3;
  addQaFinding(b, { rule: "gap", file: "b", line: 7, text: "" });
  const m = mergeQaReports([a, b]);
  assert.deepEqual([m.rowsRead, m.rowsKept, m.missingBars], [15, 14, 3]);
  assert.deepEqual(m.counts, { DATA: 2, STALE: 0 });
  assert.deepEqual(m.samples.map((s) => s.file), ["a", "b"]);
  assert.deepEqual(QaReportSchema.parse(JSON.parse(JSON.stringify(m))), m);
  assert.deepEqual(mergeQaReports([]), emptyQaReport());
});
