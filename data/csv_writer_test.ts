import assert from "node:assert/strict";
import { CsvWriter } from "./csv_writer.ts";
import { EQUITY_COLUMNS, GUARDRAILS_COLUMNS, RUN_FILES, TRADES_COLUMNS } from "./run_columns.ts";

Deno.test("CsvWriter writes the header, formats ts and numbers, quotes text", async () => {
  const dir = await Deno.makeTempDir();
  const w = await CsvWriter.open(`${dir}/guardrails.csv`, GUARDRAILS_COLUMNS);
  w.write({
    ts: 1747699200000,
    symbol: "BTCUSDT",
    action: "block",
    reasons: "DD|KILL",
    value: 1e-7,
    threshold: 0.05,
    detail: "used=0.021, limit=0.02",
  });
  w.write({
    ts: 1747699260123,
    symbol: "ETHUSDT",
    action: "scale",
    reasons: "VOL",
    value: -0,
    threshold: null,
    detail: undefined,
  });
  assert.equal(w.rows, 2);
  w.close();
  w.close(); // a second close is a no-op
  assert.equal(
    await Deno.readTextFile(`${dir}/guardrails.csv`),
    "ts,symbol,action,reasons,value,threshold,detail\n" +
      '2025-05-20T00:00:00.000Z,BTCUSDT,block,DD|KILL,0.0000001,0.05,"used=0.021, limit=0.02"\n' +
      "2025-05-20T00:01:00.123Z,ETHUSDT,scale,VOL,0,,\n",
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("CsvWriter refuses NaN without writing any part of the row", async () => {
  const dir = await Deno.makeTempDir();
  const w = await CsvWriter.open(`${dir}/equity.csv`, EQUITY_COLUMNS);
  const row = {
    ts: 0,
    cash: 100,
    positions_value: 0,
    equity: 100,
    drawdown: 0,
    gross_exposure: 0,
    net_exposure: 0,
  };
  w.write(row);
  assert.throws(() => w.write({ ...row, equity: NaN }), {
    name: "RangeError",
    message:
      `Cannot write column equity of ${dir}/equity.csv: Cannot write a non-finite number: NaN`,
  });
  w.close();
  assert.throws(() => w.write(row), TypeError);
  const text = await Deno.readTextFile(`${dir}/equity.csv`);
  assert.equal(text.trim().split("\n").length, 2);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("CsvWriter flushes when the buffer fills and keeps row order", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/trades.csv`;
  const w = await CsvWriter.open(path, TRADES_COLUMNS, { bufferBytes: 256 });
  const n = 500;
  for (let i = 0; i < n; i++) {
    w.write({
      ts: 1747699200000 + i,
      symbol: "BTCUSDT",
      order_id: `o${i}`,
      client_order_id: `c${i}`,
      side: "BUY",
      price: 105_000 + i / 100,
      qty: 0.001,
      quote_qty: 105,
      fee: 0.000001,
      fee_asset: "BTC",
      liquidity: "taker",
      slippage_bp: 0.5,
      best_bid: 105_000,
      best_ask: 105_000.01,
      model_version: "m1",
      state: 2,
      macro_state: 0,
    });
    if (i === 10) {
      // earlier rows already reached the file before close()
      assert.ok((await Deno.stat(path)).size > 256);
    }
  }
  w.close();
  const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
  assert.equal(lines.length, n + 1);
  assert.equal(lines[0], TRADES_COLUMNS.join(","));
  assert.equal(lines[n].split(",")[2], `o${n - 1}`);
  assert.equal(lines[1].split(",")[8], "0.000001");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("CsvWriter rejects a row without a column and a duplicated column list", async () => {
  const dir = await Deno.makeTempDir();
  const w = await CsvWriter.open(`${dir}/x.csv`, ["ts", "a"] as const);
  assert.throws(() => w.write({ ts: 0 } as unknown as { ts: number; a: number }), TypeError);
  w.close();
  await assert.rejects(() => CsvWriter.open(`${dir}/y.csv`, ["a", "a"]), RangeError);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("RUN_FILES columns start with ts and match the issue's lists", () => {
  for (const [name, cols] of Object.entries(RUN_FILES)) assert.equal(cols[0], "ts", name);
  assert.equal(
    RUN_FILES["state_timeline.csv"].join(","),
    "ts,symbol,model_version,state,macro_state,conf,risk_bias,edge,kl_drift,posteriors",
  );
  assert.equal(
    RUN_FILES["orders.csv"].join(","),
    "ts,symbol,client_order_id,exchange_order_id,side,type,time_in_force,price,qty,status,reason",
  );
  assert.equal(
    RUN_FILES["trades.csv"].join(","),
    "ts,symbol,order_id,client_order_id,side,price,qty,quote_qty,fee,fee_asset,liquidity," +
      "slippage_bp,best_bid,best_ask,model_version,state,macro_state",
  );
  assert.equal(
    RUN_FILES["equity.csv"].join(","),
    "ts,cash,positions_value,equity,drawdown,gross_exposure,net_exposure",
  );
  assert.equal(
    RUN_FILES["guardrails.csv"].join(","),
    "ts,symbol,action,reasons,value,threshold,detail",
  );
});
