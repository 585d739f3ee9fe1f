import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { readCsv } from "../ops/_paper_bands.ts";
import { activeConfig } from "./_paper_support.ts";

const ROOT = new URL("..", import.meta.url);

function paper(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "ops/paper.ts", "--ops-port", "0", ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Rows of a query on an SQLite file another process may be writing (WAL: readers never block). */
function query<T>(path: string, sql: string): T[] {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    db.exec("PRAGMA busy_timeout=5000");
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test({
  name:
    "deno task paper --resume after kill -9: no order lost or sent twice, positions equal the exchange's",
  // slow: four paper processes (10-15 s, training a flat model on 3 days included)
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "shoal-paper-resume-" });
    const out = `${dir}/run`;
    // market orders and an active policy: fills come early and often (6 in the 30 minutes)
    const config = await activeConfig();
    try {
      const journal = `${out}/journal.db`;
      /** Runs paper and kills it (SIGKILL) once the journal holds `fills` fills. */
      const killAfter = async (args: string[], fills: number) => {
        const child = paper(args);
        const drained = Promise.all([child.stdout.text(), child.stderr.text()]);
        let seen = 0;
        let exited = false;
        child.status.then(() => exited = true);
        const deadline = Date.now() + 120_000;
        while (seen < fills) {
          if (exited || Date.now() > deadline) {
            if (!exited) child.kill("SIGKILL");
            const [, err] = await drained;
            throw new Error(
              `fewer than ${fills} fills (${seen}) before the run ${
                exited ? "ended" : "timed out"
              }:\n${err}`,
            );
          }
          await new Promise((r) => setTimeout(r, 5));
          if (!(await exists(journal))) continue;
          try {
            seen = query<{ n: number }>(journal, "SELECT COUNT(*) AS n FROM fills")[0].n;
          } catch {
            // the schema is not there yet
          }
        }
        child.kill("SIGKILL");
        const status = await child.status;
        const [, err] = await drained;
        assert.equal(status.signal, "SIGKILL", `the run ended before the kill:\n${err}`);
        assert.equal(await exists(`${out}/summary.json`), false, "killed before the end");
      };
      const args = [
        "--from",
        "2025-05-23T00:00Z",
        "--speed",
        "max",
        "--duration",
        "30m",
        "--kind",
        "hmm",
        "--config",
        config,
        "--store",
        `${dir}/store`,
      ];
      await killAfter([...args, "--out", out], 1);
      // resumed once, killed again: the second resume replays a tape that went live once
      await killAfter(["--resume", out, "--store", `${dir}/store`, "--speed", "max"], 3);
      const tapeBefore = query<{ n: number }>(journal, "SELECT COUNT(*) AS n FROM tape")[0].n;

      const second = paper(["--resume", out, "--store", `${dir}/store`]);
      const [stdout, stderr] = await Promise.all([second.stdout.text(), second.stderr.text()]);
      const done = await second.status;
      assert.equal(done.code, 0, stderr);
      assert.equal(stdout.trim(), out);

      // the run directory is complete
      for (
        const f of [
          "trades.csv",
          "orders.csv",
          "state_timeline.csv",
          "guardrails.csv",
          "equity.csv",
          "summary.json",
        ]
      ) {
        assert.ok(await exists(`${out}/${f}`), `${f} is written`);
      }
      const summary = JSON.parse(await Deno.readTextFile(`${out}/summary.json`));
      assert.equal(summary.paper.resumed, 2);
      assert.ok(summary.paper.journal.fills >= 1);
      assert.ok(
        query<{ n: number }>(journal, "SELECT COUNT(*) AS n FROM tape")[0].n > tapeBefore,
        "the resumed run traded on after the tape",
      );

      // no order lost or sent twice: every client id of the journal once on the exchange
      const state = `${out}/sim-state.db`;
      const venueOrders = query<{ client_order_id: string }>(
        state,
        "SELECT client_order_id FROM orders ORDER BY order_id",
      ).map((r) => r.client_order_id);
      assert.equal(
        new Set(venueOrders).size,
        venueOrders.length,
        "no client id twice on the exchange",
      );
      const journaled = query<{ client_order_id: string; phase: string }>(
        journal,
        "SELECT client_order_id, phase FROM orders",
      );
      const sent = journaled.filter((o) => o.phase === "acked").map((o) => o.client_order_id)
        .sort();
      assert.deepEqual(sent, [...venueOrders].sort(), "the journal's orders are the exchange's");
      // every fill of the exchange is in trades.csv exactly once
      const venueTrades = query<{ trade_id: number }>(
        state,
        "SELECT trade_id FROM trades ORDER BY trade_id",
      );
      const csv = readCsv(await Deno.readTextFile(`${out}/trades.csv`));
      assert.equal(csv.length, venueTrades.length, "trades.csv holds every exchange fill once");
      assert.equal(summary.counts.fills, venueTrades.length);

      // positions: summary.json equals the exchange's balances (free + locked)
      const venue = query<{ asset: string; free: string; locked: string }>(
        state,
        "SELECT asset, free, locked FROM balances",
      );
      for (
        const [asset, total] of Object.entries(
          summary.paper.positions.venue as Record<string, string>,
        )
      ) {
        const b = venue.find((x) => x.asset === asset);
        const sum = b === undefined ? 0 : Number(b.free) + Number(b.locked);
        assert.equal(Number(total), sum, `${asset} in summary.json equals the exchange`);
      }
      assert.deepEqual(summary.paper.positions.journal, summary.paper.positions.venue);
      assert.equal(summary.paper.positions.equal, true);

      // and the kills left no trace: the outputs equal those of a run that was never stopped
      // (at speed "max" the market moves only when the client asks, so paper is repeatable)
      const clean = `${dir}/clean`;
      const c = paper([...args, "--out", clean]);
      const [, err] = await Promise.all([c.stdout.text(), c.stderr.text()]);
      assert.equal((await c.status).code, 0, err);
      for (
        const f of [
          "trades.csv",
          "orders.csv",
          "state_timeline.csv",
          "guardrails.csv",
          "equity.csv",
        ]
      ) {
        assert.equal(
          await Deno.readTextFile(`${out}/${f}`),
          await Deno.readTextFile(`${clean}/${f}`),
          `${f} of the resumed run equals the uninterrupted run's`,
        );
      }
    } finally {
      if (Deno.env.get("KEEP") !== undefined) console.log("kept", dir);
      else await Deno.remove(dir, { recursive: true });
      await Deno.remove(config);
    }
  },
});
