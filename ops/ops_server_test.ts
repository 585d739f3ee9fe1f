import assert from "node:assert/strict";
import { createStubOpsDeps, type StubOpsDeps } from "./_stub_ops_deps.ts";
import { LiveMessage } from "./live_update.ts";
import type { LiveSocket } from "./live_update_hub.ts";
import { createOpsHandler, SERVED_RUN_FILES } from "./ops_server.ts";
import { OpsStatus } from "./ops_status.ts";

const BASE = "http://127.0.0.1:9464";
const TOKEN = "0123456789abcdef0123456789abcdef";

interface Setup {
  deps: StubOpsDeps;
  handle: (req: Request) => Promise<Response>;
  runDir: string;
}

async function withHandler(fn: (s: Setup) => Promise<void>): Promise<void> {
  const runDir = await Deno.makeTempDir({ prefix: "shoal-ops-test-" });
  try {
    const deps = createStubOpsDeps(runDir, { token: TOKEN });
    await fn({ deps, handle: createOpsHandler(deps), runDir });
  } finally {
    await Deno.remove(runDir, { recursive: true });
  }
}

function post(path: string, body: string | null, token: string | null = TOKEN): Request {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  return new Request(`${BASE}${path}`, { method: "POST", headers, body });
}

async function jsonOf(res: Response): Promise<Record<string, unknown>> {
  assert.equal(res.headers.get("content-type"), "application/json");
  return await res.json();
}

Deno.test("createOpsHandler() GET /status answers the deps' status as OpsStatus JSON", async () => {
  await withHandler(async ({ handle, deps }) => {
    const res = await handle(new Request(`${BASE}/status`));
    assert.equal(res.status, 200);
    const body = OpsStatus.parse(await jsonOf(res));
    assert.deepEqual(body, deps.state);
    assert.deepEqual(body.kill, { active: false });
  });
});

Deno.test("createOpsHandler() GET /metrics answers the Prometheus text format", async () => {
  await withHandler(async ({ handle }) => {
    const res = await handle(new Request(`${BASE}/metrics`));
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type")!, /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.match(text, /^# HELP shoal_/);
    assert.match(text, /\nshoal_kill_switch_active 0\n/);
  });
});

