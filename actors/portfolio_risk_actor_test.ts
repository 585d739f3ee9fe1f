import assert from "node:assert/strict";
import { spawnLocalActor } from "./local_host.ts";
import type { ExecutionReported } from "./messages/execution_reported.ts";
import type { IntentProposed } from "./messages/intent_proposed.ts";
import { OHLCV_FIELDS } from "./messages/market_advanced.ts";
import { portfolioRiskActor, type RiskActorConfigInput } from "./portfolio_risk_actor.ts";

const T0 = Date.UTC(2025, 5, 1);
const SYMBOLS = ["BTCUSDT", "ETHUSDT"];

const CONFIG: RiskActorConfigInput = {
  symbols: [
    {
      symbol: "BTCUSDT",
      baseAsset: "BTC",
      quoteAsset: "USDT",
      tickSize: 0.01,
      stepSize: 0.00001,
      lotMinQty: 0.00001,
      lotMaxQty: 9000,
      minNotionalQuote: 10,
      cooldownMs: 300_000,
      notionalFloorQuote: 12,
      maxOrderNotionalQuote: 1500,
      vwapBandBp: 60,
    },
    {
      symbol: "ETHUSDT",
      baseAsset: "ETH",
      quoteAsset: "USDT",
      tickSize: 0.01,
      stepSize: 0.0001,
      lotMinQty: 0.0001,
      lotMaxQty: 9000,
      minNotionalQuote: 10,
      cooldownMs: 300_000,
      notionalFloorQuote: 12,
      maxOrderNotionalQuote: 1500,
      vwapBandBp: 120,
    },
  ],
  budget: {
    globalNotionalBudgetQuote: 8000,
    maxGrossExposureFraction: 0.9,
    globalCooldownMs: 1000,
    maxDrawdown: { defaultFraction: 0.1, byState: {} },
    correlation: { ewmaHalfLifeBars: 720, maxCorrelation: 0.85, maxPortfolioVolBp: 6 },
  },
  cashQuote: 10_000,
  orderStyle: "limit",
  recordFrom: T0,
};

function intent(patch: Partial<IntentProposed> = {}): IntentProposed {
  return {
    type: "intent.proposed",
    ts: T0 + 59_999,
    symbol: "BTCUSDT",
    modelVersion: "hmm-0123456789ab",
    side: "buy",
    targetQty: 0.01,
    edge: 2e-5,
    conf: 0.8,
    state: 1,
    macroState: 0,
    riskBias: 1,
    price: 100_000,
    vwap: 100_000,
    spreadBp: 1,
    volBp: 5,
    ...patch,
  };
}

/** One minute of both symbols at flat prices. */
function minute(i: number, report: ExecutionReported["events"] = []) {
  const ohlcv = new Float64Array(2 * OHLCV_FIELDS);
  ohlcv.set([100_000, 100_000, 100_000, 100_000, 10], 0);
  ohlcv.set([2_500, 2_500, 2_500, 2_500, 100], OHLCV_FIELDS);
  const ts = T0 + i * 60_000 + 59_999;
  return {
    type: "book.advance" as const,
    ts,
    symbols: SYMBOLS,
    openTime: Float64Array.of(T0 + i * 60_000),
    ohlcv,
    report: {
      type: "execution.reported" as const,
      ts,
      events: report,
      minute: report.map(() => 0),
      quotes: [],
    },
  };
}

Deno.test("portfolioRiskActor turns an intent into a VWAP-anchored limit order with a derived client id", async () => {
  const ref = await spawnLocalActor(portfolioRiskActor, { config: CONFIG });
  await ref.ask(minute(0));
  const verdict = await ref.ask({
    type: "intent.evaluate",
    ts: T0 + 59_999,
    intent: intent(),
    bestBid: 99_999.5,
    bestAsk: 100_000.5,
    retry: false,
  });
  assert.equal(verdict.guard, null);
  assert.equal(verdict.cancel, null);
  assert.deepEqual(
    verdict.order &&
      [verdict.order.clientOrderId, verdict.order.side, verdict.order.qty, verdict.order.price],
    [`sh-BTCUSDT-${(T0 + 59_999).toString(36)}-0`, "BUY", 0.01, 99_999.5],
  );
  await ref.stop();
});

