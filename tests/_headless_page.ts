// Test helpers: headless Chromium driven over the DevTools protocol with Deno's WebSocket.
import assert from "node:assert/strict";
import { poll } from "./_poll.ts";

/** A minimal DevTools protocol client over one target's WebSocket. */
export class Cdp {
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

/** A headless Chromium with one page, connected over the DevTools protocol. */
export interface HeadlessPage {
  cdp: Cdp;
  /** Closes the connection, stops the browser and removes its profile. */
  close(): Promise<void>;
}

/**
 * Starts headless Chromium (`binary`) on a fresh profile and connects to its page with
 * Runtime, Log and Page enabled. Fails after 30 s when it does not start.
 */
export async function openHeadlessPage(binary: string): Promise<HeadlessPage> {
  const profile = await Deno.makeTempDir({ prefix: "shoal-chromium-" });
  const browser = new Deno.Command(binary, {
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
  const close = async () => {
    await cdp?.close();
    browser.kill("SIGTERM");
    await browser.status;
    // Chromium's helper processes may still write into the profile for a moment after the
    // browser exits: try again briefly, and leave a temp folder behind rather than fail a test
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        await Deno.remove(profile, { recursive: true });
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  };
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
    return { cdp, close };
  } catch (cause) {
    await close();
    throw cause;
  }
}

/** The page's uncaught exceptions and console errors so far. */
export function pageErrors(cdp: Cdp): Array<{ method: string; params: Record<string, unknown> }> {
  return cdp.events.filter((e) =>
    e.method === "Runtime.exceptionThrown" ||
    (e.method === "Log.entryAdded" && (e.params.entry as { level: string }).level === "error")
  );
}
