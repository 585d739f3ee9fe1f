import { configFile } from "./_backtest_support.ts";

/**
 * A run configuration for the paper tests: flat models trained on 3 days (cheap), MARKET orders
 * (filled at once), and a policy that changes its mind often — no minimum holding time, no edge
 * smoothing, entry/exit bands inside the edges the 3-day models produce (≈ 25–55 bp) and the
 * sizing of the earlier defaults — so that a 30-minute window holds several fills. `orderStyle`
 * "limit" places VWAP-anchored limit orders instead (@default {"market"}). Returns the path of a
 * temporary file (remove it after the test).
 */
export function activeConfig(
  options: { orderStyle?: "market" | "limit" } = {},
): Promise<string> {
  const policy = {
    edgeHalfLifeBars: 0,
    entryEdgeBp: 45,
    exitEdgeBp: 40,
    minHoldBars: 0,
    earlyExitEdgeBp: 40,
    retargetFraction: 0.25,
  };
  return configFile({
    run: { trainDays: 3 },
    execution: { orderStyle: options.orderStyle ?? "market" },
    symbols: {
      BTCUSDT: { ...policy, k: 4000, maxQty: 0.03 },
      ETHUSDT: { ...policy, k: 320000, maxQty: 1 },
    },
  });
}
