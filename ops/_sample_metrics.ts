import type { ShoalMetrics } from "./metrics.ts";

/**
 * Calls every {@link ShoalMetrics} method once or more with known values, as a short run would:
 * test support for checks over the whole exposition (promtool, dashboards, a real Prometheus).
 * Equity ends at 10250.5.
 */
export function fillSampleMetrics(metrics: ShoalMetrics, symbols: readonly string[]): void {
  metrics.setRunInfo("paper", "20240101-000000-test");
  for (const actor of ["feed", "execution", ...symbols.map((s) => `symbol:${s}`)]) {
    metrics.recordEvents(actor, 120);
    metrics.setActorHealth(actor, { alive: true, mailboxDepth: 3, lastEventAgeSeconds: 0.5 });
  }
  metrics.recordActorRestart("execution");
  for (const symbol of symbols) {
    metrics.observeDecisionLatency(symbol, 0.0004);
    metrics.recordDecision(symbol, "buy", 500);
    metrics.recordGuardBlock(symbol, ["SPREAD", "VOL"]);
    metrics.recordOrder(symbol, { side: "buy", type: "market", status: "submitted" });
    metrics.recordOrder(symbol, { side: "buy", type: "market", status: "filled" });
    metrics.recordFill(symbol, {
      side: "buy",
      liquidity: "taker",
      quoteQty: 500,
      feeQuote: 0.5,
      slippageBp: 1.5,
    });
    metrics.setPosition(symbol, 500);
    metrics.setHmmState(symbol, 2, [0.1, 0.2, 0.6, 0.1]);
    metrics.recordMacroState(symbol, 1);
    metrics.setTransitionDrift(symbol, 0.02, false);
    metrics.recordDataQa(symbol, "gap", 2);
    metrics.setModelVersion(symbol, "hmm", `hmm-${symbol.toLowerCase()}-v1`);
  }
  metrics.setEquity({ equity: 10250.5, drawdown: 0.01, grossExposure: 1000, netExposure: 1000 });
  metrics.recordReconciliationMismatch("missing_fill");
  metrics.recordExchangeReconnect("market");
  metrics.setExchangeWeight(42, { limit: 6000 });
  metrics.setKillSwitch(false);
}

/** The sample (series) names in a text exposition, e.g. `shoal_slippage_bp_bucket`. */
export function exposedSampleNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
    if (match !== null) names.add(match[0]);
  }
  return names;
}

/** The value of the one sample whose line starts with `series` (name and labels), or undefined. */
export function sampleValue(text: string, series: string): number | undefined {
  for (const line of text.split("\n")) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}
