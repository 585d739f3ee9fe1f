// Test helper: a real Prometheus on 127.0.0.1 scraping one target every second.
import assert from "node:assert/strict";
import { poll } from "./_poll.ts";

/** A running Prometheus and its query API. */
export interface PrometheusServer {
  /** Instant query; asserts the API answered `success`. */
  query(expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  /** Waits until the target is up; returns its last scrape error ("" when none). */
  targetUp(ms?: number): Promise<string>;
  /** Stops Prometheus (SIGTERM), asserts it ended cleanly and removes its data. */
  close(): Promise<void>;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Starts `binary` scraping `127.0.0.1:<targetPort>/metrics` every second (job `shoal`). */
export async function startPrometheus(
  binary: string,
  targetPort: number,
): Promise<PrometheusServer> {
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
      `      - targets: ["127.0.0.1:${targetPort}"]`,
      "",
    ].join("\n"),
  );
  const child = new Deno.Command(binary, {
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
  return {
    async query(expr) {
      const res = await fetch(`${api}/query?query=${encodeURIComponent(expr)}`);
      const body = await res.json();
      assert.equal(body.status, "success", `${expr}: ${JSON.stringify(body)}`);
      return body.data.result;
    },
    async targetUp(ms = 30_000) {
      const target = await poll("the scrape target to be up", ms, async () => {
        const res = await fetch(`${api}/targets`);
        const body = await res.json();
        const active = body.data.activeTargets as Array<{ health: string; lastError: string }>;
        return active.length === 1 && active[0].health === "up" ? active[0] : undefined;
      });
      return target.lastError;
    },
    async close() {
      child.kill("SIGTERM");
      const status = await child.status;
      const log = await stderr;
      await Deno.remove(dir, { recursive: true });
      assert.ok(status.signal === "SIGTERM" || status.code === 0, `prometheus: ${log}`);
    },
  };
}

/** Every query of the Grafana dashboard, with its variables filled in for a direct query. */
export async function dashboardQueries(): Promise<string[]> {
  const dashboard = JSON.parse(
    await Deno.readTextFile(new URL("../dashboards/shoal.json", import.meta.url)),
  );
  const exprs: string[] = dashboard.panels.flatMap((p: { targets?: Array<{ expr: string }> }) =>
    (p.targets ?? []).map((t) => t.expr)
  );
  return exprs.map((expr) =>
    expr.replaceAll("$__rate_interval", "1m").replaceAll("$__range", "5m")
      .replaceAll("$symbol", ".*")
  );
}

/** Runs `promtool check metrics` on `text`; returns its exit code and report. */
export async function promtoolCheck(
  binary: string,
  text: string,
): Promise<{ code: number; report: string }> {
  const child = new Deno.Command(binary, {
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
  return { code: out.code, report };
}
