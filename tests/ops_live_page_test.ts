// Slow test (a few seconds; the first run on a machine may install Debian `chromium`): opens the
// live page in headless Chromium, driven over the DevTools protocol with Deno's WebSocket, and
// checks that every chart received the published updates and that the kill button works.
import assert from "node:assert/strict";
import { createStubOpsDeps } from "../ops/_stub_ops_deps.ts";
import type { LiveUpdate } from "../ops/live_update.ts";
import { startOpsServer } from "../ops/ops_server.ts";
import { openHeadlessPage, pageErrors } from "./_headless_page.ts";
import { ensureSystemTool, reportSkip } from "./_ops_system_tools.ts";
import { poll } from "./_poll.ts";

const chromium = await ensureSystemTool("chromium", "chromium");
const skip = reportSkip(chromium, "the live page test");

const SYMBOLS = ["BTCUSDT", "ETHUSDT"];

function updatesAt(ts: number): LiveUpdate[] {
  const out: LiveUpdate[] = [{
    type: "equity",
    ts,
    equity: 10_000 + ts,
    cash: 9_000,
    drawdown: 0.01,
    grossExposure: 1_000,
    netExposure: 1_000,
    positions: SYMBOLS.map((symbol, i) => ({ symbol, qty: 0.1, value: 500 + i + ts })),
  }];
  for (const symbol of SYMBOLS) {
    out.push({
      type: "state",
      ts,
      symbol,
      modelVersion: "v1",
      state: ts % 3,
      macroState: ts % 2,
      posteriors: [0.25, 0.25, 0.5],
    });
    out.push({ type: "drift", ts, symbol, klNats: 0.01 * ts, drift: false });
    out.push({
      type: "decision",
      ts,
      symbol,
      modelVersion: "v1",
      action: "buy",
      targetQuote: 100,
      conf: 0.8,
      edge: 1.2,
    });
  }
  return out;
}

const CHARTS = `JSON.stringify(Object.fromEntries([...document.querySelectorAll(".chart")]
  .map((e) => [e.id, Number(e.dataset.points)])))`;

Deno.test({
  name: "the live page at GET / draws every chart from /ws updates, backlog and live",
  ignore: skip,
  async fn() {
    const runDir = await Deno.makeTempDir({ prefix: "shoal-ops-page-" });
    const deps = createStubOpsDeps(runDir, { symbols: SYMBOLS });
    const server = await startOpsServer(deps, { port: 0, log: () => {} });
    const minute = 60_000;
    const t0 = Date.UTC(2024, 0, 1);
    for (let i = 1; i <= 3; i++) for (const u of updatesAt(t0 + i * minute)) deps.hub.publish(u);
    const guard = (ts: number, reasons: Array<"SPREAD" | "VOL" | "DD" | "KILL">): LiveUpdate => ({
      type: "guard",
      ts,
      symbol: "BTCUSDT",
      action: "block",
      reasons,
      detail: "test=1",
    });
    deps.hub.publish(guard(t0 + 3 * minute, ["SPREAD"]));
    deps.hub.publish(guard(t0 + 3 * minute, ["VOL", "DD"]));

    const browser = await openHeadlessPage("path" in chromium ? chromium.path : "chromium");
    const cdp = browser.cdp;
    try {
      await cdp.send("Page.navigate", { url: `${server.url}/` });

      // The backlog: 3 minutes of updates and 2 guard blocks (3 reasons).
      const page = cdp;
      await poll(
        "the page to connect",
        15_000,
        () => Promise.resolve(deps.hub.clientCount === 1 || undefined),
      );
      const backlog = await poll("the backlog in every chart", 15_000, async () => {
        const points = JSON.parse(String(await page.evaluate(CHARTS)));
        return points["chart-equity"] === 3 && points["chart-drift"] === 3 ? points : undefined;
      });
      assert.deepEqual(backlog, {
        "chart-equity": 3,
        "chart-positions": 3,
        "chart-states": 3,
        "chart-guards": 3,
        "chart-drift": 3,
      });

      // Live: 2 more minutes, one more block; the charts follow.
      for (let i = 4; i <= 5; i++) for (const u of updatesAt(t0 + i * minute)) deps.hub.publish(u);
      deps.hub.publish(guard(t0 + 5 * minute, ["KILL"]));
      const live = await poll("live updates in every chart", 15_000, async () => {
        const points = JSON.parse(String(await page.evaluate(CHARTS)));
        return points["chart-guards"] === 4 && points["chart-equity"] === 5 ? points : undefined;
      });
      assert.deepEqual(live, {
        "chart-equity": 5,
        "chart-positions": 5,
        "chart-states": 5,
        "chart-guards": 4,
        "chart-drift": 5,
      });
      const canvases = await page.evaluate(
        `[...document.querySelectorAll(".chart canvas")].filter((c) => c.width > 0).length`,
      );
      assert.equal(canvases, 5);
      assert.equal(await page.evaluate(`document.getElementById("demo-banner").hidden`), true);
      assert.equal(await page.evaluate(`document.getElementById("events").rows.length`), 13);

      // The kill button posts /kill with the token typed in, and the pill shows the kill.
      await page.evaluate(`document.getElementById("token").value = ${JSON.stringify(deps.token)};
        document.getElementById("kill-reason").value = "from the page";
        document.getElementById("kill-button").click()`);
      const pill = await poll("the kill pill", 10_000, async () => {
        const text = String(await page.evaluate(`document.getElementById("kill").textContent`));
        return text.startsWith("KILLED") ? text : undefined;
      });
      assert.equal(pill, "KILLED: from the page");
      assert.deepEqual(deps.calls.kill, ["from the page"]);

      assert.deepEqual(pageErrors(cdp), [], "the page logged errors (a CSP violation?)");
    } finally {
      await browser.close();
      await server.shutdown();
      await Deno.remove(runDir, { recursive: true });
    }
  },
});
