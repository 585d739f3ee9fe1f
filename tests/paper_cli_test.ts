import assert from "node:assert/strict";

const ROOT = new URL("..", import.meta.url);

/** Runs `ops/paper.ts` without network permission (a refusal must come before any network use). */
async function paper(args: string[], env: Record<string, string> = {}) {
  const base = Deno.env.toObject();
  delete base.BINANCE_API_KEY;
  delete base.BINANCE_API_SECRET;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-env", "--allow-write", "ops/paper.ts", ...args],
    cwd: ROOT,
    env: { ...base, ...env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

function oneLine(text: string): string {
  const lines = text.trim().split("\n");
  assert.equal(lines.length, 1, text);
  return lines[0];
}

Deno.test("deno task paper --help names the task and exits 0", async () => {
  const r = await paper(["--help"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^deno task paper: /);
  assert.match(r.stdout, /--resume DIR/);
});

Deno.test("deno task paper refuses bad flags with exit 2 and one line naming them", async () => {
  const r = await paper(["--duration", "an hour", "--speed", "fast"]);
  assert.equal(r.code, 2);
  const line = oneLine(r.stderr);
  assert.match(line, /^deno task paper: bad flags: /);
  assert.match(line, /--duration/);
  assert.match(line, /--speed/);
});

Deno.test("deno task paper --venue testnet without keys says which are missing, exit 2", async () => {
  const r = await paper(["--venue", "testnet"]);
  assert.equal(r.code, 2);
  assert.match(oneLine(r.stderr), /BINANCE_API_KEY and BINANCE_API_SECRET in the environment/);
  const half = await paper(["--venue", "testnet"], { BINANCE_API_KEY: "k-123" });
  assert.equal(half.code, 2);
  const line = oneLine(half.stderr);
  assert.match(line, /needs BINANCE_API_SECRET in/);
  assert.ok(!line.includes("k-123"));
});

Deno.test("deno task paper refuses a span outside the data and a --resume of no run, exit 2", async () => {
  const early = await paper(["--from", "2020-01-01"]);
  assert.equal(early.code, 2);
  assert.match(oneLine(early.stderr), /Cannot paper trade 2020-01-01/);
  const dir = await Deno.makeTempDir();
  try {
    const r = await paper(["--resume", dir]);
    assert.equal(r.code, 2);
    assert.match(oneLine(r.stderr), /holds no journal\.db/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task paper refuses a broken config naming every bad field, exit 2", async () => {
  const path = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await Deno.writeTextFile(path, JSON.stringify({ run: { symbols: [] } }));
    const r = await paper(["--config", path]);
    assert.equal(r.code, 2);
    assert.match(oneLine(r.stderr), /^deno task paper: /);
  } finally {
    await Deno.remove(path);
  }
});
