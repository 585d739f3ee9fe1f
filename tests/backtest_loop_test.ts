/**
 * The backtest end to end in-process (`runBacktest`, symbol actors in Workers) on one traded day
 * of the cluster set (plus the features' warm-up), with flat models trained once beforehand: the
 * run files, the exchange rules of every order and trade, exact equity rows, determinism across
 * runs and under chaos, and bad data that is counted, not fatal. About 15 s.
 */
import assert from "node:assert/strict";
import { RUN_FILES } from "../data/run_columns.ts";
import { type RunSummary, RunSummarySchema } from "../data/run_summary.ts";
import { loadExchangeInfo } from "../data/sim/exchange_info.ts";
import { mulFixed8, parseFixed8, Rounding } from "../data/sim/fixed8.ts";
import { ReasonCode } from "../models/reason_code.ts";
import { parseBacktestFlags } from "../ops/_backtest_flags.ts";
import { type BacktestResult, runBacktest } from "../ops/_backtest_run.ts";
import {
  clusterBacktestArgs,
  configFile,
  filesOf,
  readCsv,
  storeWithModels,
  TRADE_FROM,
  TRADE_TO,
} from "./_backtest_support.ts";

const SYMBOLS = ["BTCUSDT", "ETHUSDT"];
const store = await storeWithModels(SYMBOLS);
const info = await loadExchangeInfo();

async function backtest(extra: string[] = [], patch = {}): Promise<BacktestResult> {
  const out = await Deno.makeTempDir({ prefix: "shoal-bt-" });
  const flags = parseBacktestFlags([
    ...clusterBacktestArgs(store.dir, await configFile(patch), out),
    ...extra,
  ]);
  return await runBacktest(flags, { log: () => {} });
}

let limitRun: Promise<BacktestResult> | null = null;
const limitOnce = () => (limitRun ??= backtest());

Deno.test("runBacktest writes the run files with the exact columns and a summary of the split", async () => {
  const { dir, summary } = await limitOnce();
  for (const [file, columns] of Object.entries(RUN_FILES)) {
    assert.deepEqual((await readCsv(`${dir}/${file}`)).header, [...columns], file);
  }
  const written: RunSummary = RunSummarySchema.parse(
    JSON.parse(await Deno.readTextFile(`${dir}/summary.json`)),
  );
  assert.deepEqual(written, summary);
  assert.equal(summary.split.tradeFrom, "2026-03-26T00:00:00.000Z");
  assert.ok(summary.split.trainTo <= summary.split.tradeFrom, "trained before the traded span");
  for (const m of summary.models) {
    assert.ok(m.firstDecision !== null && m.firstDecision >= m.trainTo, `${m.symbol} look-ahead`);
  }
  const states = await readCsv(`${dir}/state_timeline.csv`);
  assert.equal(states.rows.length, summary.counts.bars);
  assert.ok(summary.counts.bars > 2000 && summary.counts.orders > 0 && summary.counts.fills > 0);
});

Deno.test("runBacktest orders and trades satisfy the exchange filters and equity rows add up exactly", async () => {
  const { dir, summary } = await limitOnce();
  const orders = await readCsv(`${dir}/orders.csv`);
  const trades = await readCsv(`${dir}/trades.csv`);
  const col = (h: string[], name: string) => h.indexOf(name);
  const o = (name: string) => col(orders.header, name),
    t = (name: string) => col(trades.header, name);
  const placed = new Set<string>();
  for (const r of orders.rows) {
    if (r[o("status")] !== "NEW") continue;
    const rules = info.symbols.get(r[o("symbol")])!;
    const qty = parseFixed8(r[o("qty")]), price = parseFixed8(r[o("price")]);
    assert.equal(qty % rules.lotSize!.stepSize, 0n, `qty ${r[o("qty")]} off the step`);
    assert.equal(price % rules.priceFilter!.tickSize, 0n, `price ${r[o("price")]} off the tick`);
    assert.ok(qty >= rules.lotSize!.minQty);
    assert.ok(mulFixed8(qty, price, Rounding.FLOOR) >= rules.notional!.minNotional, "min notional");
    placed.add(r[o("client_order_id")]);
  }
  assert.equal(placed.size, summary.counts.orders - (summary.counts.orderRows.REJECTED ?? 0));
  for (const r of trades.rows) {
    const rules = info.symbols.get(r[t("symbol")])!;
    assert.ok(placed.has(r[t("client_order_id")]), "every trade belongs to a placed order");
    assert.equal(parseFixed8(r[t("price")]) % rules.priceFilter!.tickSize, 0n);
    assert.equal(parseFixed8(r[t("qty")]) % rules.lotSize!.stepSize, 0n);
    const price = Number(r[t("price")]);
    if (r[t("liquidity")] === "taker") {
      if (r[t("side")] === "BUY") assert.ok(price >= Number(r[t("best_ask")]));
      else assert.ok(price <= Number(r[t("best_bid")]));
    }
  }
  const equity = await readCsv(`${dir}/equity.csv`);
  assert.equal(equity.rows.length, 1440, "one row per minute of the traded day");
  for (const [, cash, pv, eq] of equity.rows) {
    assert.equal(parseFixed8(cash) + parseFixed8(pv), parseFixed8(eq), `${cash} + ${pv} ≠ ${eq}`);
  }
  const guards = await readCsv(`${dir}/guardrails.csv`);
  const codes = new Set<string>(Object.values(ReasonCode));
  for (const r of guards.rows) {
    for (const code of r[3].split("|")) assert.ok(codes.has(code), `unknown reason ${code}`);
    assert.ok(["block", "scale", "cancel"].includes(r[2]));
  }
  assert.equal(guards.rows.length, summary.counts.guardRows);
});

