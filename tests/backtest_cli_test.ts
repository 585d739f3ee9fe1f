/**
 * `deno task backtest` as a user runs it (a spawned `ops/backtest.ts`): a short run into a given
 * directory with the six files and the daily Parquet rollups (read back with hyparquet, equal to
 * the CSV rows of their day), and bad input refused with one line and exit code 2. About 10 s.
 */
import assert from "node:assert/strict";
import { asyncBufferFromFile, parquetReadObjects } from "hyparquet";
import { formatDecimal, formatTs } from "../data/csv_format.ts";
import { RUN_FILES } from "../data/run_columns.ts";
import {
  clusterModel,
  configFile,
  readCsv,
  storeWithModels,
  TRADE_FROM,
  TRADE_TO,
} from "./_backtest_support.ts";

const ROOT = new URL("..", import.meta.url);
const store = await storeWithModels(["BTCUSDT", "ETHUSDT"]);

async function backtest(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "ops/backtest.ts", ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

const SPAN = ["--set", "cluster", "--kind", "hmm", "--from", "2026-03-26", "--to", "2026-03-27"];

Deno.test("deno task backtest writes a run directory whose Parquet days equal the CSV rows", async () => {
  const out = await Deno.makeTempDir({ prefix: "shoal-cli-" });
  const run = await backtest([...SPAN, "--store", store.dir, "--out", out]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout.trim(), out);
  assert.match(run.stderr, /bars\/s/);
  for (const file of [...Object.keys(RUN_FILES), "summary.json"]) {
    assert.ok((await Deno.stat(`${out}/${file}`)).isFile, file);
  }
  const cell = (v: unknown): string =>
    v === null || v === undefined
      ? ""
      : v instanceof Date
      ? formatTs(v.getTime())
      : typeof v === "number"
      ? formatDecimal(v)
      : String(v);
  for (
    const [table, file] of [["trades", "trades.csv"], ["state_timeline", "state_timeline.csv"], [
      "equity",
      "equity.csv",
    ]] as const
  ) {
    const csv = await readCsv(`${out}/${file}`);
    const days = [...Deno.readDirSync(`${out}/parquet/${table}`)].map((e) => e.name).sort();
    assert.ok(days.length > 0, `${table} has daily files`);
    let seen = 0;
    for (const day of days) {
      const rows = await parquetReadObjects({
        file: await asyncBufferFromFile(`${out}/parquet/${table}/${day}`),
      }) as Record<string, unknown>[];
      const fromCsv = csv.rows.filter((r) => r[0].startsWith(day.slice(0, 10)));
      assert.deepEqual(
        rows.map((r) => csv.header.map((c) => cell(r[c])).join(",")),
        fromCsv.map((r) => r.join(",")),
        `${table}/${day}`,
      );
      seen += rows.length;
    }
    assert.equal(seen, csv.rows.length, `${table}: every row is in one day's file`);
  }
});

Deno.test("deno task backtest refuses bad input with one line and exit code 2", async () => {
  const trained = (await clusterModel("BTCUSDT")).manifest.id;
  const cases: Array<[string[], RegExp]> = [
    [["--bogus", "1"], /unknown flag --bogus/],
    [["--chaos-crash-rate", "2"], /--chaos-crash-rate must be a number in \[0, 1\]/],
    [["--from", "yesterday"], /--from must be an ISO date/],
    [["--symbols", "BTCUSDT,DOGEUSDT"], /symbols/],
    [["--config", "/nonexistent/config.json"], /no such file/],
    [[...SPAN, "--store", store.dir, "--model", "hmm-000000000000"], /does not exist/],
    [
      [
        "--set",
        "cluster",
        "--from",
        String(TRADE_FROM - 86_400_000),
        "--to",
        String(TRADE_TO),
        "--store",
        store.dir,
        "--model",
        trained,
      ],
      /look-ahead/,
    ],
    [
      [
        ...SPAN,
        "--store",
        store.dir,
        "--model",
        trained,
        "--config",
        await configFile({ symbols: { BTCUSDT: { priorHorizonBars: 15 } } }),
      ],
      /state priors over 240 bars, the config's symbols\.BTCUSDT\.priorHorizonBars is 15/,
    ],
  ];
  for (const [args, message] of cases) {
    const run = await backtest(args);
    assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
    const lines = run.stderr.trim().split("\n");
    assert.equal(lines.length, 1, `${args.join(" ")}: ${run.stderr}`);
    assert.match(lines[0], /^deno task backtest: /);
    assert.match(lines[0], message);
    assert.equal(run.stdout, "");
  }
});
