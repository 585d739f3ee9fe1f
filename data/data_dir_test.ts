import assert from "node:assert/strict";
import { defaultDataDir, resolveDataDir } from "./data_dir.ts";
import { DataFileError } from "./data_file_error.ts";

function failsWith(dir: string, why: string) {
  return (e: unknown) =>
    e instanceof DataFileError && e.path === dir &&
    e.message === `Cannot use data directory "${dir}": ${why}`;
}

Deno.test("defaultDataDir() is ../shared/data/binance beside the repository", async () => {
  const dir = defaultDataDir();
  assert.ok(dir.endsWith("/shared/data/binance"), dir);
  const repoRoot = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  assert.equal(dir, `${repoRoot.slice(0, repoRoot.lastIndexOf("/"))}/shared/data/binance`);
  assert.equal(await resolveDataDir(), dir);
});

Deno.test("resolveDataDir() accepts a directory with one kline file in klines-1m/cluster", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.mkdir(`${dir}/klines-1m/cluster`, { recursive: true });
  await Deno.writeTextFile(`${dir}/klines-1m/cluster/BTCUSDT-1m.csv`, "open_time\n");
  assert.equal(await resolveDataDir(dir), dir);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("resolveDataDir() explains in one line why a directory cannot be used", async () => {
  const dir = await Deno.makeTempDir();
  await assert.rejects(
    () => resolveDataDir(`${dir}/nope`),
    failsWith(`${dir}/nope`, "it does not exist"),
  );
  await Deno.writeTextFile(`${dir}/file`, "");
  await assert.rejects(
    () => resolveDataDir(`${dir}/file`),
    failsWith(`${dir}/file`, "it is not a directory"),
  );
  await assert.rejects(() => resolveDataDir(dir), failsWith(dir, "it has no klines-1m/ folder"));
  await Deno.mkdir(`${dir}/klines-1m/long`, { recursive: true });
  await Deno.writeTextFile(`${dir}/klines-1m/long/README.txt`, "");
  await assert.rejects(
    () => resolveDataDir(dir),
    failsWith(dir, "klines-1m/long/ and klines-1m/cluster/ hold no .csv, .csv.gz or .parquet file"),
  );
  await assert.rejects(() => resolveDataDir(""), failsWith("", "the path is empty"));
  await Deno.remove(dir, { recursive: true });
});
