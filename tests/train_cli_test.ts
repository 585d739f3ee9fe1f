// `deno task train` and `deno task retrain` as a user runs them: spawned with the same Deno,
// on small spans of the bundled data, each with its own temporary store. About 15 s in all.
import assert from "node:assert/strict";

const ROOT = new URL("..", import.meta.url);
const CLUSTER_BTC = new URL(
  "../../shared/data/binance/klines-1m/cluster/BTCUSDT-1m-2026-03-23_2026-04-22.csv",
  import.meta.url,
);

interface Run {
  code: number;
  stdout: string[];
  stderr: string[];
}

async function run(script: string, args: string[]): Promise<Run> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const lines = (b: Uint8Array) =>
    new TextDecoder().decode(b).split("\n")
      // deno's own notices (a boxed warning on a cold npm cache) are not the task's output
      .filter((l) => l.trim() !== "" && !/[│╭╰]/.test(l));
  return { code: out.code, stdout: lines(out.stdout), stderr: lines(out.stderr) };
}

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "shoal-train-cli-" });
}

const SMALL = [
  "--symbol",
  "BTCUSDT",
  "--set",
  "cluster",
  "--to",
  "2026-03-26T12:00",
  "--states",
  "2",
];

Deno.test("deno task train fits a small span, prints progress and the new id, same id on a rerun", async () => {
  const dir = await tempDir();
  try {
    const a = await run("ops/train.ts", [...SMALL, "--store", `${dir}/a`]);
    assert.equal(a.code, 0, a.stderr.join("\n"));
    const id = a.stdout[a.stdout.length - 1];
    assert.match(id, /^hmm-[0-9a-f]{12}$/);
    assert.equal(a.stdout.length, 1);
    const iters = a.stderr.filter((l) => l.startsWith("iter ")).length;
    assert.ok(iters >= 2, `progress lines: ${iters}`);
    const text = await Deno.readTextFile(`${dir}/a/${id}.json`);
    const b = await run("ops/train.ts", [...SMALL, "--store", `${dir}/b`]);
    assert.equal(b.code, 0);
    assert.equal(b.stdout[b.stdout.length - 1], id);
    assert.equal(await Deno.readTextFile(`${dir}/b/${id}.json`), text);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task train --h2 fits a macro/micro model on nine days", async () => {
  const dir = await tempDir();
  try {
    const r = await run("ops/train.ts", [
      "--symbol",
      "BTCUSDT",
      "--set",
      "cluster",
      "--to",
      "2026-04-01T12:00",
      "--h2",
      "--macro-states",
      "2",
      "--micro-states",
      "2",
      "--store",
      dir,
    ]);
    assert.equal(r.code, 0, r.stderr.join("\n"));
    const id = r.stdout[r.stdout.length - 1];
    assert.match(id, /^h2-[0-9a-f]{12}$/);
    assert.ok((await Deno.stat(`${dir}/${id}.json`)).isFile);
    assert.ok(r.stderr.filter((l) => l.startsWith("iter ")).length >= 3);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** A data dir laid out like the bundled one, holding 3 days of BTCUSDT with one NaN row. */
async function dataWithNan(dir: string): Promise<string> {
  const lines = (await Deno.readTextFile(CLUSTER_BTC)).split("\n").slice(0, 4321);
  const fields = lines[2000].split(",");
  lines[2000] = `${fields[0]},NaN,${fields.slice(2).join(",")}`;
  await Deno.mkdir(`${dir}/data/klines-1m/cluster`, { recursive: true });
  await Deno.writeTextFile(
    `${dir}/data/klines-1m/cluster/BTCUSDT-1m-2026-03-23_2026-03-26.csv`,
    lines.join("\n") + "\n",
  );
  return `${dir}/data`;
}

Deno.test("deno task train refuses bad input with one line on stderr and exit code 2", async () => {
  const dir = await tempDir();
  try {
    const data = await dataWithNan(dir);
    const store = ["--store", `${dir}/store`];
    const cases: Array<[string, string[]]> = [
      ["NaN rows in the span", ["--symbol", "BTCUSDT", "--data", data, "--states", "2", ...store]],
      ["K larger than the data allows", [...SMALL.slice(0, -2), "--states", "40", ...store]],
      ["unknown symbol", ["--symbol", "DOGEUSDT", ...store]],
      ["unknown schema", [...SMALL, "--schema", "v9", ...store]],
      ["K below 1", [...SMALL.slice(0, -2), "--states", "0", ...store]],
      ["from after to", [...SMALL, "--from", "2026-03-27", ...store]],
      ["span outside the data", [...SMALL.slice(0, 4), "--from", "2026-01-01", ...store]],
      ["missing symbol", [...store]],
      ["--states with --h2", [...SMALL, "--h2", ...store]],
    ];
    for (const [what, args] of cases) {
      const r = await run("ops/train.ts", args);
      assert.equal(r.code, 2, `${what}: exit ${r.code}: ${r.stderr.join(" | ")}`);
      assert.equal(r.stderr.length, 1, `${what}: stderr ${r.stderr.join(" | ")}`);
      assert.deepEqual(r.stdout, [], what);
    }
    const entries = [];
    try {
      for await (const e of Deno.readDir(`${dir}/store`)) entries.push(e.name);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    assert.deepEqual(entries, [], "a refused run writes nothing");
    const dropped = await run("ops/train.ts", [
      "--symbol",
      "BTCUSDT",
      "--data",
      data,
      "--states",
      "2",
      "--drop-bad-rows",
      ...store,
    ]);
    assert.equal(dropped.code, 0, dropped.stderr.join("\n"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task retrain promotes a better version and --rollback restores the previous one", async () => {
  const dir = await tempDir();
  try {
    const store = ["--store", dir];
    const first = await run("ops/train.ts", [
      "--symbol",
      "BTCUSDT",
      "--to",
      "2025-05-24",
      ...store,
    ]);
    assert.equal(first.code, 0, first.stderr.join("\n"));
    const oldId = first.stdout[first.stdout.length - 1];
    const re = await run("ops/retrain.ts", [
      "--symbol",
      "BTCUSDT",
      "--window-days",
      "3",
      "--holdout-days",
      "1",
      "--to",
      "2025-05-30",
      ...store,
    ]);
    assert.equal(re.code, 0, re.stderr.join("\n"));
    const newId = re.stdout[re.stdout.length - 1];
    assert.match(newId, /^hmm-[0-9a-f]{12}$/);
    assert.notEqual(newId, oldId);
    const pointer = JSON.parse(await Deno.readTextFile(`${dir}/current-BTCUSDT-hmm.json`));
    assert.deepEqual([pointer.id, pointer.history], [newId, [oldId]]);
    const newFile = JSON.parse(await Deno.readTextFile(`${dir}/${newId}.json`));
    assert.equal(newFile.manifest.training.alignedTo, oldId);

    const back = await run("ops/retrain.ts", ["--symbol", "BTCUSDT", "--rollback", ...store]);
    assert.equal(back.code, 0);
    assert.deepEqual(back.stdout, [oldId]);
    const again = await run("ops/retrain.ts", ["--symbol", "BTCUSDT", "--rollback", ...store]);
    assert.equal(again.code, 2);
    assert.equal(again.stderr.length, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
