import assert from "node:assert/strict";
import { bearerMatches, maskToken, MIN_TOKEN_LENGTH, resolveOpsToken } from "./ops_token.ts";

Deno.test("resolveOpsToken() without SHOAL_OPS_TOKEN writes a 64-hex token with mode 0600", async () => {
  const runDir = await Deno.makeTempDir();
  try {
    const got = await resolveOpsToken(`${runDir}/runs/20240101-x`, { env: undefined });
    assert.equal(got.source, "generated");
    assert.match(got.token, /^[0-9a-f]{64}$/);
    assert.equal(got.path, `${runDir}/runs/20240101-x/ops-token`);
    assert.equal(await Deno.readTextFile(got.path!), `${got.token}\n`);
    const info = await Deno.stat(got.path!);
    assert.equal(info.mode! & 0o777, 0o600);
    const other = await resolveOpsToken(`${runDir}/runs/other`, { env: "" });
    assert.notEqual(other.token, got.token);
  } finally {
    await Deno.remove(runDir, { recursive: true });
  }
});

Deno.test("resolveOpsToken() never overwrites an existing ops-token file", async () => {
  const runDir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${runDir}/ops-token`, "planted\n");
    await assert.rejects(resolveOpsToken(runDir, { env: undefined }), Deno.errors.AlreadyExists);
    assert.equal(await Deno.readTextFile(`${runDir}/ops-token`), "planted\n");
  } finally {
    await Deno.remove(runDir, { recursive: true });
  }
});

Deno.test("resolveOpsToken() takes SHOAL_OPS_TOKEN as is and writes no file", async () => {
  const runDir = await Deno.makeTempDir();
  try {
    const token = "s3cret-token-from-env";
    const got = await resolveOpsToken(runDir, { env: token });
    assert.deepEqual(got, { token, source: "env", path: null });
    assert.deepEqual([...Deno.readDirSync(runDir)], []);
  } finally {
    await Deno.remove(runDir, { recursive: true });
  }
});

Deno.test("resolveOpsToken() refuses a SHOAL_OPS_TOKEN shorter than 16 characters", async () => {
  const short = "x".repeat(MIN_TOKEN_LENGTH - 1);
  await assert.rejects(
    resolveOpsToken("/nonexistent", { env: short }),
    (error: unknown) =>
      error instanceof RangeError && /current length is 15$/.test(error.message) &&
      !error.message.includes(short),
  );
});

Deno.test("resolveOpsToken() reads SHOAL_OPS_TOKEN from the environment by default", async () => {
  const before = Deno.env.get("SHOAL_OPS_TOKEN");
  Deno.env.set("SHOAL_OPS_TOKEN", "environment-token-1234");
  try {
    const got = await resolveOpsToken("/nonexistent");
    assert.equal(got.token, "environment-token-1234");
  } finally {
    if (before === undefined) Deno.env.delete("SHOAL_OPS_TOKEN");
    else Deno.env.set("SHOAL_OPS_TOKEN", before);
  }
});

Deno.test("maskToken() keeps the first 4 characters only", () => {
  assert.equal(maskToken("abcdef0123456789"), "abcd…");
  assert.equal(maskToken("ab"), "ab…");
});

Deno.test("bearerMatches() accepts only the exact token with the Bearer scheme", async () => {
  const token = "0123456789abcdef0123";
  assert.equal(await bearerMatches(`Bearer ${token}`, token), true);
  assert.equal(await bearerMatches(`bearer ${token}`, token), true);
  assert.equal(await bearerMatches(null, token), false);
  assert.equal(await bearerMatches("", token), false);
  assert.equal(await bearerMatches(`Bearer ${token}x`, token), false);
  assert.equal(await bearerMatches(`Bearer ${token.slice(1)}`, token), false);
  assert.equal(await bearerMatches(`Basic ${token}`, token), false);
  assert.equal(await bearerMatches(token, token), false);
  assert.equal(await bearerMatches("Bearer ", ""), false);
});
