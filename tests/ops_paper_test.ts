// Slow test (about a minute; the first run on a machine may install Debian `prometheus` and
// `chromium`): `deno task paper` with its ops server, as an operator uses it. While the run
// trades: the error statuses and the bearer token, `promtool check metrics`, a real Prometheus
// scraping it with data for every dashboard query, the live page in headless Chromium drawing
// from `/ws`, a kill (cancel rows with KILL in guardrails.csv, no order while killed, `/status`)
// and a resume.
import assert from "node:assert/strict";
import { readCsv } from "./_backtest_support.ts";
import { openHeadlessPage, pageErrors } from "./_headless_page.ts";
import { ensureSystemTool, reportSkip } from "./_ops_system_tools.ts";
import { activeConfig, decidedAt, spawnPaper } from "./_paper_support.ts";
import { poll } from "./_poll.ts";
import { dashboardQueries, promtoolCheck, startPrometheus } from "./_prometheus_server.ts";

const promtool = await ensureSystemTool("promtool", "prometheus");
const prometheus = await ensureSystemTool("prometheus", "prometheus");
const chromium = await ensureSystemTool("chromium", "chromium");
const skip = reportSkip(promtool, "the paper ops test") ||
  reportSkip(prometheus, "the paper ops test") ||
  reportSkip(chromium, "the paper ops test");

const TOKEN = "paper-ops-test-token-0123456789abcdef";
const CHARTS = `JSON.stringify(Object.fromEntries([...document.querySelectorAll(".chart")]
  .map((e) => [e.id, Number(e.dataset.points)])))`;

