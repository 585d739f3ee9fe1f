import assert from "node:assert/strict";
import { loadExchangeInfo } from "../data/sim/exchange_info.ts";
import type { SymbolGuardLimits } from "../models/risk/check_symbol_guards.ts";
import type { PortfolioBudget, SymbolOrderLimits } from "../models/risk/check_portfolio_guards.ts";
import type { RiskBiasScaling } from "../models/risk/risk_bias_thresholds.ts";
import { DEFAULT_PRIOR_HORIZON_BARS } from "../models/training/train_model.ts";
import {
  checkConfigAgainstExchange,
  ConfigError,
  configHash,
  DEFAULT_CONFIG_URL,
  loadConfig,
  parseConfig,
} from "./config.ts";

async function defaultJson(): Promise<Record<string, unknown>> {
  return JSON.parse(await Deno.readTextFile(DEFAULT_CONFIG_URL));
}

/** The config error thrown by `fn`, or a failed assertion. */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${err}`);
    return err;
  }
  assert.fail("expected a ConfigError");
}

Deno.test("loadConfig() loads the shipped default: BTCUSDT and ETHUSDT on 10 000 USDT", async () => {
  const config = await loadConfig();
  assert.deepEqual(config.run.symbols, ["BTCUSDT", "ETHUSDT"]);
  assert.deepEqual(config.exchange.startingBalances, { USDT: 10000 });
  assert.equal(config.execution.orderStyle, "limit");
  // The parsed config feeds the pure risk code as it is.
  const guard: SymbolGuardLimits = config.symbols.BTCUSDT;
  const order: Omit<SymbolOrderLimits, "stepSize" | "minNotionalQuote"> = config.symbols.ETHUSDT;
  const budget: PortfolioBudget = config.risk;
  const scaling: RiskBiasScaling = config.risk.riskBiasScaling;
  assert.equal(guard.minConf, 0.6);
  assert.equal(order.maxOrderNotionalQuote, 2000);
  assert.equal(budget.globalNotionalBudgetQuote, 8000);
  assert.equal(scaling.maxLoosen, 1.25);
  // the policy, its sizing and the drift monitor, tuned on 2025-06-19 → 07-19 only (README)
  for (const s of ["BTCUSDT", "ETHUSDT"] as const) {
    const c = config.symbols[s];
    assert.deepEqual(
      [
        c.priorHorizonBars,
        c.edgeHalfLifeBars,
        c.entryEdgeBp,
        c.exitEdgeBp,
        c.minHoldBars,
        c.earlyExitEdgeBp,
        c.retargetFraction,
      ],
      [240, 60, 3, -2, 240, -6, 0.5],
      s,
    );
    assert.deepEqual(c.drift, {
      thresholdNats: 0.05,
      clearBelowNats: 0.025,
      forgetting: 0.995,
      priorWeight: 10,
      warmupBars: 240,
    });
  }
  assert.deepEqual(
    [config.symbols.BTCUSDT.k, config.symbols.BTCUSDT.maxQty],
    [100, 0.015],
  );
  assert.deepEqual([config.symbols.ETHUSDT.k, config.symbols.ETHUSDT.maxQty], [6000, 0.45]);
  assert.equal(config.risk.drawdownWindowMs, 7 * 86_400_000);
  assert.deepEqual(config.risk.maxDrawdown, { defaultFraction: 0.1, byState: {} });
});

Deno.test("checkConfigAgainstExchange() accepts the default against the bundled 2021 exchangeInfo", async () => {
  const config = await loadConfig();
  const info = await loadExchangeInfo();
  checkConfigAgainstExchange(config, info.symbols);
  // Sizes clear Binance's 10 USDT minimum even at the lowest bundled prices (BTC 65 000, ETH 1 938).
  assert.ok(config.symbols.BTCUSDT.minQty * 65_000 >= 10);
  assert.ok(config.symbols.ETHUSDT.minQty * 1_938 >= 10);
});

Deno.test("parseConfig() reports all 3 bad fields of a config with their dotted paths and values", async () => {
  const json = await defaultJson();
  const symbols = json.symbols as Record<string, Record<string, unknown>>;
  symbols.BTCUSDT.k = -1;
  (json.risk as Record<string, unknown>).globalCooldownMs = "soon";
  delete symbols.ETHUSDT.staleAfterMs;
  const err = configError(() => parseConfig(json, { source: '"bad.json"' }));
  assert.deepEqual(err.issues.map((i) => [i.path, i.rule, i.value]), [
    ["symbols.BTCUSDT.k", "must be > 0", -1],
    ["symbols.ETHUSDT.staleAfterMs", "is required (a number)", undefined],
    ["risk.globalCooldownMs", "must be a number", "soon"],
  ]);
  assert.equal(err.field, "symbols.BTCUSDT.k");
  assert.equal(
    err.message,
    [
      'Cannot load config "bad.json": 3 bad fields',
      "  symbols.BTCUSDT.k must be > 0: current value is -1",
      "  symbols.ETHUSDT.staleAfterMs is required (a number): current value is missing",
      '  risk.globalCooldownMs must be a number: current value is "soon"',
    ].join("\n"),
  );
});

Deno.test("parseConfig() rejects an unknown key at any depth, the exchange block included", async () => {
  const json = await defaultJson();
  (json.symbols as Record<string, Record<string, unknown>>).BTCUSDT.cooldwnMs = 1000;
  ((json.exchange as Record<string, unknown>).book as Record<string, unknown>).levelz = 5;
  json.extra = true;
  const err = configError(() => parseConfig(json));
  assert.deepEqual(err.issues.map((i) => [i.path, i.rule, i.value]), [
    ["symbols.BTCUSDT.cooldwnMs", "is not a known field", 1000],
    ["exchange.book.levelz", "is not a known field", 5],
    ["extra", "is not a known field", true],
  ]);
});

Deno.test("parseConfig() checks cross-field rules even when other fields have the wrong type", async () => {
  const json = await defaultJson();
  const btc = (json.symbols as Record<string, Record<string, unknown>>).BTCUSDT;
  btc.minQty = 0.5; // > maxQty 0.03
  btc.maxOrderNotionalQuote = 2500; // > execution cap 2000
  btc.model = 7; // a type error elsewhere must not hide the rules above
  (json.run as Record<string, unknown>).symbols = ["BTCUSDT", "SOLUSDT", "BTCUSDT"];
  (json.execution as Record<string, unknown>).limitTtlMs = 30_000;
  const err = configError(() => parseConfig(json));
  assert.deepEqual(err.issues.map((i) => [i.path, i.rule]), [
    ["symbols.BTCUSDT.model", "must be a string"],
    ["symbols.BTCUSDT.minQty", "must be ≤ symbols.BTCUSDT.maxQty (0.015)"],
    ["symbols.BTCUSDT.maxOrderNotionalQuote", "must be ≤ execution.maxOrderNotionalQuote (2000)"],
    ["run.symbols.1", "must name an entry of symbols"],
    ["run.symbols.2", "is listed twice"],
    [
      "execution.limitTtlMs",
      "must be ≥ exchange.barIntervalMs (60000): a limit order fills only from later bars",
    ],
  ]);
});

Deno.test("parseConfig() names enum, range and key-format problems in words", async () => {
  const json = await defaultJson();
  (json.execution as Record<string, unknown>).orderStyle = "twap";
  const risk = json.risk as Record<string, Record<string, unknown>>;
  risk.maxDrawdown.byState = { "calm": 0.05, "2": 1.5 };
  (json.symbols as Record<string, unknown>).btcusdt = {};
  const exchange = json.exchange as Record<string, Record<string, unknown>>;
  exchange.startingBalances.USDT = true;
  (json.symbols as Record<string, Record<string, unknown>>).ETHUSDT.cooldownMs = 1.5;
  const err = configError(() => parseConfig(json));
  assert.deepEqual(err.issues.map((i) => [i.path, i.rule]), [
    ["symbols.ETHUSDT.cooldownMs", "must be an integer"],
    ["symbols.btcusdt", "is not a valid key: must be upper-case letters and digits"],
    ["risk.maxDrawdown.byState.2", "must be ≤ 1"], // integer keys come first in a JS object
    ["risk.maxDrawdown.byState.calm", "is not a valid key: must be an HMM state number"],
    ["execution.orderStyle", 'must be one of "limit", "market"'],
    ["exchange.startingBalances.USDT", "must be a number or a string"],
  ]);
});

Deno.test("checkConfigAgainstExchange() lists every symbol rule the config breaks", async () => {
  const json = await defaultJson();
  const symbols = json.symbols as Record<string, Record<string, unknown>>;
  symbols.BTCUSDT.notionalFloorQuote = 5;
  symbols.BTCUSDT.minQty = 0.000001;
  symbols.ETHUSDT.maxQty = 10_000;
  const info = await loadExchangeInfo();
  const err = configError(() => checkConfigAgainstExchange(parseConfig(json), info.symbols));
  assert.deepEqual(err.issues.map((i) => [i.path, i.rule]), [
    ["symbols.BTCUSDT.notionalFloorQuote", "must be ≥ the exchange's minimum notional (10)"],
    ["symbols.BTCUSDT.minQty", "must be ≥ the exchange's LOT_SIZE minQty (0.00001)"],
    ["symbols.ETHUSDT.maxQty", "must be ≤ the exchange's LOT_SIZE maxQty (9000)"],
  ]);
  const unknown = await defaultJson();
  (unknown.run as Record<string, unknown>).symbols = ["DOGEUSDT"];
  (unknown.symbols as Record<string, unknown>).DOGEUSDT = symbols.BTCUSDT;
  symbols.BTCUSDT.notionalFloorQuote = 12;
  symbols.BTCUSDT.minQty = 0.0002;
  const err2 = configError(() => checkConfigAgainstExchange(parseConfig(unknown), info.symbols));
  assert.deepEqual(err2.issues.map((i) => [i.path, i.value]), [["run.symbols.0", "DOGEUSDT"]]);
});

Deno.test("loadConfig() turns a missing file and broken JSON into a ConfigError", async () => {
  await assert.rejects(() => loadConfig("/nonexistent/shoal.json"), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.message, 'Cannot load config "/nonexistent/shoal.json": no such file');
    return true;
  });
  const path = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await Deno.writeTextFile(path, "{ nope");
    await assert.rejects(() => loadConfig(path), ConfigError);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("configHash() is stable under key order and changes with any value", async () => {
  const json = await defaultJson();
  const reversed = reverseKeys(json);
  assert.notEqual(JSON.stringify(reversed), JSON.stringify(json));
  const a = configHash(parseConfig(json));
  assert.equal(configHash(parseConfig(reversed)), a);
  assert.match(a, /^[0-9a-f]{64}$/);
  (json.run as Record<string, unknown>).seed = 43;
  assert.notEqual(configHash(parseConfig(json)), a);
});

Deno.test("configHash() hashes the parsed config, so an omitted exchange default hashes like the written one", async () => {
  const json = await defaultJson();
  const short = structuredClone(json);
  delete (short.exchange as Record<string, unknown>).slippage;
  assert.equal(configHash(parseConfig(short)), configHash(parseConfig(json)));
});

function reverseKeys(v: unknown): Record<string, unknown> {
  const walk = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(walk);
    if (x === null || typeof x !== "object") return x;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(x).reverse()) out[k] = walk((x as Record<string, unknown>)[k]);
    return out;
  };
  return walk(v) as Record<string, unknown>;
}

Deno.test("parseConfig() checks the policy hysteresis band, the drift monitor's clear level and the drawdown window", async () => {
  const json = await defaultJson();
  const btc = (json.symbols as Record<string, Record<string, unknown>>).BTCUSDT;
  btc.exitEdgeBp = (btc.entryEdgeBp as number) + 1;
  btc.earlyExitEdgeBp = (btc.exitEdgeBp as number) + 0.5;
  const eth = (json.symbols as Record<string, Record<string, Record<string, unknown>>>).ETHUSDT;
  eth.drift.clearBelowNats = eth.drift.thresholdNats;
  (json.risk as Record<string, unknown>).drawdownWindowMs = 59_999;
  const err = configError(() => parseConfig(json));
  assert.deepEqual(err.issues.map((i) => [i.path, i.rule, i.value]), [
    [
      "symbols.BTCUSDT.exitEdgeBp",
      `must be ≤ symbols.BTCUSDT.entryEdgeBp (${btc.entryEdgeBp})`,
      btc.exitEdgeBp,
    ],
    [
      "symbols.BTCUSDT.earlyExitEdgeBp",
      `must be ≤ symbols.BTCUSDT.exitEdgeBp (${btc.exitEdgeBp})`,
      btc.earlyExitEdgeBp,
    ],
    [
      "symbols.ETHUSDT.drift.clearBelowNats",
      `must be < symbols.ETHUSDT.drift.thresholdNats (${eth.drift.thresholdNats})`,
      eth.drift.thresholdNats,
    ],
    [
      "risk.drawdownWindowMs",
      "must be ≥ exchange.barIntervalMs (60000): the window must hold more than the current equity",
      59_999,
    ],
  ]);
});

Deno.test("parseConfig() requires every policy, retarget and drift field and rejects unknown drift keys", async () => {
  const json = await defaultJson();
  const btc = (json.symbols as Record<string, Record<string, unknown>>).BTCUSDT;
  delete btc.minHoldBars;
  btc.retargetFraction = 1.5;
  btc.priorHorizonBars = 0;
  (btc.drift as Record<string, unknown>).forgetting = 1;
  (btc.drift as Record<string, unknown>).warmup = 240;
  delete (json.risk as Record<string, unknown>).drawdownWindowMs;
  const err = configError(() => parseConfig(json));
  assert.deepEqual(err.issues.map((i) => [i.path, i.rule]), [
    ["symbols.BTCUSDT.priorHorizonBars", "must be > 0"],
    ["symbols.BTCUSDT.minHoldBars", "is required (a number)"],
    ["symbols.BTCUSDT.retargetFraction", "must be ≤ 1"],
    ["symbols.BTCUSDT.drift.forgetting", "must be < 1"],
    ["symbols.BTCUSDT.drift.warmup", "is not a known field"],
    ["risk.drawdownWindowMs", "is required (a number)"],
  ]);
});

Deno.test("the default priorHorizonBars is the training default, so a fresh model fits the default config", async () => {
  const config = await loadConfig();
  for (const s of config.run.symbols) {
    assert.equal(config.symbols[s].priorHorizonBars, DEFAULT_PRIOR_HORIZON_BARS, s);
  }
});
