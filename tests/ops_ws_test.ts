import assert from "node:assert/strict";
import { createStubOpsDeps } from "../ops/_stub_ops_deps.ts";
import { LiveMessage, type LiveUpdate } from "../ops/live_update.ts";
import { startOpsServer } from "../ops/ops_server.ts";

function equity(ts: number): LiveUpdate {
  return {
    type: "equity",
    ts,
    equity: 10_000 + ts,
    cash: 10_000,
    drawdown: 0,
    grossExposure: ts,
    netExposure: ts,
    positions: [{ symbol: "BTCUSDT", qty: 0.001, value: ts }],
  };
}

/** Collects parsed messages from a WebSocket and resolves waiters when a count is reached. */
function collect(ws: WebSocket) {
  const messages: LiveMessage[] = [];
  let waiter: { n: number; resolve: () => void } | null = null;
  ws.onmessage = (event) => {
    messages.push(LiveMessage.parse(JSON.parse(String(event.data))));
    if (waiter !== null && messages.length >= waiter.n) waiter.resolve();
  };
  return {
    messages,
    until(n: number, timeoutMs = 5000): Promise<void> {
      if (messages.length >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`waited for ${n} messages, got ${messages.length}`)),
          timeoutMs,
        );
        waiter = {
          n,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        };
      });
    },
  };
}

Deno.test("startOpsServer() /ws sends a hello and the backlog, then live updates", async () => {
  const runDir = await Deno.makeTempDir();
  const deps = createStubOpsDeps(runDir);
  const server = await startOpsServer(deps, { port: 0, log: () => {} });
  try {
    assert.equal(server.hostname, "127.0.0.1");
    assert.ok(server.port > 0);
    deps.hub.publish(equity(1));
    deps.hub.publish(equity(2));
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`);
    const got = collect(ws);
    await got.until(3);
    assert.deepEqual(got.messages[0], {
      type: "hello",
      mode: "paper",
      runId: "stub-run",
      symbols: ["BTCUSDT", "ETHUSDT"],
      guardTotals: deps.hub.guardTotals,
      backlog: 2,
    });
    assert.deepEqual(got.messages.slice(1), [equity(1), equity(2)]);
    assert.equal(deps.hub.clientCount, 1);
    deps.hub.publish(equity(3));
    deps.hub.publish({ type: "drift", ts: 4, symbol: "ETHUSDT", klNats: 0.3, drift: true });
    await got.until(5);
    assert.deepEqual(got.messages.slice(3), [
      equity(3),
      { type: "drift", ts: 4, symbol: "ETHUSDT", klNats: 0.3, drift: true },
    ]);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /\nshoal_live_clients 1\n/);
    const closed = new Promise((resolve) => ws.onclose = resolve);
    ws.close();
    await closed;
  } finally {
    await server.shutdown();
    await Deno.remove(runDir, { recursive: true });
  }
});

Deno.test("startOpsServer() closes /ws clients on shutdown", async () => {
  const runDir = await Deno.makeTempDir();
  const deps = createStubOpsDeps(runDir);
  const server = await startOpsServer(deps, { port: 0, log: () => {} });
  try {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`);
    const got = collect(ws);
    await got.until(1);
    const closed = new Promise<CloseEvent>((resolve) => ws.onclose = resolve);
    await server.shutdown();
    assert.equal((await closed).code, 1001);
    assert.equal(deps.hub.clientCount, 0);
  } finally {
    await Deno.remove(runDir, { recursive: true });
  }
});

Deno.test("startOpsServer() answers raw traversal request lines with 404", async () => {
  const runDir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${runDir}/trades.csv`, "ts\n");
  const deps = createStubOpsDeps(runDir);
  const server = await startOpsServer(deps, { port: 0, log: () => {} });
  try {
    for (
      const target of [
        "/runs/current/../../deno.json",
        "/runs/current/..%2f..%2fdeno.json",
        "/runs/current/%2e%2e/%2e%2e/deno.json",
        "/runs/current/..\\..\\deno.json",
      ]
    ) {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
      const request = `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`;
      await conn.write(new TextEncoder().encode(request));
      const answer = await new Response(conn.readable).text();
      const status = Number(answer.split(" ")[1]);
      assert.ok(status === 404 || status === 400, `${target} answered ${status}`);
      assert.ok(!answer.includes('"imports"'), target);
    }
    const ok = await fetch(`${server.url}/runs/current/trades.csv`);
    assert.equal(await ok.text(), "ts\n");
  } finally {
    await server.shutdown();
    await Deno.remove(runDir, { recursive: true });
  }
});

Deno.test("startOpsServer() rejects when the port is taken", async () => {
  const runDir = await Deno.makeTempDir();
  const deps = createStubOpsDeps(runDir);
  const first = await startOpsServer(deps, { port: 0, log: () => {} });
  try {
    await assert.rejects(
      startOpsServer(deps, { port: first.port, log: () => {} }),
      Deno.errors.AddrInUse,
    );
  } finally {
    await first.shutdown();
    await Deno.remove(runDir, { recursive: true });
  }
});

Deno.test("ops demo prints neither a generated token nor SHOAL_OPS_TOKEN in full", async () => {
  for (const envToken of [null, "env-token-0123456789-abcdef"]) {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "ops/_ops_demo.ts", "--port", "0"],
      cwd: new URL("..", import.meta.url),
      env: { SHOAL_OPS_TOKEN: envToken ?? "" },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const output: string[] = [];
    const decoder = new TextDecoder();
    const read = async (stream: ReadableStream<Uint8Array>) => {
      for await (const chunk of stream) output.push(decoder.decode(chunk));
    };
    const reading = Promise.all([read(child.stdout), read(child.stderr)]);
    const deadline = Date.now() + 20_000;
    let runDir: string | undefined;
    while ((runDir = /demo run folder: (\S+)/.exec(output.join(""))?.[1]) === undefined) {
      assert.ok(Date.now() < deadline, `the demo did not start: ${output.join("")}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    let token = envToken;
    if (token === null) {
      token = (await Deno.readTextFile(`${runDir}/ops-token`)).trim();
      assert.equal((await Deno.stat(`${runDir}/ops-token`)).mode! & 0o777, 0o600);
    }
    child.kill("SIGTERM");
    await child.status;
    await reading;
    assert.equal(await Deno.stat(runDir).then(() => true, () => false), false, "demo cleaned up");
    const all = output.join("");
    assert.ok(!all.includes(token), "the token appears in full in the output");
    assert.ok(all.includes(`${token.slice(0, 4)}…`), "the masked token is printed");
  }
});
