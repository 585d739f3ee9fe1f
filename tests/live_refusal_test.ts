import assert from "node:assert/strict";

const ROOT = new URL("..", import.meta.url);

/**
 * Runs `ops/live.ts` WITHOUT network permission: a refused start that tried any network call
 * would die on the permission (exit 1), not exit 2 with its line.
 */
async function live(args: string[], env: Record<string, string>) {
  const base = Deno.env.toObject();
  delete base.BINANCE_API_KEY;
  delete base.BINANCE_API_SECRET;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-env", "ops/live.ts", ...args],
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

const KEY = "live-refusal-test-key-3b1f";
const SECRET = "live-refusal-test-secret-9c2e";

Deno.test("deno task live refuses without keys and --confirm-live: exit 2, one line, no network", async () => {
  const cases: [string[], Record<string, string>, string][] = [
    [[], {}, "BINANCE_API_KEY, BINANCE_API_SECRET, --confirm-live"],
    [["--confirm-live"], {}, "BINANCE_API_KEY, BINANCE_API_SECRET"],
    [["--confirm-live"], { BINANCE_API_KEY: KEY }, "BINANCE_API_SECRET"],
    [["--confirm-live"], { BINANCE_API_SECRET: SECRET }, "BINANCE_API_KEY"],
    [[], { BINANCE_API_KEY: KEY, BINANCE_API_SECRET: SECRET }, "--confirm-live"],
  ];
  for (const [args, env, missing] of cases) {
    const r = await live(args, env);
    assert.equal(r.code, 2, `${JSON.stringify(args)} ${Object.keys(env)}: ${r.stderr}`);
    assert.equal(r.stdout, "");
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^deno task live: refusing to start: /);
    assert.ok(lines[0].endsWith(`(missing: ${missing})`), lines[0]);
    assert.ok(!r.stderr.includes(KEY) && !r.stderr.includes(SECRET), "no key or secret printed");
  }
});

Deno.test("deno task live refuses bad flags with exit 2 and one line", async () => {
  const r = await live(["--confirm-live", "--max-order-notional", "-1"], {
    BINANCE_API_KEY: KEY,
    BINANCE_API_SECRET: SECRET,
  });
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim().split("\n").length, 1);
  assert.match(r.stderr, /--max-order-notional/);
  const caps = await live(
    ["--confirm-live", "--max-order-notional", "60", "--max-position-notional", "50"],
    { BINANCE_API_KEY: KEY, BINANCE_API_SECRET: SECRET },
  );
  assert.equal(caps.code, 2);
  assert.match(caps.stderr, /must not exceed --max-position-notional/);
});