Deno.test("portfolioRiskActor blocks a second entry within the cooldown with a COOLDOWN row", async () => {
  const ref = await spawnLocalActor(portfolioRiskActor, { config: CONFIG });
  await ref.ask(minute(0));
  const ask = (ts: number, targetQty: number) =>
    ref.ask({
      type: "intent.evaluate",
      ts,
      intent: intent({ ts, targetQty }),
      bestBid: 99_999.5,
      bestAsk: 100_000.5,
      retry: false,
    });
  await ask(T0 + 59_999, 0.01);
  const second = await ask(T0 + 120_000 + 59_999, 0.014);
  assert.equal(second.order, null);
  assert.deepEqual(
    second.guard &&
      [second.guard.level, second.guard.action, second.guard.reasons, second.guard.value],
    ["portfolio", "block", "COOLDOWN", 120_000],
  );
  await ref.stop();
});

Deno.test("portfolioRiskActor asks to cancel a resting buy before an exit and books fills into equity rows", async () => {
  const ref = await spawnLocalActor(portfolioRiskActor, { config: CONFIG });
  await ref.ask(minute(0));
  const entry = await ref.ask({
    type: "intent.evaluate",
    ts: T0 + 59_999,
    intent: intent(),
    bestBid: 99_999.5,
    bestAsk: 100_000.5,
    retry: false,
  });
  const id = entry.order!.clientOrderId;
  const filled: ExecutionReported["events"] = [{
    type: "fill.received",
    ts: T0 + 60_000 + 59_999,
    symbol: "BTCUSDT",
    orderId: 1,
    clientOrderId: id,
    tradeId: 1,
    side: "BUY",
    price: "99999.50000000",
    qty: "0.00600000",
    quoteQty: "599.99700000",
    fee: "0.00000600",
    feeAsset: "BTC",
    liquidity: "maker",
    slippageBp: 0,
    bestBid: "99999.50000000",
    bestAsk: "100000.50000000",
    queueAhead: "0.00000000",
    modelVersion: "hmm-0123456789ab",
    state: 1,
    macroState: 0,
  }];
  const rows = await ref.ask(minute(1, filled));
  assert.equal(rows.rows, 1);
  const held = 0.006 - 0.000006;
  assert.equal(rows.cash[0], 10_000 - 599.997);
  assert.equal(rows.positionsValue[0], held * 100_000);
  const exit = await ref.ask({
    type: "intent.evaluate",
    ts: T0 + 120_000 + 59_999,
    intent: intent({ ts: T0 + 120_000 + 59_999, side: "sell", targetQty: 0 }),
    bestBid: 99_999.5,
    bestAsk: 100_000.5,
    retry: false,
  });
  assert.deepEqual([exit.cancel, exit.order], ["BUY", null], "the resting 0.004 goes first");
  await ref.tell({
    type: "execution.reported",
    ts: T0 + 120_000 + 59_999,
    events: [{
      type: "order.updated",
      ts: T0 + 120_000 + 59_999,
      symbol: "BTCUSDT",
      clientOrderId: id,
      exchangeOrderId: 1,
      side: "BUY",
      orderType: "LIMIT",
      timeInForce: "GTC",
      price: "99999.50000000",
      qty: "0.01000000",
      executedQty: "0.00600000",
      status: "CANCELED",
      reason: "retarget",
      modelVersion: "hmm-0123456789ab",
    }],
    minute: [-1],
    quotes: [],
  });
  const again = await ref.ask({
    type: "intent.evaluate",
    ts: T0 + 120_000 + 59_999,
    intent: intent({ ts: T0 + 120_000 + 59_999, side: "sell", targetQty: 0 }),
    bestBid: 99_999.5,
    bestAsk: 100_000.5,
    retry: true,
  });
  assert.deepEqual(
    again.order &&
      [again.order.side, again.order.qty, again.order.price, again.order.clientOrderId],
    ["SELL", 0.00599, 100_000.5, `sh-BTCUSDT-${(T0 + 120_000 + 59_999).toString(36)}-0`],
    "the exit sells what is held (snapped to the step) at the ask",
  );
  await ref.stop();
});
