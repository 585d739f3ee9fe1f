import assert from "node:assert/strict";
import { emptyQaReport } from "./qa_report.ts";
import {
  encodeRunSummary,
  type RunInfo,
  runSummary,
  RunSummarySchema,
  type RunTally,
} from "./run_summary.ts";

const info: RunInfo = {
  runId: "bt-0123456789ab",
  mode: "backtest",
  venue: "sim",
  symbols: ["BTCUSDT", "ETHUSDT"],
  dataset: "cluster",
  seed: 42,
  configHash: "c".repeat(64),
  dataHash: `sha256:${"d".repeat(64)}`,
  span: { from: Date.UTC(2026, 2, 24), to: Date.UTC(2026, 2, 27) },
  split: {
    trainFrom: Date.UTC(2026, 2, 23),
    trainTo: Date.UTC(2026, 2, 26),
    tradeFrom: Date.UTC(2026, 2, 26),
    tradeTo: Date.UTC(2026, 2, 27),
  },
  models: [{
    symbol: "BTCUSDT",
    id: "hmm-0123456789ab",
    kind: "hmm",
    trainFrom: Date.UTC(2026, 2, 23),
    trainTo: Date.UTC(2026, 2, 26),
  }],
  dataQa: { ...emptyQaReport(), rowsRead: 10, rowsKept: 9 },
  startingEquityQuote: 10_000,
  quoteAsset: "USDT",
  chaos: null,
};

const tally: RunTally = {
  events: 100,
  warmupBars: 60,
  decisions: 40,
  rejectedBars: 0,
  intents: 3,
  guardBlockedBars: { SPREAD: 2, CONF: 5 },
  orders: 2,
  orderRows: { NEW: 2, FILLED: 1, CANCELED: 1 },
  rejects: {},
  fills: 1,
  makerFills: 1,
  takerFills: 0,
  feesByAsset: { BTC: "0.00001" },
  feesQuote: 1,
  guardRows: { block: { CORR: 1, COOLDOWN: 2 }, scale: {}, cancel: {}, total: 3 },
  equityRows: 40,
  finalEquity: 9_950,
  peakEquity: 10_010,
  maxDrawdown: 0.006,
  firstDecision: { BTCUSDT: Date.UTC(2026, 2, 26, 0, 0, 59, 999) },
  restarts: 0,
};

Deno.test("runSummary() gives pnl from equity, ISO times and counts sorted by key", () => {
  const s = runSummary(info, tally);
  assert.deepEqual(s.pnl, {
    startingEquity: 10_000,
    finalEquity: 9_950,
    quote: -50,
    returnFraction: -0.005,
  });
  assert.equal(s.split.tradeFrom, "2026-03-26T00:00:00.000Z");
  assert.equal(s.models[0].firstDecision, "2026-03-26T00:00:59.999Z");
  assert.deepEqual(Object.keys(s.counts.guardBlocks), ["COOLDOWN", "CORR"]);
  assert.deepEqual(Object.keys(s.counts.guardBlockedBars), ["CONF", "SPREAD"]);
  assert.deepEqual(s.counts.dataQa.byRule, {}, "rules without findings are left out");
  assert.ok(RunSummarySchema.safeParse(s).success);
});

Deno.test("encodeRunSummary() is stable and differs between a clean and a chaos run only in restarts and chaos", () => {
  const clean = encodeRunSummary(runSummary(info, tally));
  assert.equal(clean, encodeRunSummary(runSummary(structuredClone(info), structuredClone(tally))));
  const chaos = encodeRunSummary(
    runSummary({ ...info, chaos: { crashRate: 0.01, seed: 42 } }, { ...tally, restarts: 4 }),
  );
  const a = JSON.parse(clean), b = JSON.parse(chaos);
  assert.deepEqual([a.restarts, a.chaos, b.restarts, b.chaos], [0, null, 4, {
    crashRate: 0.01,
    seed: 42,
  }]);
  for (const o of [a, b]) {
    delete o.restarts;
    delete o.chaos;
  }
  assert.deepEqual(a, b);
  assert.ok(clean.endsWith("}\n"));
});
