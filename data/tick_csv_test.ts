import assert from "node:assert/strict";
import { defaultDataDir } from "./data_dir.ts";
import { DataFileError } from "./data_file_error.ts";
import { qaFindings, QaFlag, type QaReport } from "./qa_report.ts";
import { readAggTradesCsv, readBookTickerCsv, readTradesCsv } from "./tick_csv.ts";

const TICKS = `${defaultDataDir()}/ticks`;

function nonZero(report: QaReport): Record<string, number> {
  return Object.fromEntries(Object.entries(report.byRule).filter(([, n]) => n > 0));
}

Deno.test("readTradesCsv() reads the real BTCUSDT trades: 2001 contiguous ids, README span", async () => {
  const r = await readTradesCsv(`${TICKS}/BTCUSDT-trades-2021-01-08.csv`);
  const c = r.columns;
  assert.equal(c.symbol, "BTCUSDT");
  assert.equal(c.length, 2001);
  assert.equal(c.tradeId[0], 553287559);
  assert.equal(c.tradeId[2000], 553289559);
  assert.equal(c.time[0], Date.UTC(2021, 0, 8, 0, 0, 0, 278));
  assert.equal(c.time[2000], Date.UTC(2021, 0, 8, 0, 0, 46, 355));
  assert.deepEqual([c.price[0], c.qty[0], c.isBuyerMaker[0], c.isBuyerMaker[1]], [
    39432.48,
    0.000263,
    1,
    0,
  ]);
  assert.equal(qaFindings(r.qa), 0);
});

Deno.test("readAggTradesCsv() reads both real aggTrades files with no findings", async () => {
  const btc = await readAggTradesCsv(`${TICKS}/BTCUSDT-aggTrades-2021-04-04-ws.csv`);
  assert.equal(btc.columns.length, 1227);
  assert.equal(btc.columns.time[0], Date.UTC(2021, 3, 4, 20, 3, 11, 314));
  assert.equal(btc.columns.time[1226], Date.UTC(2021, 3, 4, 20, 4, 42, 149));
  assert.deepEqual(
    [
      btc.columns.aggTradeId[0],
      btc.columns.price[0],
      btc.columns.firstTradeId[0],
      btc.columns.lastTradeId[0],
    ],
    [665076760, 58001.03, 745522877, 745522877],
  );
  assert.equal(qaFindings(btc.qa), 0);
  const eth = await readAggTradesCsv(`${TICKS}/ETHUSDT-aggTrades-2021-04-04-ws.csv`);
  assert.equal(eth.columns.symbol, "ETHUSDT");
  assert.equal(eth.columns.length, 506);
  assert.equal(eth.columns.time[505], Date.UTC(2021, 3, 4, 20, 4, 42, 163));
  assert.equal(qaFindings(eth.qa), 0);
});

Deno.test("readBookTickerCsv() reads the real book ticker: 451 rows, bid < ask", async () => {
  const r = await readBookTickerCsv(`${TICKS}/BTCUSDT-bookTicker-2021-01-08.csv`);
  const c = r.columns;
  assert.equal(c.length, 451);
  assert.equal(c.time[0], Date.UTC(2021, 0, 8, 0, 0, 1, 76));
  assert.equal(c.time[450], Date.UTC(2021, 0, 8, 0, 0, 46, 674));
  assert.deepEqual([c.bidPrice[0], c.bidQty[0], c.askPrice[0], c.askQty[0]], [
    39432.99,
    0.0031,
    39433.62,
    0.066851,
  ]);
  assert.equal(qaFindings(r.qa), 0);
  const window = await readBookTickerCsv(`${TICKS}/BTCUSDT-bookTicker-2021-01-08.csv`, {
    from: c.time[10],
    to: c.time[20],
  });
  assert.ok(window.columns.length >= 10 && window.columns.time[0] === c.time[10]);
  assert.ok(window.columns.time.every((t) => t >= c.time[10] && t < c.time[20]));
});

Deno.test("readTradesCsv() drops and flags bad trade rows with exact counts", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    `${dir}/BTCUSDT-trades-x.csv`,
    [
      "trade_id,price,quantity,time,is_buyer_maker",
      "10,100,1,1000,true", // kept
      "11,100,1", // truncated_line
      "11,NaN,1,1001,true", // non_finite
      "11,100,1,1001,maybe", // non_numeric (bool)
      "11,0,1,1001,true", // non_positive_price
      "11,100,-1,1001,true", // negative_volume
      "11,100,1,999,true", // out_of_order (time back)
      "11,100,1,1001,false", // kept
      "11,100,2,1001,false", // duplicate_ts (same id)
      "9,100,2,1001,false", // out_of_order (id back)
      "14,100,2,1002,false", // kept, gap (ids 12, 13 missing)
    ].join("\n"),
  );
  const r = await readTradesCsv(`${dir}/BTCUSDT-trades-x.csv`);
  assert.deepEqual(nonZero(r.qa), {
    truncated_line: 1,
    non_finite: 1,
    non_numeric: 1,
    non_positive_price: 1,
    negative_volume: 1,
    out_of_order: 2,
    duplicate_ts: 1,
    gap: 1,
  });
  assert.deepEqual(r.qa.counts, { DATA: 9, STALE: 0 });
  assert.deepEqual([...r.columns.tradeId], [10, 11, 14]);
  assert.deepEqual([...r.flags], [0, 0, QaFlag.gap]);
  assert.equal(r.qa.rowsRead, 11);
  assert.equal(r.qa.rowsKept, 3);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("readBookTickerCsv() drops a crossed book and throws one line for a wrong header", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    `${dir}/X-bookTicker.csv`,
    "time,bid_price,bid_qty,ask_price,ask_qty\n1,10,1,11,1\n2,11,1,11,1\n3,10,1,11,1\n",
  );
  const r = await readBookTickerCsv(`${dir}/X-bookTicker.csv`, { symbol: "XUSDT" });
  assert.equal(r.columns.symbol, "XUSDT");
  assert.deepEqual([...r.columns.time], [1, 3]);
  assert.deepEqual(nonZero(r.qa), { crossed_book: 1 });
  await Deno.writeTextFile(`${dir}/bad.csv`, "time,bid,ask\n");
  await assert.rejects(
    () => readBookTickerCsv(`${dir}/bad.csv`),
    (e: unknown) =>
      e instanceof DataFileError &&
      e.message ===
        `Cannot read tick file "${dir}/bad.csv": its header has no column bid_price: header is "time,bid,ask"`,
  );
  await Deno.remove(dir, { recursive: true });
});
