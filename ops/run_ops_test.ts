import assert from "node:assert/strict";
import { TradingLoopControl } from "../actors/trading_loop_control.ts";
import { QaFlag } from "../data/qa_report.ts";
import { UsageError } from "./_train_flags.ts";
import { type RunContext, RunOps } from "./run_ops.ts";

const TOKEN = "run-ops-test-token-0123456789";

function context(dir: string, control = new TradingLoopControl()): RunContext {
  return {
    mode: "backtest",
    runId: "bt-test",
    dir,
    symbols: ["BTCUSDT"],
    models: [{ symbol: "BTCUSDT", kind: "hmm", id: "hmm-0123456789ab" }],
    control,
    startingEquityQuote: 10_000,
    retrainRefusal: "no retraining in this test",
  };
}

function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

Deno.test("RunOps turns loop hooks into metrics, steers the control and refuses a taken port in one line", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shoal-run-ops-" });
  const control = new TradingLoopControl();
  const ops = await RunOps.start(context(dir, control), {
    port: 0,
    log: () => {},
    tokenEnv: TOKEN,
  });
  try {
    const url = ops.server.url;
    ops.observer.execution!({
      type: "execution.reported",
      ts: 60_000,
      minute: [-1, 0],
      quotes: [],
      events: [{
        type: "order.updated",
        ts: 60_000,
        symbol: "BTCUSDT",
        clientOrderId: "sh-BTCUSDT-x-0",
        exchangeOrderId: 7,
        side: "BUY",
        orderType: "LIMIT",
        timeInForce: "GTC",
        price: "100",
        qty: "0.5",
        executedQty: "0",
        status: "NEW",
        reason: "",
        modelVersion: "hmm-0123456789ab",
      }, {
        type: "fill.received",
        ts: 61_000,
        symbol: "BTCUSDT",
        orderId: 7,
        clientOrderId: "sh-BTCUSDT-x-0",
        tradeId: 1,
        side: "BUY",
        price: "100",
        qty: "0.5",
        quoteQty: "50",
        fee: "0.0005",
        feeAsset: "BTC",
        liquidity: "maker",
        slippageBp: -1.5,
        bestBid: "100",
        bestAsk: "100.1",
        queueAhead: "0",
        modelVersion: "hmm-0123456789ab",
        state: 1,
        macroState: 0,
      }],
    });
    ops.observer.guard!({
      type: "guard.recorded",
      ts: 120_000,
      symbol: "BTCUSDT",
      level: "portfolio",
      action: "block",
      reasons: "DD|KILL",
      value: 1,
      threshold: 0,
      detail: "kill=1",
    });
    const flags = Uint8Array.from([0, QaFlag.gap | QaFlag.stale, 0, QaFlag.gap]);
    const zeros = new Float64Array(4);
    ops.observer.batch!({
      seq: 0,
      bars: [{
        symbol: "BTCUSDT",
        length: 4,
        openTime: zeros,
        open: zeros,
        high: zeros,
        low: zeros,
        close: zeros,
        volume: zeros,
        flags,
      }],
    });
    const text = await (await fetch(`${url}/metrics`)).text();
    const s = (series: string) => sample(text, series);
    assert.equal(s('shoal_data_qa_findings_total{symbol="BTCUSDT",reason="DATA",rule="gap"}'), 2);
    assert.equal(
      s('shoal_data_qa_findings_total{symbol="BTCUSDT",reason="STALE",rule="stale"}'),
      1,
    );
    assert.equal(
      s('shoal_data_qa_findings_total{symbol="BTCUSDT",reason="DATA",rule="volume_outlier"}'),
      0,
    );
    assert.equal(
      s('shoal_orders_total{symbol="BTCUSDT",side="buy",type="limit",status="submitted"}'),
      1,
    );
    assert.equal(s('shoal_fills_total{symbol="BTCUSDT",side="buy",liquidity="maker"}'), 1);
    assert.equal(s('shoal_filled_quote_total{symbol="BTCUSDT",side="buy"}'), 50);
    assert.equal(s('shoal_fees_quote_total{symbol="BTCUSDT"}'), 0.05); // 0.0005 BTC at 100
    assert.equal(s('shoal_guard_blocks_total{symbol="BTCUSDT",reason="KILL"}'), 1);
    assert.equal(s('shoal_guard_blocks_total{symbol="BTCUSDT",reason="DD"}'), 1);
    assert.equal(
      s('shoal_model_info{symbol="BTCUSDT",kind="hmm",model_version="hmm-0123456789ab"}'),
      1,
    );
    assert.equal(s("shoal_equity_quote"), 10_000);

    // before the loop runs: no actors yet, the starting equity; a kill is queued for the loop
    const status = await (await fetch(`${url}/status`)).json();
    assert.deepEqual(status.actors, []);
    assert.equal(status.equity, 10_000);
    const killed = await fetch(`${url}/kill`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.deepEqual(await killed.json(), { kill: { active: true, reason: "operator", since: 0 } });
    assert.deepEqual(control.take(), [{ kind: "kill", reason: "operator" }]);
    assert.equal(
      sample(await (await fetch(`${url}/metrics`)).text(), "shoal_kill_switch_active"),
      1,
    );
    const retrain = await fetch(`${url}/retrain`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(retrain.status, 409);
    assert.deepEqual(await retrain.json(), {
      accepted: false,
      reason: "no retraining in this test",
    });

    // a second server on the same port: one line, exit 2 material
    await assert.rejects(
      RunOps.start(context(`${dir}/second`), {
        port: ops.server.port,
        log: () => {},
        tokenEnv: TOKEN,
      }),
      (e: unknown) =>
        e instanceof UsageError &&
        e.message ===
          `Cannot start the ops server on 127.0.0.1:${ops.server.port}: the address is in use (another run?); pick a port with --ops-port (0 = any free port)`,
    );
    await assert.rejects(
      RunOps.start(context(`${dir}/third`), { port: 0, log: () => {}, tokenEnv: "short" }),
      UsageError,
    );
  } finally {
    await ops.close();
    await Deno.remove(dir, { recursive: true });
  }
});
