import assert from "node:assert/strict";
import { runBands } from "../ops/_paper_bands.ts";
import { activeConfig } from "./_paper_support.ts";

const ROOT = new URL("..", import.meta.url);

async function task(script: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, `${script}: ${stderr}`);
  return stderr;
}

/**
 * Tolerance on each slippage quantile, bp. Backtest and paper run the same engine, book and
 * slippage model over the same bars with the same model, and a MARKET order is filled at once
 * against the same book in both (paper places it at the bar's end + 1 ms instead of the bar's
 * close time, before the next bar). The one input that differs: ccxt cannot send the decision's
 * confidence, so the simulated exchange server prices paper orders at its default confidence 0.5
 * where the backtest uses the decision's; the model's term `confidenceBp · (1 − conf)`
 * (`confidenceBp` = 1) therefore moves a paper fill by at most 0.5 bp, plus at most one tick of
 * the snap to the tick grid (0.01 on ≈2 600 USDT: 0.04 bp). 0.6 bp covers both, nothing more.
 */
const TOLERANCE_BP = 0.6;

for (const orderStyle of ["market", "limit"] as const) {
  Deno.test({
    name:
      `slippage bands of a paper run agree with a backtest's over the same market hour (${orderStyle} orders)`,
    // slow: a backtest and a paper run (about 8 s, training two flat models included)
    fn: async () => {
      const dir = await Deno.makeTempDir({ prefix: "shoal-bands-" });
      const config = await activeConfig({ orderStyle });
      try {
        const common = ["--kind", "hmm", "--config", config, "--store", `${dir}/store`];
        await task("ops/backtest.ts", [
          ...common,
          "--from",
          "2025-05-23T00:00Z",
          "--to",
          "2025-05-23T01:00Z",
          "--out",
          `${dir}/backtest`,
        ]);
        await task("ops/paper.ts", [
          ...common,
          "--ops-port",
          "0",
          "--speed",
          "max",
          "--from",
          "2025-05-23T00:00Z",
          "--duration",
          "60m",
          "--out",
          `${dir}/paper`,
        ]);
        const bt = await runBands(`${dir}/backtest`);
        const pp = await runBands(`${dir}/paper`);
        const summary = JSON.parse(await Deno.readTextFile(`${dir}/paper/summary.json`));
        assert.deepEqual(summary.paper.bands, pp, "summary.json carries the paper run's bands");
        const btModels = JSON.parse(await Deno.readTextFile(`${dir}/backtest/summary.json`)).models;
        assert.deepEqual(
          summary.models.map((m: { id: string }) => m.id),
          btModels.map((m: { id: string }) => m.id),
          "the same models",
        );
        assert.deepEqual(Object.keys(pp), Object.keys(bt));
        assert.ok(Object.keys(bt).length > 0, "the hour traded");
        if (orderStyle === "limit") {
          const limits = Object.values(bt).reduce((n, band) => n + band.limitOrders, 0);
          const filled = Object.values(bt).some((band) => (band.fillRatio ?? 0) > 0);
          assert.ok(limits > 0 && filled, `limit orders placed (${limits}) and some filled`);
        }
        for (const symbol of Object.keys(bt)) {
          const a = bt[symbol], b = pp[symbol];
          assert.equal(b.fills, a.fills, `${symbol} fills`);
          assert.equal(b.takerFills, a.takerFills, `${symbol} taker fills`);
          // A limit order placed at the end of a bar sees the next bar in both (the server stamps
          // it at that bar's open time, the backtest at the previous bar's close): same fills.
          assert.equal(b.limitOrders, a.limitOrders, `${symbol} limit orders`);
          assert.equal(b.fillRatio, a.fillRatio, `${symbol} limit fill ratio`);
          for (const q of ["p5", "p50", "p95"] as const) {
            const x = a.slippageBp[q], y = b.slippageBp[q];
            assert.ok(x !== null && y !== null, `${symbol} ${q} exists`);
            assert.ok(
              Math.abs(x - y) <= TOLERANCE_BP,
              `${symbol} slippage ${q}: backtest ${x} bp, paper ${y} bp`,
            );
          }
        }
      } finally {
        await Deno.remove(dir, { recursive: true });
        await Deno.remove(config);
      }
    },
  });
}
