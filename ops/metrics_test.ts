import assert from "node:assert/strict";
import { Registry } from "prom-client";
import { QaRule } from "../data/qa_report.ts";
import { ReasonCode } from "../models/reason_code.ts";
import { exposedSampleNames, fillSampleMetrics, sampleValue } from "./_sample_metrics.ts";
import { ShoalMetrics } from "./metrics.ts";

Deno.test("ShoalMetrics uses its own registry, never the global default", async () => {
  const { register } = await import("prom-client");
  const before = await register.metrics();
  const metrics = new ShoalMetrics({ symbols: ["BTCUSDT"] });
  assert.notEqual(metrics.registry, register);
  assert.equal(await register.metrics(), before);
  assert.ok(!before.includes("shoal_"));
});

Deno.test("ShoalMetrics defines every metric in a registry passed in", async () => {
  const registry = new Registry();
  const metrics = new ShoalMetrics({ registry });
  assert.equal(metrics.registry, registry);
  const all = await registry.getMetricsAsJSON();
  assert.equal(all.length, 34);
  for (const { name, help } of all) {
    assert.match(name, /^shoal_[a-z0-9_]+$/);
    assert.ok(help.length > 20, `${name} needs a help text`);
  }
});

Deno.test("ShoalMetrics exports zero series for known label values from the start", async () => {
  const metrics = new ShoalMetrics({ symbols: ["BTCUSDT", "ETHUSDT"], actors: ["feed"] });
  const text = await metrics.render();
  for (const reason of Object.values(ReasonCode)) {
    assert.equal(
      sampleValue(text, `shoal_guard_blocks_total{symbol="ETHUSDT",reason="${reason}"}`),
      0,
    );
  }
  for (const rule of Object.values(QaRule)) {
    assert.match(
      text,
      new RegExp(
        `shoal_data_qa_findings_total\\{symbol="BTCUSDT",reason="(DATA|STALE)",rule="${rule}"\\} 0`,
      ),
    );
  }
  assert.equal(sampleValue(text, "shoal_kill_switch_active"), 0);
  assert.equal(sampleValue(text, 'shoal_reconciliation_mismatches_total{kind="unknown_order"}'), 0);
  assert.equal(sampleValue(text, 'shoal_exchange_ws_reconnects_total{stream="user"}'), 0);
  assert.equal(sampleValue(text, 'shoal_actor_up{actor="feed"}'), 0);
  assert.equal(sampleValue(text, 'shoal_events_processed_total{actor="feed"}'), 0);
  assert.equal(sampleValue(text, 'shoal_decision_latency_seconds_count{symbol="BTCUSDT"}'), 0);
  assert.equal(
    sampleValue(
      text,
      'shoal_orders_total{symbol="BTCUSDT",side="sell",type="limit_maker",status="rejected"}',
    ),
    0,
  );
  assert.equal(sampleValue(text, 'shoal_exposure_quote{kind="net"}'), 0);
  assert.equal(exposedSampleNames(text).has("shoal_hmm_state"), false);
});

Deno.test("ShoalMetrics.recordFill() counts the fill, its value, fee and slippage", async () => {
  const metrics = new ShoalMetrics({ symbols: ["BTCUSDT"] });
  const fill = { side: "sell", liquidity: "maker", quoteQty: 250, feeQuote: 0.25 } as const;
  metrics.recordFill("BTCUSDT", { ...fill, slippageBp: 1.5 });
  metrics.recordFill("BTCUSDT", { ...fill, slippageBp: -3 });
  const text = await metrics.render();
  assert.equal(
    sampleValue(text, 'shoal_fills_total{symbol="BTCUSDT",side="sell",liquidity="maker"}'),
    2,
  );
  assert.equal(sampleValue(text, 'shoal_filled_quote_total{symbol="BTCUSDT",side="sell"}'), 500);
  assert.equal(sampleValue(text, 'shoal_fees_quote_total{symbol="BTCUSDT"}'), 0.5);
  assert.equal(sampleValue(text, 'shoal_slippage_bp_bucket{le="-2",symbol="BTCUSDT"}'), 1);
  assert.equal(sampleValue(text, 'shoal_slippage_bp_bucket{le="2",symbol="BTCUSDT"}'), 2);
  assert.equal(sampleValue(text, 'shoal_slippage_bp_sum{symbol="BTCUSDT"}'), -1.5);
});

Deno.test("ShoalMetrics.recordGuardBlock() counts once per reason", async () => {
  const metrics = new ShoalMetrics({ symbols: ["BTCUSDT"] });
  metrics.recordGuardBlock("BTCUSDT", ["DD", "KILL"]);
  metrics.recordGuardBlock("BTCUSDT", ["KILL"]);
  const text = await metrics.render();
  assert.equal(sampleValue(text, 'shoal_guard_blocks_total{symbol="BTCUSDT",reason="KILL"}'), 2);
  assert.equal(sampleValue(text, 'shoal_guard_blocks_total{symbol="BTCUSDT",reason="DD"}'), 1);
  assert.equal(sampleValue(text, 'shoal_guard_blocks_total{symbol="BTCUSDT",reason="CONF"}'), 0);
});