Deno.test("createOpsHandler() GET / answers the self-contained live page with a strict CSP", async () => {
  await withHandler(async ({ handle }) => {
    const res = await handle(new Request(`${BASE}/`));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
    const csp = res.headers.get("content-security-policy")!;
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /connect-src 'self'/);
    assert.equal((csp.match(/'sha256-/g) ?? []).length, 4);
    const html = await res.text();
    assert.ok(!html.includes("<!-- inline:"), "every inline marker is replaced");
    assert.ok(!/<script[^>]+src=/.test(html), "no external script");
    assert.ok(!/<link[^>]+stylesheet/.test(html), "no external style sheet");
    assert.ok(html.includes("uPlot"));
    assert.ok(html.includes('id="chart-equity"'));
  });
});

Deno.test("createOpsHandler() POST /kill with the token calls kill once and /status shows it", async () => {
  await withHandler(async ({ handle, deps }) => {
    deps.setNow(1_700_000_123_000);
    const res = await handle(post("/kill", JSON.stringify({ reason: "manual check" })));
    assert.equal(res.status, 200);
    const killed = { active: true, reason: "manual check", since: 1_700_000_123_000 };
    assert.deepEqual(await jsonOf(res), { kill: killed });
    assert.deepEqual(deps.calls.kill, ["manual check"]);
    const status = OpsStatus.parse(await (await handle(new Request(`${BASE}/status`))).json());
    assert.deepEqual(status.kill, killed);
  });
});

Deno.test("createOpsHandler() POST /kill with an empty body kills with reason operator", async () => {
  await withHandler(async ({ handle, deps }) => {
    const res = await handle(post("/kill", null));
    assert.equal(res.status, 200);
    assert.deepEqual(deps.calls.kill, ["operator"]);
  });
});

Deno.test("createOpsHandler() POST /kill and /resume publish kill updates to /ws clients", async () => {
  await withHandler(async ({ handle, deps }) => {
    const sent: string[] = [];
    const socket: LiveSocket = {
      readyState: 1,
      bufferedAmount: 0,
      send: (text) => sent.push(text),
      close: () => {},
      addEventListener: () => {},
    };
    deps.hub.attach(socket, { mode: "paper", runId: "r", symbols: [] });
    deps.setNow(5000);
    await handle(post("/kill", '{"reason":"r1"}'));
    deps.setNow(9000);
    await handle(post("/resume", "{}"));
    const got = sent.map((t) => LiveMessage.parse(JSON.parse(t)));
    assert.deepEqual(got.slice(1), [
      { type: "kill", ts: 5000, active: true, reason: "r1" },
      { type: "kill", ts: 9000, active: false },
    ]);
  });
});

Deno.test("createOpsHandler() POST /resume with the token calls resume and clears the kill", async () => {
  await withHandler(async ({ handle, deps }) => {
    await handle(post("/kill", "{}"));
    const res = await handle(post("/resume", "{}"));
    assert.equal(res.status, 200);
    assert.deepEqual(await jsonOf(res), { kill: { active: false } });
    assert.equal(deps.calls.resume, 1);
    assert.equal(deps.state.kill.active, false);
  });
});

Deno.test("createOpsHandler() POST /retrain answers 202 when accepted, 409 when refused", async () => {
  await withHandler(async ({ handle, deps }) => {
    const res = await handle(post("/retrain", '{"symbol":"ETHUSDT","reason":"drift"}'));
    assert.equal(res.status, 202);
    assert.deepEqual(await jsonOf(res), { accepted: true, jobId: "retrain-1" });
    assert.deepEqual(deps.calls.retrain, [{ symbol: "ETHUSDT", reason: "drift" }]);
  });
  const runDir = await Deno.makeTempDir();
  try {
    const deps = createStubOpsDeps(runDir, {
      token: TOKEN,
      retrainOutcome: { accepted: false, reason: "a retrain is already running" },
    });
    const res = await createOpsHandler(deps)(post("/retrain", ""));
    assert.equal(res.status, 409);
    assert.deepEqual(await jsonOf(res), {
      accepted: false,
      reason: "a retrain is already running",
    });
    assert.deepEqual(deps.calls.retrain, [{}]);
  } finally {
    await Deno.remove(runDir, { recursive: true });
  }
});

Deno.test("createOpsHandler() answers 401 to a mutating request without or with a wrong token", async () => {
  await withHandler(async ({ handle, deps }) => {
    for (const path of ["/kill", "/resume", "/retrain"]) {
      for (const token of [null, "wrong-token-wrong-token", `${TOKEN} `.repeat(2), ""]) {
        const res = await handle(post(path, "{}", token));
        assert.equal(res.status, 401, `${path} with token ${JSON.stringify(token)}`);
        assert.equal(res.headers.get("www-authenticate"), 'Bearer realm="shoal-ops"');
        assert.equal(typeof (await jsonOf(res)).error, "string");
      }
      const basic = new Request(`${BASE}${path}`, {
        method: "POST",
        headers: { authorization: `Basic ${btoa(`x:${TOKEN}`)}` },
        body: "{}",
      });
      assert.equal((await handle(basic)).status, 401);
    }
    assert.deepEqual(deps.calls, { kill: [], resume: 0, retrain: [] });
  });
});

Deno.test("createOpsHandler() answers 401 before reading a malformed body", async () => {
  await withHandler(async ({ handle }) => {
    const res = await handle(post("/kill", "{not json", null));
    assert.equal(res.status, 401);
  });
});

Deno.test("createOpsHandler() answers 400 naming the field for malformed JSON or fields", async () => {
  await withHandler(async ({ handle, deps }) => {
    const cases: Array<[string, string, string]> = [
      ["/kill", "{not json", "body"],
      ["/kill", "[1,2]", "body"],
      ["/kill", '"kill"', "body"],
      ["/kill", '{"reason":42}', "reason"],
      ["/kill", '{"reason":""}', "reason"],
      ["/kill", '{"reasn":"typo"}', "reasn"],
      ["/resume", '{"now":true}', "now"],
      ["/resume", "{", "body"],
      ["/retrain", '{"symbol":"btc usdt"}', "symbol"],
      ["/retrain", '{"symbol":7}', "symbol"],
      ["/retrain", '{"symbol":"XRPUSDT"}', "symbol"],
      ["/retrain", '{"reason":["a"]}', "reason"],
    ];
    for (const [path, body, field] of cases) {
      const res = await handle(post(path, body));
      assert.equal(res.status, 400, `${path} ${body}`);
      const answer = await jsonOf(res);
      assert.equal(answer.field, field, `${path} ${body}: ${JSON.stringify(answer)}`);
      assert.equal(typeof answer.error, "string");
    }
    assert.deepEqual(deps.calls, { kill: [], resume: 0, retrain: [] });
  });
});

Deno.test("createOpsHandler() answers 413 to a body over 64 KiB", async () => {
  await withHandler(async ({ handle, deps }) => {
    const res = await handle(post("/kill", JSON.stringify({ reason: "x".repeat(70_000) })));
    assert.equal(res.status, 413);
    assert.equal((await jsonOf(res)).field, "body");
    assert.deepEqual(deps.calls.kill, []);
  });
});

Deno.test("createOpsHandler() answers 405 with Allow for a wrong method on each route", async () => {
  await withHandler(async ({ handle, deps }) => {
    const cases: Array<[string, string, string]> = [
      ["POST", "/", "GET"],
      ["DELETE", "/status", "GET"],
      ["POST", "/metrics", "GET"],
      ["PUT", "/runs/current/trades.csv", "GET"],
      ["GET", "/kill", "POST"],
      ["GET", "/resume", "POST"],
      ["PUT", "/retrain", "POST"],
      ["POST", "/ws", "GET"],
    ];
    for (const [method, path, allow] of cases) {
      const res = await handle(
        new Request(`${BASE}${path}`, {
          method,
          headers: { authorization: `Bearer ${TOKEN}` },
        }),
      );
      assert.equal(res.status, 405, `${method} ${path}`);
      assert.equal(res.headers.get("allow"), allow);
      assert.equal(typeof (await jsonOf(res)).error, "string");
    }
    assert.deepEqual(deps.calls, { kill: [], resume: 0, retrain: [] });
  });
});

Deno.test("createOpsHandler() answers 404 to an unknown path", async () => {
  await withHandler(async ({ handle }) => {
    for (
      const path of [
        "/nope",
        "/status/",
        "/runs",
        "/runs/current",
        "/runs/other/trades.csv",
        "/kill/now",
      ]
    ) {
      const res = await handle(new Request(`${BASE}${path}`));
      assert.equal(res.status, 404, path);
      assert.equal(typeof (await jsonOf(res)).error, "string");
    }
  });
});

Deno.test("createOpsHandler() GET /runs/current/<file> serves each known run file", async () => {
  await withHandler(async ({ handle, runDir }) => {
    for (const [name, type] of Object.entries(SERVED_RUN_FILES)) {
      const content = name.endsWith(".json") ? '{"ok":true}\n' : `ts,symbol\n1,${name}\n`;
      await Deno.writeTextFile(`${runDir}/${name}`, content);
      const res = await handle(new Request(`${BASE}/runs/current/${name}`));
      assert.equal(res.status, 200, name);
      assert.equal(res.headers.get("content-type"), type);
      assert.equal(await res.text(), content);
    }
  });
});

Deno.test("createOpsHandler() answers 404 for a run file not written yet", async () => {
  await withHandler(async ({ handle }) => {
    const res = await handle(new Request(`${BASE}/runs/current/summary.json`));
    assert.equal(res.status, 404);
    await res.body?.cancel();
  });
});

Deno.test("createOpsHandler() never serves a file outside the known run files", async () => {
  await withHandler(async ({ handle, runDir }) => {
    await Deno.writeTextFile(`${runDir}/ops-token`, TOKEN);
    await Deno.writeTextFile(`${runDir}/trades.csv`, "ts\n");
    const paths = [
      "/runs/current/../deno.json",
      "/runs/current/../../deno.json",
      "/runs/current/%2e%2e/deno.json",
      "/runs/current/%2E%2E%2Fdeno.json",
      "/runs/current/..%2f..%2fdeno.json",
      "/runs/current/..%5c..%5cdeno.json",
      "/runs/current/ops-token",
      "/runs/current/.%2fops-token",
      "/runs/current/trades.csv%00",
      "/runs/current/trades.csv/",
      "/runs/current/./ops-token",
      "/runs/current/TRADES.CSV",
      "/runs/current/%74rades.csv",
      "/runs/current/__proto__",
      "/runs/current/constructor",
    ];
    for (const path of paths) {
      const res = await handle(new Request(`${BASE}${path}`));
      const text = await res.text();
      assert.equal(res.status, 404, `${path} answered ${res.status}`);
      assert.ok(!text.includes(TOKEN) && !text.includes('"imports"'), path);
    }
  });
});

Deno.test("createOpsHandler() GET /ws without an upgrade answers 426", async () => {
  await withHandler(async ({ handle }) => {
    const res = await handle(new Request(`${BASE}/ws`));
    assert.equal(res.status, 426);
    assert.equal(typeof (await jsonOf(res)).error, "string");
  });
});

Deno.test("createOpsHandler() refuses a /ws upgrade from another origin with 403", async () => {
  await withHandler(async ({ handle }) => {
    const res = await handle(
      new Request(`${BASE}/ws`, {
        headers: { upgrade: "websocket", origin: "https://evil.example" },
      }),
    );
    assert.equal(res.status, 403);
    await res.body?.cancel();
  });
});

Deno.test("createOpsHandler() answers 500 with a JSON error when a dep throws", async () => {
  await withHandler(async ({ deps }) => {
    const handle = createOpsHandler({
      ...deps,
      status: () => {
        throw new Error("supervisor unreachable");
      },
    });
    const original = console.error;
    console.error = () => {};
    try {
      const res = await handle(new Request(`${BASE}/status`));
      assert.equal(res.status, 500);
      assert.equal(typeof (await jsonOf(res)).error, "string");
    } finally {
      console.error = original;
    }
  });
});
