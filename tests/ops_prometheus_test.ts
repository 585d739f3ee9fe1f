// Slow test (a few seconds; the first run on a machine may install Debian `prometheus`, ~30 s):
// promtool lints /metrics, then a real Prometheus on 127.0.0.1 scrapes the ops server and
// answers every query of the Grafana dashboard with data.
import assert from "node:assert/strict";
import { fillSampleMetrics } from "../ops/_sample_metrics.ts";
import { createStubOpsDeps } from "../ops/_stub_ops_deps.ts";
import { startOpsServer } from "../ops/ops_server.ts";
import { ensureSystemTool, reportSkip } from "./_ops_system_tools.ts";
import { poll } from "./_poll.ts";
import { dashboardQueries, promtoolCheck, startPrometheus } from "./_prometheus_server.ts";

const SYMBOLS = ["BTCUSDT", "ETHUSDT"];
const promtool = await ensureSystemTool("promtool", "prometheus");
const prometheus = await ensureSystemTool("prometheus", "prometheus");
const skipPromtool = reportSkip(promtool, "promtool checks");
const skipPrometheus = reportSkip(prometheus, "the Prometheus scrape test");

async function sampleServer() {
  const runDir = await Deno.makeTempDir({ prefix: "shoal-ops-prom-" });
  const deps = createStubOpsDeps(runDir, { symbols: SYMBOLS });
  fillSampleMetrics(deps.metrics, SYMBOLS);
  const server = await startOpsServer(deps, { port: 0, log: () => {} });
  return {
    deps,
    server,
    async close() {
      await server.shutdown();
      await Deno.remove(runDir, { recursive: true });
    },
  };
}

Deno.test({
  name: "GET /metrics passes promtool check metrics with every metric filled",
  ignore: skipPromtool,
  async fn() {
    const { server, close } = await sampleServer();
    try {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      const { code, report } = await promtoolCheck(
        "path" in promtool ? promtool.path : "promtool",
        text,
      );
      assert.equal(code, 0, `promtool: ${report}`);
      assert.equal(report.trim(), "");
    } finally {
      await close();
    }
  },
});

Deno.test({
  name: "a real Prometheus scrapes /metrics and has data for every dashboard query",
  ignore: skipPrometheus,
  async fn() {
    const { deps, server, close } = await sampleServer();
    const prom = await startPrometheus(
      "path" in prometheus ? prometheus.path : "prometheus",
      server.port,
    );
    const query = prom.query;
    try {
      assert.equal(await prom.targetUp(), "");
      const equity = await query("shoal_equity_quote");
      assert.equal(equity.length, 1);
      assert.equal(equity[0].value[1], "10250.5");
      assert.equal(equity[0].metric.job, "shoal");

      // Every dashboard query answers with at least one series once two scrapes are stored.
      for (const expr of await dashboardQueries()) {
        await poll(`data for ${expr}`, 15_000, async () => {
          const result = await query(expr);
          return result.length > 0 ? result : undefined;
        });
      }

      // A kill through the server shows in the scraped kill switch gauge.
      const killed = await fetch(`${server.url}/kill`, {
        method: "POST",
        headers: { authorization: `Bearer ${deps.token}` },
        body: '{"reason":"prometheus test"}',
      });
      assert.equal(killed.status, 200);
      await killed.body?.cancel();
      await poll("shoal_kill_switch_active to be 1", 15_000, async () => {
        const result = await query("shoal_kill_switch_active");
        return result[0]?.value[1] === "1" ? true : undefined;
      });
    } finally {
      await prom.close();
      await close();
    }
  },
});
