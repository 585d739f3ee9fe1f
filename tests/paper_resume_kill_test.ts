// Slow test (about 25 s): a paper run killed through the ops server, then `kill -9`, then
// `--resume`: the tape replays the kill where it happened (its rows once, not twice) and the
// resumed run stays killed (no order decided after the kill; later intents blocked with KILL).
import assert from "node:assert/strict";
import { readCsv } from "./_backtest_support.ts";
import { activeConfig, decidedAt, spawnPaper } from "./_paper_support.ts";
import { poll } from "./_poll.ts";

const TOKEN = "resume-kill-test-token-0123456789";

Deno.test("a paper run killed over HTTP, then kill -9, resumes killed at the same place", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shoal-resume-kill-" });
  const out = `${dir}/run`;
  const store = `${dir}/store`;
  const first = spawnPaper([
    "--from",
    "2025-05-23T00:00Z",
    "--speed",
    "60",
    "--duration",
    "30m",
    "--kind",
    "hmm",
    "--config",
    await activeConfig(),
    "--store",
    store,
    "--out",
    out,
  ], TOKEN);
  try {
    const url = await first.opsUrl();
    // kill once the run has filled (the active policy fills in its first minutes)
    await poll("a fill", 60_000, async () => {
      const s = await (await fetch(`${url}/status`)).json();
      return s.positions.some((p: { qty: number }) => p.qty > 0) ? true : undefined;
    });
    const killed = await fetch(`${url}/kill`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
      body: '{"reason":"before the crash"}',
    });
    assert.equal(killed.status, 200);
    await killed.body?.cancel();
    await poll("the KILL rows", 30_000, async () => {
      const csv = await (await fetch(`${url}/runs/current/guardrails.csv`)).text();
      return csv.includes(",cancel,KILL,") ? true : undefined;
    });
    first.child.kill("SIGKILL");
    assert.equal((await first.done()).status.signal, "SIGKILL");

    const resumed = await spawnPaper(["--resume", out, "--store", store, "--speed", "max"], TOKEN)
      .done();
    assert.equal(resumed.status.code, 0, resumed.stderr);
    assert.equal(resumed.stdout.trim(), out);

    const guards = await readCsv(`${out}/guardrails.csv`);
    const g = (name: string) => guards.header.indexOf(name);
    const cancels = guards.rows.filter((r) => r[g("action")] === "cancel");
    const K = cancels[0][g("ts")];
    assert.deepEqual(cancels.map((r) => [r[g("ts")], r[g("symbol")], r[g("reasons")]]), [
      [K, "BTCUSDT", "KILL"],
      [K, "ETHUSDT", "KILL"],
    ]);
    const orders = await readCsv(`${out}/orders.csv`);
    const o = (name: string) => orders.header.indexOf(name);
    const after = orders.rows.filter((r) =>
      r[o("status")] === "NEW" && decidedAt(r, orders.header) > K
    );
    assert.deepEqual(after, [], `no order decided after the kill at ${K}`);
    const summary = JSON.parse(await Deno.readTextFile(`${out}/summary.json`));
    assert.equal(summary.paper.resumed, 1);
    assert.deepEqual(summary.counts.guardCancels, { KILL: 2 });
    assert.ok(summary.counts.guardBlocks.KILL >= 1, "intents after the kill are blocked with KILL");
    assert.equal(summary.paper.reconcile.final.ok, true);
  } finally {
    await first.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