Deno.test("runBacktest with market orders fills takers no better than the book", async () => {
  const { dir, summary } = await backtest([], { execution: { orderStyle: "market" } });
  const trades = await readCsv(`${dir}/trades.csv`);
  const h = (name: string) => trades.header.indexOf(name);
  assert.ok(summary.counts.takerFills > 0);
  for (const r of trades.rows) {
    assert.equal(r[h("liquidity")], "taker");
    const price = Number(r[h("price")]);
    if (r[h("side")] === "BUY") assert.ok(price >= Number(r[h("best_ask")]), r.join(","));
    else assert.ok(price <= Number(r[h("best_bid")]), r.join(","));
  }
});

Deno.test("runBacktest is byte-identical across runs and under chaos except restarts", async () => {
  const first = await limitOnce();
  const second = await backtest();
  const chaos = await backtest(["--chaos-crash-rate", "0.01"]);
  const a = await filesOf(first.dir), b = await filesOf(second.dir), c = await filesOf(chaos.dir);
  assert.deepEqual([...a.keys()], [...b.keys()]);
  assert.deepEqual([...a.keys()], [...c.keys()]);
  assert.ok([...a.keys()].some((k) => k.startsWith("parquet/")));
  for (const [name, bytes] of a) {
    assert.deepEqual(b.get(name), bytes, `${name} differs between two runs`);
    if (name !== "summary.json") {
      assert.deepEqual(c.get(name), bytes, `${name} differs under chaos`);
    }
  }
  assert.ok(chaos.summary.restarts > 0, "chaos restarted the symbol actors");
  const strip = (s: RunSummary) => ({ ...s, restarts: 0, chaos: null });
  assert.deepEqual(strip(chaos.summary), strip(first.summary));
  assert.equal(first.summary.restarts, 0);
});

Deno.test("runBacktest counts NaN, duplicated and shuffled rows and completes", async () => {
  const data = await Deno.makeTempDir({ prefix: "shoal-data-" });
  await Deno.mkdir(`${data}/klines-1m/cluster`, { recursive: true });
  const src = new URL("../../shared/data/binance/klines-1m/cluster/", import.meta.url);
  const hour = TRADE_FROM + 6 * 3_600_000;
  for (const symbol of SYMBOLS) {
    const name = `${symbol}-1m-2026-03-23_2026-04-22.csv`;
    const lines = (await Deno.readTextFile(new URL(name, src))).trimEnd().split("\n");
    const keep = [lines[0]];
    for (const line of lines.slice(1)) {
      const ts = Number(line.slice(0, line.indexOf(",")));
      if (ts >= TRADE_TO) break;
      keep.push(line);
    }
    const at = keep.findIndex((l) => l.startsWith(String(hour)));
    keep.splice(at + 1, 0, keep[at]); // a duplicated row
    [keep[at + 10], keep[at + 11]] = [keep[at + 11], keep[at + 10]]; // two rows swapped
    const nan = keep[at + 20].split(",");
    nan[4] = "NaN"; // close
    keep[at + 20] = nan.join(",");
    await Deno.writeTextFile(`${data}/klines-1m/cluster/${name}`, keep.join("\n") + "\n");
  }
  const { summary } = await backtest(["--data", data]);
  const rules = summary.counts.dataQa.byRule;
  assert.equal(rules.duplicate_ts, 2);
  assert.equal(rules.out_of_order, 2);
  assert.equal(rules.non_finite, 2);
  assert.ok(summary.counts.dataQa.byReason.DATA >= 6);
  assert.ok(rules.gap >= 2, "the dropped rows leave gaps, flagged on the next bar");
  assert.ok(summary.counts.bars > 2000, "the run went on");
});
