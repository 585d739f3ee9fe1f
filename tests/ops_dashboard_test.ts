import assert from "node:assert/strict";
import { exposedSampleNames, fillSampleMetrics } from "../ops/_sample_metrics.ts";
import { ShoalMetrics } from "../ops/metrics.ts";

interface Target {
  expr: string;
  datasource: { type: string; uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: Target[];
  gridPos: { h: number; w: number; x: number; y: number };
}
interface Dashboard {
  __inputs: Array<{ name: string; type: string; pluginId: string }>;
  panels: Panel[];
  templating: { list: Array<{ query: { query: string }; datasource: { uid: string } }> };
  uid: string;
  title: string;
}

const dashboard: Dashboard = JSON.parse(
  await Deno.readTextFile(new URL("../dashboards/shoal.json", import.meta.url)),
);
const DS = "${DS_PROMETHEUS}";
const SYMBOLS = ["BTCUSDT", "ETHUSDT"];

/** Metric names a PromQL expression reads (identifiers starting with shoal_). */
function metricNames(expr: string): string[] {
  return [...expr.matchAll(/\b(shoal_[a-zA-Z0-9_:]*)/g)].map((m) => m[1]);
}

function queries(): Array<{ where: string; expr: string }> {
  const out: Array<{ where: string; expr: string }> = [];
  for (const panel of dashboard.panels) {
    for (const target of panel.targets ?? []) out.push({ where: panel.title, expr: target.expr });
  }
  for (const variable of dashboard.templating.list) {
    out.push({ where: "variable", expr: variable.query.query });
  }
  return out;
}

Deno.test("dashboards/shoal.json declares DS_PROMETHEUS as an input and every query uses it", () => {
  assert.deepEqual(
    dashboard.__inputs.map((i) => [i.name, i.type, i.pluginId]),
    [["DS_PROMETHEUS", "datasource", "prometheus"]],
  );
  for (const panel of dashboard.panels) {
    if (panel.type === "row") continue;
    assert.equal(panel.datasource?.uid, DS, panel.title);
    assert.ok((panel.targets ?? []).length > 0, `${panel.title} has no query`);
    for (const target of panel.targets!) assert.equal(target.datasource.uid, DS, panel.title);
  }
  for (const variable of dashboard.templating.list) assert.equal(variable.datasource.uid, DS);
  const text = JSON.stringify(dashboard);
  assert.ok(!/"uid":\s*"(?!\$\{DS_PROMETHEUS\}|shoal-overview)[^"]*"/.test(text));
});

Deno.test("dashboards/shoal.json has unique panel ids and panels that do not overlap", () => {
  const ids = dashboard.panels.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length);
  const cells = new Set<string>();
  for (const { gridPos, title } of dashboard.panels) {
    assert.ok(gridPos.x >= 0 && gridPos.x + gridPos.w <= 24, title);
    for (let y = gridPos.y; y < gridPos.y + gridPos.h; y++) {
      for (let x = gridPos.x; x < gridPos.x + gridPos.w; x++) {
        const cell = `${x},${y}`;
        assert.ok(!cells.has(cell), `${title} overlaps another panel at ${cell}`);
        cells.add(cell);
      }
    }
  }
});

Deno.test("dashboards/shoal.json has the rows the issue asks for", () => {
  const rows = dashboard.panels.filter((p) => p.type === "row").map((p) => p.title);
  assert.deepEqual(rows, [
    "Pipeline health",
    "Decisions and guard reasons",
    "PnL, equity and drawdown",
    "HMM states (M13)",
    "Intent and transition drift (M13.1)",
    "Exchange health and data QA",
  ]);
  const titles = dashboard.panels.map((p) => p.title);
  assert.ok(titles.includes("Macro HMM state"));
  assert.ok(titles.includes("Macro state histogram (bars in range)"));
  assert.ok(titles.includes("Transition KL divergence (nats)"));
});

Deno.test("every metric a dashboards/shoal.json query reads exists in /metrics", async () => {
  const metrics = new ShoalMetrics({ symbols: SYMBOLS, actors: ["feed", "execution"] });
  fillSampleMetrics(metrics, SYMBOLS);
  const exposed = exposedSampleNames(await metrics.render());
  const used = new Set<string>();
  for (const { where, expr } of queries()) {
    const names = metricNames(expr);
    assert.ok(names.length > 0, `${where}: ${expr} reads no shoal_ metric`);
    for (const name of names) {
      assert.ok(exposed.has(name), `${where}: ${name} is not in /metrics`);
      used.add(name);
    }
  }
  assert.ok(used.size >= 30, `only ${used.size} metrics used`);
});

Deno.test("dashboards/shoal.json reads every shoal_ metric the registry defines", async () => {
  const metrics = new ShoalMetrics();
  const defined = (await metrics.registry.getMetricsAsJSON()).map((m) => m.name);
  const read = new Set(queries().flatMap(({ expr }) => metricNames(expr)));
  const unread = defined.filter((name) =>
    !read.has(name) && !read.has(`${name}_bucket`) && !read.has(`${name}_sum`)
  );
  assert.deepEqual(unread, ["shoal_run_info"]);
});