Deno.test({
  name:
    "deno task paper serves ops: statuses, promtool, Prometheus, the live page, kill and resume",
  ignore: skip,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "shoal-paper-ops-" });
    const out = `${dir}/run`;
    const paper = spawnPaper([
      "--from",
      "2025-05-23T00:00Z",
      "--speed",
      "60",
      "--duration",
      "40m",
      "--kind",
      "hmm",
      "--config",
      await activeConfig(),
      "--store",
      `${dir}/store`,
      "--out",
      out,
    ], TOKEN);
    let prom: Awaited<ReturnType<typeof startPrometheus>> | null = null;
    let page: Awaited<ReturnType<typeof openHeadlessPage>> | null = null;
    try {
      const url = await paper.opsUrl();
      const auth = { authorization: `Bearer ${TOKEN}` };
      const post = (path: string, body: string, headers: Record<string, string> = auth) =>
        fetch(`${url}${path}`, { method: "POST", headers, body });
      const answer = async (res: Response) => ({ status: res.status, body: await res.json() });

      // errors: unknown path, wrong method, missing and wrong token, bad bodies
      assert.equal((await answer(await fetch(`${url}/nope`))).status, 404);
      const wrongMethod = await fetch(`${url}/kill`);
      assert.equal(wrongMethod.status, 405);
      assert.equal(wrongMethod.headers.get("allow"), "POST");
      await wrongMethod.body?.cancel();
      assert.equal((await answer(await post("/kill", "{}", {}))).status, 401);
      assert.equal(
        (await answer(await post("/kill", "{}", { authorization: "Bearer not-the-token" }))).status,
        401,
      );
      assert.deepEqual((await answer(await post("/kill", "{oops"))).status, 400);
      assert.equal((await answer(await post("/kill", "{oops"))).body.field, "body");
      assert.deepEqual((await answer(await post("/kill", '{"nope":1}'))).body.field, "nope");
      assert.deepEqual(
        (await answer(await post("/retrain", '{"symbol":"XRPUSDT"}'))).body.field,
        "symbol",
      );

      // the run trades: wait for a fill in /status (a position)
      const status = async () => await (await fetch(`${url}/status`)).json();
      // the server is up before the actors: their health shows once the loop runs
      const first = await poll("the actors in /status", 60_000, async () => {
        const s = await status();
        return s.actors.length > 0 ? s : undefined;
      });
      assert.equal(first.mode, "paper");
      assert.deepEqual(first.symbols, ["BTCUSDT", "ETHUSDT"]);
      assert.equal(first.kill.active, false);
      assert.deepEqual(first.actors.map((a: { id: string }) => a.id), [
        "symbol.BTCUSDT",
        "symbol.ETHUSDT",
        "portfolio-risk",
        "execution",
        "recorder",
      ]);
      prom = await startPrometheus(
        "path" in prometheus ? prometheus.path : "prometheus",
        Number(new URL(url).port),
      );
      page = await openHeadlessPage("path" in chromium ? chromium.path : "chromium");
      await page.cdp.send("Page.navigate", { url: `${url}/` });
      await poll("a position", 90_000, async () => {
        const s = await status();
        return s.positions.some((p: { qty: number }) => p.qty > 0) ? s : undefined;
      });

      // promtool on a scrape taken while trading
      const text = await (await fetch(`${url}/metrics`)).text();
      const lint = await promtoolCheck("path" in promtool ? promtool.path : "promtool", text);
      assert.equal(lint.code, 0, `promtool: ${lint.report}`);
      assert.equal(lint.report.trim(), "");
      assert.match(text, /shoal_fills_total\{symbol="[A-Z]+",side="buy",liquidity="taker"\} [1-9]/);
      assert.match(text, /shoal_events_processed_total\{actor="symbol.BTCUSDT"\} [1-9]/);

      // the kill: 200, /status shows it, guardrails.csv gets a cancel row per symbol
      const killed = await answer(await post("/kill", '{"reason":"paper ops test"}'));
      assert.equal(killed.status, 200);
      assert.equal(killed.body.kill.active, true);
      assert.equal(killed.body.kill.reason, "paper ops test");
      assert.equal((await status()).kill.active, true);
      const killRows = await poll("the KILL rows in guardrails.csv", 30_000, async () => {
        const csv = await (await fetch(`${url}/runs/current/guardrails.csv`)).text();
        const rows = csv.trim().split("\n").filter((l) => l.includes(",cancel,KILL,"));
        return rows.length === 2 ? rows : undefined;
      });
      const K = killRows[0].split(",")[0];
      assert.deepEqual(killRows.map((r) => r.split(",").slice(0, 4)), [
        [K, "BTCUSDT", "cancel", "KILL"],
        [K, "ETHUSDT", "cancel", "KILL"],
      ]);

      // Prometheus: up, the kill switch scraped, data for every dashboard query
      assert.equal(await prom.targetUp(), "");
      await poll("shoal_kill_switch_active 1 in Prometheus", 20_000, async () => {
        const r = await prom!.query("shoal_kill_switch_active");
        return r[0]?.value[1] === "1" ? true : undefined;
      });
      for (const expr of await dashboardQueries()) {
        await poll(`data for ${expr}`, 20_000, async () => {
          const r = await prom!.query(expr);
          return r.length > 0 ? r : undefined;
        });
      }

      // the live page: every chart has points from /ws, the kill pill shows the kill
      const cdp = page.cdp;
      const points = await poll("points in every chart", 30_000, async () => {
        const p = JSON.parse(String(await cdp.evaluate(CHARTS)));
        return Object.values(p).every((n) => (n as number) > 0) ? p : undefined;
      });
      assert.deepEqual(Object.keys(points).sort(), [
        "chart-drift",
        "chart-equity",
        "chart-guards",
        "chart-positions",
        "chart-states",
      ]);
      const pill = await poll("the kill pill", 10_000, async () => {
        const text = String(await cdp.evaluate(`document.getElementById("kill").textContent`));
        return text.startsWith("KILLED") ? text : undefined;
      });
      assert.equal(pill, "KILLED: paper ops test");
      assert.deepEqual(pageErrors(cdp), [], "the page logged errors");

      // resume: applied at the start of the next batch, stamped with the last traded minute (asOf)
      const resumeAsked = (await status()).asOf;
      const resumed = await answer(await post("/resume", ""));
      assert.deepEqual(resumed, { status: 200, body: { kill: { active: false } } });

      const done = await paper.done();
      assert.equal(done.status.code, 0, done.stderr);
      assert.equal(done.stdout.trim(), out);
      assert.ok(!done.stderr.includes(TOKEN), "the token is never printed");
      const orders = await readCsv(`${out}/orders.csv`);
      const o = (name: string) => orders.header.indexOf(name);
      const iso = new Date(resumeAsked).toISOString();
      const whileKilled = orders.rows.filter((r) =>
        r[o("status")] === "NEW" && decidedAt(r, orders.header) > K &&
        decidedAt(r, orders.header) < iso
      );
      assert.deepEqual(whileKilled, [], `no order between the kill (${K}) and the resume (${iso})`);
      const summary = JSON.parse(await Deno.readTextFile(`${out}/summary.json`));
      assert.deepEqual(summary.counts.guardCancels, { KILL: 2 });
    } finally {
      await page?.close();
      await prom?.close();
      await paper.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
