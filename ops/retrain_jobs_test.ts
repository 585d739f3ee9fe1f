import assert from "node:assert/strict";
import { RetrainJobs } from "./retrain_jobs.ts";

Deno.test("RetrainJobs runs one job at a time, each symbol up to the market clock, output in the run directory", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shoal-retrain-jobs-" });
  const lines: string[] = [];
  const jobs = new RetrainJobs({
    dir,
    store: "/abs/store",
    kinds: { ETHUSDT: "hmm", BTCUSDT: "h2" },
    to: () => 1_750_000_000_000,
    log: (line) => lines.push(line),
    // stands in for `deno run ops/retrain.ts`: prints its flags, then an id as the last line
    command: { exec: "sh", args: ["-c", 'echo "$@"; echo "hmm-0123456789ab"', "retrain"] },
  });
  assert.deepEqual(jobs.start({}), { accepted: true, jobId: "retrain-1" });
  assert.deepEqual(jobs.start({ symbol: "BTCUSDT" }), {
    accepted: false,
    reason: "a retrain is already running: retrain-1",
  });
  await jobs.settled();
  assert.equal(jobs.running, null);
  const log = await Deno.readTextFile(`${dir}/retrain-1.log`);
  assert.match(log, /--symbol BTCUSDT --h2 --store \/abs\/store --to 1750000000000\n/);
  assert.match(log, /--symbol ETHUSDT --store \/abs\/store --to 1750000000000\n/);
  assert.equal(
    lines.at(-1),
    "retrain-1: done: BTCUSDT current hmm-0123456789ab; ETHUSDT current hmm-0123456789ab",
  );
  assert.deepEqual(jobs.start({ symbol: "ETHUSDT" }), { accepted: true, jobId: "retrain-2" });
  await jobs.settled();
  assert.match(await Deno.readTextFile(`${dir}/retrain-2.log`), /--symbol ETHUSDT/);
  await Deno.remove(dir, { recursive: true });
});