Deno.test("ShoalMetrics.setModelVersion() keeps one series per symbol and kind", async () => {
  const metrics = new ShoalMetrics();
  metrics.setModelVersion("BTCUSDT", "hmm", "v1");
  metrics.setModelVersion("BTCUSDT", "policy", "p1");
  metrics.setModelVersion("BTCUSDT", "hmm", "v2");
  const text = await metrics.render();
  const lines = text.split("\n").filter((l) => l.startsWith("shoal_model_info{"));
  assert.deepEqual(lines.sort(), [
    'shoal_model_info{symbol="BTCUSDT",kind="hmm",model_version="v2"} 1',
    'shoal_model_info{symbol="BTCUSDT",kind="policy",model_version="p1"} 1',
  ]);
});

Deno.test("ShoalMetrics.setHmmState() drops posteriors of states a smaller model lacks", async () => {
  const metrics = new ShoalMetrics();
  metrics.setHmmState("ETHUSDT", 3, [0.1, 0.1, 0.1, 0.7]);
  metrics.setHmmState("ETHUSDT", 1, [0.25, 0.75]);
  const text = await metrics.render();
  assert.equal(sampleValue(text, 'shoal_hmm_state{symbol="ETHUSDT"}'), 1);
  assert.equal(sampleValue(text, 'shoal_hmm_posterior{symbol="ETHUSDT",state="1"}'), 0.75);
  assert.equal(sampleValue(text, 'shoal_hmm_posterior{symbol="ETHUSDT",state="3"}'), undefined);
});

Deno.test("ShoalMetrics.recordMacroState() sets the state and counts bars per state", async () => {
  const metrics = new ShoalMetrics();
  for (const state of [0, 1, 1, 2, 1]) metrics.recordMacroState("BTCUSDT", state);
  const text = await metrics.render();
  assert.equal(sampleValue(text, 'shoal_macro_state{symbol="BTCUSDT"}'), 1);
  assert.equal(sampleValue(text, 'shoal_macro_state_bars_total{symbol="BTCUSDT",state="1"}'), 3);
  assert.equal(sampleValue(text, 'shoal_macro_state_bars_total{symbol="BTCUSDT",state="2"}'), 1);
});

Deno.test("ShoalMetrics.recordDataQa() files a rule under its reason code", async () => {
  const metrics = new ShoalMetrics();
  metrics.recordDataQa("BTCUSDT", "stale", 4);
  metrics.recordDataQa("BTCUSDT", "duplicate_ts");
  const text = await metrics.render();
  assert.equal(
    sampleValue(text, 'shoal_data_qa_findings_total{symbol="BTCUSDT",reason="STALE",rule="stale"}'),
    4,
  );
  assert.equal(
    sampleValue(
      text,
      'shoal_data_qa_findings_total{symbol="BTCUSDT",reason="DATA",rule="duplicate_ts"}',
    ),
    1,
  );
});

Deno.test("ShoalMetrics.setRunInfo() replaces the previous run's labels", async () => {
  const metrics = new ShoalMetrics();
  metrics.setRunInfo("paper", "a");
  metrics.setRunInfo("backtest", "b");
  const text = await metrics.render();
  assert.equal(sampleValue(text, 'shoal_run_info{mode="paper",run_id="a"}'), undefined);
  assert.equal(sampleValue(text, 'shoal_run_info{mode="backtest",run_id="b"}'), 1);
});

Deno.test("ShoalMetrics.trackLiveUpdates() reads clients and drops at each scrape", async () => {
  const metrics = new ShoalMetrics();
  const stats = { clientCount: 2, droppedCount: 5 };
  metrics.trackLiveUpdates(stats);
  let text = await metrics.render();
  assert.equal(sampleValue(text, "shoal_live_clients"), 2);
  assert.equal(sampleValue(text, "shoal_live_updates_dropped_total"), 5);
  stats.clientCount = 0;
  stats.droppedCount = 7;
  text = await metrics.render();
  assert.equal(sampleValue(text, "shoal_live_clients"), 0);
  assert.equal(sampleValue(text, "shoal_live_updates_dropped_total"), 7);
});

Deno.test("ShoalMetrics sets actor health, equity and exchange gauges as given", async () => {
  const metrics = new ShoalMetrics({ symbols: ["BTCUSDT"] });
  fillSampleMetrics(metrics, ["BTCUSDT"]);
  metrics.setActorHealth("execution", { alive: false, mailboxDepth: 17 });
  metrics.setKillSwitch(true);
  const text = await metrics.render();
  assert.equal(sampleValue(text, 'shoal_actor_up{actor="execution"}'), 0);
  assert.equal(sampleValue(text, 'shoal_mailbox_depth{actor="execution"}'), 17);
  assert.equal(sampleValue(text, 'shoal_actor_restarts_total{actor="execution"}'), 1);
  assert.equal(sampleValue(text, 'shoal_events_processed_total{actor="symbol:BTCUSDT"}'), 120);
  assert.equal(sampleValue(text, "shoal_equity_quote"), 10250.5);
  assert.equal(sampleValue(text, "shoal_drawdown_ratio"), 0.01);
  assert.equal(sampleValue(text, 'shoal_exposure_quote{kind="gross"}'), 1000);
  assert.equal(sampleValue(text, "shoal_exchange_used_weight"), 42);
  assert.equal(sampleValue(text, "shoal_exchange_weight_limit"), 6000);
  assert.equal(sampleValue(text, "shoal_kill_switch_active"), 1);
  assert.equal(sampleValue(text, 'shoal_intent_target_quote{symbol="BTCUSDT"}'), 500);
  assert.equal(sampleValue(text, 'shoal_transition_drift_active{symbol="BTCUSDT"}'), 0);
  assert.equal(sampleValue(text, 'shoal_transition_kl_nats{symbol="BTCUSDT"}'), 0.02);
});
