// Slow test (a few seconds; the first run on a machine may install Debian `chromium`): opens the
// live page in headless Chromium, driven over the DevTools protocol with Deno's WebSocket, and
// checks that every chart received the published updates and that the kill button works.
import assert from "node:assert/strict";
import { createStubOpsDeps } from "../ops/_stub_ops_deps.ts";
import type { LiveUpdate } from "../ops/live_update.ts";
import { startOpsServer } from "../ops/ops_server.ts";
import { ensureSystemTool, reportSkip } from "./_ops_system_tools.ts";

const chromium = await ensureSystemTool("chromium", "chromium");
const skip = reportSkip(chromium, "the live page test");

/** A minimal DevTools protocol client over one target's WebSocket. */
class Cdp {
  readonly #ws: WebSocket;
  readonly #pending = new Map<number, (msg: Record<string, unknown>) => void>();
  readonly events: Array<{ method: string; params: Record<string, unknown> }> = [];
  #next = 1;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.onmessage = (event) => {
      const msg = JSON.parse(String(event.data));
      if (typeof msg.id === "number") this.#pending.get(msg.id)?.(msg);
      else this.events.push(msg);
    };
  }

  static async connect(url: string): Promise<Cdp> {
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = () => reject(new Error(`cannot connect to ${url}`));
    });
    return new Cdp(ws);
  }

  send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, (msg) => {
        this.#pending.delete(id);
        if (msg.error) reject(new Error(`${method}: ${JSON.stringify(msg.error)}`));
        else resolve(msg.result as Record<string, unknown>);
      });
      this.#ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Evaluates `expression` in the page and returns its JSON-able value. */
  async evaluate(expression: string): Promise<unknown> {
    const result = await this.send("Runtime.evaluate", { expression, returnByValue: true });
    if (result.exceptionDetails) throw new Error(JSON.stringify(result.exceptionDetails));
    return (result.result as { value?: unknown }).value;
  }

  close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#ws.onclose = () => resolve());
    this.#ws.close();
    return closed;
  }
}

async function poll<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown = undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (last !== undefined) return last as T;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

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
    const profile = await Deno.makeTempDir({ prefix: "shoal-chromium-" });
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

    const browser = new Deno.Command("path" in chromium ? chromium.path : "chromium", {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        `--user-data-dir=${profile}`,
        "--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0",
        "--window-size=1280,1600",
        "about:blank",
      ],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    let cdp: Cdp | null = null;
    try {
      const reader = browser.stderr.pipeThrough(new TextDecoderStream()).getReader();
      let log = "";
      let devtools: string | undefined;
      const deadline = Date.now() + 30_000;
      while ((devtools = /DevTools listening on (ws:\/\/\S+)/.exec(log)?.[1]) === undefined) {
        assert.ok(Date.now() < deadline, `chromium did not start: ${log}`);
        const { value, done } = await reader.read();
        assert.ok(!done, `chromium exited: ${log}`);
        log += value;
      }
      void (async () => {
        while (!(await reader.read()).done) { /* drain */ }
      })();
      const http = new URL(devtools.replace(/^ws/, "http")).origin;
      const targets: Array<{ type: string; webSocketDebuggerUrl: string }> = await poll(
        "a page target",
        10_000,
        async () => {
          const list = await (await fetch(`${http}/json/list`)).json();
          return list.some((t: { type: string }) => t.type === "page") ? list : undefined;
        },
      );
      cdp = await Cdp.connect(targets.find((t) => t.type === "page")!.webSocketDebuggerUrl);
      await cdp.send("Runtime.enable");
      await cdp.send("Log.enable");
      await cdp.send("Page.enable");
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

      const errors = cdp.events.filter((e) =>
        e.method === "Runtime.exceptionThrown" ||
        (e.method === "Log.entryAdded" &&
          (e.params.entry as { level: string }).level === "error")
      );
      assert.deepEqual(errors, [], "the page logged errors (a CSP violation?)");
    } finally {
      await cdp?.close();
      browser.kill("SIGTERM");
      await browser.status;
      await server.shutdown();
      await Deno.remove(runDir, { recursive: true });
      await Deno.remove(profile, { recursive: true });
    }
  },
});
