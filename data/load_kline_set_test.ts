import assert from "node:assert/strict";
import { DataFileError } from "./data_file_error.ts";
import { loadKlineSet } from "./load_kline_set.ts";
import { qaFindings, QaFlag } from "./qa_report.ts";

const T0 = 1747699200000;
const M = 60_000;
const HEADER = "open_time,open,high,low,close,volume";

function csv(minutes: number[]): string {
  return [HEADER, ...minutes.map((i) => `${T0 + i * M},100,101,99,100.5,${10 + (i % 7)}`)]
    .join("\n") + "\n";
}

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

Deno.test("loadKlineSet() counts a stale symbol as STALE stream_stopped and flags its resume bar", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.mkdir(`${dir}/klines-1m/long`, { recursive: true });
  await Deno.writeTextFile(
    `${dir}/klines-1m/long/BTCUSDT-1m.csv`,
    csv([...range(0, 11), ...range(25, 31)]),
  );
  await Deno.writeTextFile(`${dir}/klines-1m/long/ETHUSDT-1m.csv`, csv(range(0, 31)));
  const r = await loadKlineSet(["ETHUSDT", "BTCUSDT"], { dataDir: dir, maxLagMs: 5 * M });
  assert.equal(r.set, "long");
  assert.deepEqual(r.symbols.map((s) => s.columns.symbol), ["BTCUSDT", "ETHUSDT"]);
  const btc = r.symbols[0];
  assert.deepEqual(btc.qa.counts, { DATA: 1, STALE: 1 });
  assert.equal(btc.qa.byRule.gap, 1);
  assert.equal(btc.qa.byRule.stream_stopped, 1);
  assert.equal(btc.qa.missingBars, 14);
  assert.equal(btc.flags[11], QaFlag.gap | QaFlag.stream_stopped);
  assert.equal(
    btc.qa.samples[1].text,
    "BTCUSDT had no bar after 2025-05-20T00:10:00.000Z while ETHUSDT printed " +
      "2025-05-20T00:16:00.000Z; resumed 2025-05-20T00:25:00.000Z",
  );
  assert.equal(qaFindings(r.symbols[1].qa), 0);
  assert.deepEqual(r.qa.counts, { DATA: 1, STALE: 1 });
  assert.equal(r.qa.rowsKept, 17 + 31);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadKlineSet() with auto picks the one set that holds every symbol", async () => {
  const r = await loadKlineSet(["SOLUSDT", "BTCUSDT"]);
  assert.equal(r.set, "cluster");
  assert.deepEqual(r.symbols.map((s) => [s.columns.symbol, s.columns.length]), [
    ["BTCUSDT", 43_199],
    ["SOLUSDT", 43_199],
  ]);
  assert.equal(qaFindings(r.qa), 0);
});

Deno.test("loadKlineSet() explains in one line when no set holds all symbols", async () => {
  await assert.rejects(
    () => loadKlineSet(["BTCUSDT", "ADAUSDT"]),
    (e: unknown) =>
      e instanceof DataFileError && e.message.startsWith(
        "Cannot find one kline set holding all of ADAUSDT,BTCUSDT in ",
      ),
  );
  await assert.rejects(() => loadKlineSet(["BTCUSDT", "BTCUSDT"]), DataFileError);
  await assert.rejects(() => loadKlineSet([]), DataFileError);
});

Deno.test("loadKlineSet() finds nothing wrong with the real cluster and long sets", async () => {
  const cluster = await loadKlineSet(["BTCUSDT", "ETHUSDT", "SOLUSDT", "BNBUSDT", "XRPUSDT"]);
  assert.equal(cluster.set, "cluster");
  assert.equal(cluster.qa.rowsKept, 5 * 43_199);
  assert.equal(qaFindings(cluster.qa), 0);
  const long = await loadKlineSet(["BTCUSDT", "ETHUSDT"], { set: "long" });
  assert.equal(long.qa.rowsKept, 2 * 130_708);
  assert.equal(qaFindings(long.qa), 0);
});
