/**
 * The kill switch through the trading loop's control, in a backtest (deterministic): a kill asked
 * for after a market batch is applied at the start of the next one — the open orders cancelled
 * (reason `kill`), one `cancel` row with reason KILL per symbol in guardrails.csv, no order placed
 * while killed, every portfolio block meanwhile for KILL — and a resume lets orders out again.
 */
import assert from "node:assert/strict";
import type { TradingLoopControl } from "../actors/trading_loop_control.ts";
import { formatTs } from "../data/csv_format.ts";
import { parseBacktestFlags } from "../ops/_backtest_flags.ts";
import { runBacktest } from "../ops/_backtest_run.ts";
import { clusterBacktestArgs, configFile, readCsv, storeWithModels } from "./_backtest_support.ts";

const SYMBOLS = ["BTCUSDT", "ETHUSDT"];

Deno.test("a kill cancels the open orders at the next batch, blocks every order with KILL until resume", async () => {
  const store = await storeWithModels(SYMBOLS);
  const out = await Deno.makeTempDir({ prefix: "shoal-kill-" });
  // orders rest at the session VWAP for up to 3 hours, so one is open when the kill comes
  const config = await configFile({
    symbols: { BTCUSDT: { vwapBandBp: 0.5 }, ETHUSDT: { vwapBandBp: 0.5 } },
    execution: { limitTtlMs: 10_800_000 },
  });
  const flags = parseBacktestFlags(clusterBacktestArgs(store.dir, config, out));
  let control: TradingLoopControl | null = null;
  let killAskedAt: number | null = null, resumeAskedAt: number | null = null;
  const { dir, summary } = await runBacktest(flags, {
    log: () => {},
    onControl: (c) => (control = c),
    observer: {
      execution: (report) => {
        // kill as soon as the first order is placed
        if (killAskedAt !== null) return;
        const placed = report.events.find((e) => e.type === "order.updated" && e.status === "NEW");
        if (placed === undefined) return;
        killAskedAt = placed.ts;
        assert.deepEqual(control!.requestKill("test"), {
          active: true,
          reason: "test",
          since: control!.eventTs,
        });
      },
      progress: (p) => {
        // resume 8 market hours after the kill
        if (killAskedAt !== null && resumeAskedAt === null && p.ts >= killAskedAt + 8 * 3_600_000) {
          resumeAskedAt = p.ts;
          assert.deepEqual(control!.requestResume(), { active: false });
        }
      },
    },
  });
  assert.ok(killAskedAt !== null && resumeAskedAt !== null, "the run was long enough");
  // applied at the loop's next drain point (the next minute it acts on), before any evaluation
  const asked = formatTs(killAskedAt!), R = formatTs(resumeAskedAt!);
  const guards = await readCsv(`${dir}/guardrails.csv`);
  const g = (name: string) => guards.header.indexOf(name);
  const killRows = guards.rows.filter((r) => r[g("action")] === "cancel");
  const K = killRows[0]?.[g("ts")];
  assert.ok(K !== undefined && K >= asked && K < R, `kill applied at ${K}, asked at ${asked}`);
  assert.deepEqual(killRows.map((r) => [r[g("ts")], r[g("symbol")], r[g("reasons")]]), [
    [K, "BTCUSDT", "KILL"],
    [K, "ETHUSDT", "KILL"],
  ]);
  const orders = await readCsv(`${dir}/orders.csv`);
  const o = (name: string) => orders.header.indexOf(name);
  const killed = orders.rows.filter((r) => r[o("reason")] === "kill");
  assert.equal(
    killed.length,
    killRows.reduce((n, r) => n + Number(r[g("value")]), 0),
    "the cancel rows count the orders cancelled",
  );
  assert.ok(killed.length > 0, "an order was resting and the kill cancelled it");
  for (const r of killed) {
    assert.equal(r[o("ts")], K);
    assert.equal(r[o("status")], "CANCELED");
  }
  const placedWhileKilled = orders.rows.filter((r) =>
    r[o("status")] === "NEW" && r[o("ts")] > asked && r[o("ts")] < R
  );
  assert.deepEqual(placedWhileKilled, [], "no order while killed");
  const blocksWhileKilled = guards.rows.filter((r) =>
    r[g("action")] === "block" && r[g("ts")] > K && r[g("ts")] <= R &&
    guards.header.includes("reasons")
  ).filter((r) => !r[g("reasons")].split("|").includes("DATA"));
  const portfolioBlocks = blocksWhileKilled.filter((r) => r[g("reasons")].includes("KILL"));
  assert.ok(portfolioBlocks.length > 0, "intents while killed were blocked with KILL");
  assert.ok(
    orders.rows.some((r) => r[o("status")] === "NEW" && r[o("ts")] >= R),
    "orders again after the resume (the standing intents are evaluated again)",
  );
  assert.equal(summary.counts.guardBlocks.KILL, portfolioBlocks.length);
  assert.deepEqual(summary.counts.guardCancels, { KILL: 2 });
});
