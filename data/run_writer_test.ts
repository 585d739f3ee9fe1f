import assert from "node:assert/strict";
import { asyncBufferFromFile, parquetReadObjects } from "hyparquet";
import { formatDecimal, formatTs } from "./csv_format.ts";
import { RunWriter, trimDecimal } from "./run_writer.ts";
import { EQUITY_COLUMNS, RUN_FILES } from "./run_columns.ts";

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 5, 1, 23, 58);

Deno.test("trimDecimal() drops trailing zeros of exchange decimals and keeps integers", () => {
  assert.deepEqual(
    ["105573.73000000", "0.00000000", "10.00000000", "0.00001000", "7", "12.5"].map(trimDecimal),
    ["105573.73", "0", "10", "0.00001", "7", "12.5"],
  );
});

Deno.test("RunWriter writes the five CSV headers and daily Parquet files that read back as the CSV rows", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shoal-run-" });
  const w = await RunWriter.open(dir);
  for (let i = 0; i < 4; i++) {
    const ts = T0 + i * 60_000 + 59_999; // 23:58:59.999 … 00:01:59.999: two UTC days
    w.equity({
      ts,
      cash: "9000.5",
      positions_value: "1000.25",
      equity: "10000.75",
      drawdown: i / 1000,
      gross_exposure: "1000.25",
      net_exposure: "1000.25",
    });
    w.state({
      ts,
      symbol: "BTCUSDT",
      model_version: "h2-0123456789ab",
      state: i,
      macro_state: 0,
      conf: 0.75,
      risk_bias: 1.5,
      edge: 0.00001,
      kl_drift: i === 0 ? null : 0.001,
      posteriors: "0.25|0.75",
    });
    if (i === 0) {
      w.trade({
        ts: T0 + 59_999,
        symbol: "BTCUSDT",
        order_id: 3,
        client_order_id: "sh-BTCUSDT-x-0",
        side: "BUY",
        price: "99999.5",
        qty: "0.001",
        quote_qty: "99.9995",
        fee: "0.000001",
        fee_asset: "BTC",
        liquidity: "maker",
        slippage_bp: 0,
        best_bid: "99999.5",
        best_ask: "100000",
        model_version: "h2-0123456789ab",
        state: 1,
        macro_state: 0,
      });
    }
    await w.advance(ts);
  }
  const parquet = await w.close();
  for (const [file, columns] of Object.entries(RUN_FILES)) {
    const header = (await Deno.readTextFile(`${dir}/${file}`)).split("\n")[0];
    assert.equal(header, columns.join(","));
  }
  assert.deepEqual(parquet.map((p) => p.slice(dir.length + 1)).sort(), [
    "parquet/equity/2025-06-01.parquet",
    "parquet/equity/2025-06-02.parquet",
    "parquet/state_timeline/2025-06-01.parquet",
    "parquet/state_timeline/2025-06-02.parquet",
    "parquet/trades/2025-06-01.parquet",
    "parquet/trades/2025-06-02.parquet", // a run day without trades: the file, with no rows
  ]);
  const noTrades = await parquetReadObjects({
    file: await asyncBufferFromFile(`${dir}/parquet/trades/2025-06-02.parquet`),
  });
  assert.deepEqual(noTrades, []);
  const csv = (await Deno.readTextFile(`${dir}/equity.csv`)).trim().split("\n").slice(1);
  const cell = (v: unknown) =>
    v === null
      ? ""
      : v instanceof Date
      ? formatTs(v.getTime())
      : typeof v === "number"
      ? formatDecimal(v)
      : String(v);
  const back: string[] = [];
  for (const day of ["2025-06-01", "2025-06-02"]) {
    const file = await asyncBufferFromFile(`${dir}/parquet/equity/${day}.parquet`);
    const rows = await parquetReadObjects({ file }) as Record<string, unknown>[];
    for (const r of rows) back.push(EQUITY_COLUMNS.map((c) => cell(r[c])).join(","));
    assert.ok(rows.every((r) => (r.ts as Date).getTime() < Date.parse(day) + DAY));
  }
  assert.deepEqual(back, csv);
});

Deno.test("RunWriter.open() removes an earlier run's parquet folder", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shoal-run-" });
  await Deno.mkdir(`${dir}/parquet/equity`, { recursive: true });
  await Deno.writeTextFile(`${dir}/parquet/equity/2020-01-01.parquet`, "stale");
  const w = await RunWriter.open(dir);
  assert.deepEqual(await w.close(), []);
  await assert.rejects(() => Deno.stat(`${dir}/parquet`), Deno.errors.NotFound);
});
