// Slow test (a few seconds; the first run on a machine may install Debian `prometheus`, ~30 s):
// promtool lints /metrics, then a real Prometheus on 127.0.0.1 scrapes the ops server and
// answers every query of the Grafana dashboard with data.
import assert from "node:assert/strict";
import { fillSampleMetrics } from "../ops/_sample_metrics.ts";
import { createStubOpsDeps } from "../ops/_stub_ops_deps.ts";
import { startOpsServer } from "../ops/ops_server.ts";
import { ensureSystemTool, reportSkip } from "./_ops_system_tools.ts";

const SYMBOLS = ["BTCUSDT", "ETHUSDT"];
const promtool = await ensureSystemTool("promtool", "prometheus");
const prometheus = await ensureSystemTool("prometheus", "prometheus");
const skipPromtool = reportSkip(promtool, "promtool checks");
const skipPrometheus = reportSkip(prometheus, "the Prometheus scrape test");

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Calls `probe` until it returns a value other than undefined, or fails after `ms`. */
async function poll<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}: last error ${last}`);
}

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
      const child = new Deno.Command("path" in promtool ? promtool.path : "promtool", {
        args: ["check", "metrics"],
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode(text));
      await writer.close();
      const out = await child.output();
      const report = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, `promtool: ${report}`);
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
    const dir = await Deno.makeTempDir({ prefix: "shoal-prometheus-" });
    const port = freePort();
    await Deno.writeTextFile(
      `${dir}/prometheus.yml`,
      [
        "global:",
        "  scrape_interval: 1s",
        "  evaluation_interval: 1s",
        "scrape_configs:",
        "  - job_name: shoal",
        "    static_configs:",
        `      - targets: ["127.0.0.1:${server.port}"]`,
        "",
      ].join("\n"),
    );
    const child = new Deno.Command("path" in prometheus ? prometheus.path : "prometheus", {
      args: [
        `--config.file=${dir}/prometheus.yml`,
        `--storage.tsdb.path=${dir}/data`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--log.level=warn",
      ],
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const stderr = new Response(child.stderr).text();
    const api = `http://127.0.0.1:${port}/api/v1`;
    const query = async (expr: string) => {
      const res = await fetch(`${api}/query?query=${encodeURIComponent(expr)}`);
      const body = await res.json();
      assert.equal(body.status, "success", `${expr}: ${JSON.stringify(body)}`);
      return body.data.result as Array<{ metric: Record<string, string>; value: [number, string] }>;
    };
    try {
      const target = await poll("the scrape target to be up", 30_000, async () => {
        const res = await fetch(`${api}/targets`);
        const body = await res.json();
        const active = body.data.activeTargets as Array<{ health: string; lastError: string }>;
        return active.length === 1 && active[0].health === "up" ? active[0] : undefined;
      });
      assert.equal(target.lastError, "");
      const equity = await query("shoal_equity_quote");
      assert.equal(equity.length, 1);
      assert.equal(equity[0].value[1], "10250.5");
      assert.equal(equity[0].metric.job, "shoal");

      // Every dashboard query answers with at least one series once two scrapes are stored.
      const dashboard = JSON.parse(
        await Deno.readTextFile(new URL("../dashboards/shoal.json", import.meta.url)),
      );
      const exprs: string[] = dashboard.panels.flatMap((p: { targets?: Array<{ expr: string }> }) =>
        (p.targets ?? []).map((t) => t.expr)
      );
      const concrete = (expr: string) =>
        expr.replaceAll("$__rate_interval", "1m").replaceAll("$__range", "5m")
          .replaceAll("$symbol", ".*");
      for (const expr of exprs) {
        await poll(`data for ${expr}`, 15_000, async () => {
          const result = await query(concrete(expr));
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
      child.kill("SIGTERM");
      const status = await child.status;
      const log = await stderr;
      await close();
      await Deno.remove(dir, { recursive: true });
      assert.ok(status.signal === "SIGTERM" || status.code === 0, `prometheus: ${log}`);
    }
  },
});
