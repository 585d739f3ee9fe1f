import assert from "node:assert/strict";
import { MODERN_BTCUSDT } from "./_sim_test_kit.ts";
import {
  DEFAULT_EXCHANGE_INFO_URL,
  FilterType,
  loadExchangeInfo,
  parseExchangeInfo,
  type SymbolJson,
  symbolRules,
} from "./exchange_info.ts";

const FULL_URL = new URL("exchangeInfo-2021-10-12-full.json.gz", DEFAULT_EXCHANGE_INFO_URL);

Deno.test("loadExchangeInfo() reads the 2021 subset with BTCUSDT's exact filters", async () => {
  const info = await loadExchangeInfo();
  assert.deepEqual([...info.symbols.keys()].sort(), [
    "ADAUSDT",
    "BNBUSDT",
    "BTCUSDT",
    "ETHUSDT",
    "SOLUSDT",
    "XRPUSDT",
  ]);
  const btc = info.symbols.get("BTCUSDT")!;
  assert.equal(btc.baseAsset, "BTC");
  assert.equal(btc.quoteAsset, "USDT");
  assert.equal(btc.quotePrecision, 8);
  assert.deepEqual(btc.priceFilter, {
    minPrice: 1_000_000n,
    maxPrice: 100_000_000_000_000n,
    tickSize: 1_000_000n,
  });
  assert.deepEqual(btc.lotSize, { minQty: 1_000n, maxQty: 900_000_000_000n, stepSize: 1_000n });
  assert.deepEqual(btc.marketLotSize, { minQty: 0n, maxQty: 10_005_381_873n, stepSize: 0n });
  assert.deepEqual(btc.notional, {
    filterType: "MIN_NOTIONAL",
    minNotional: 1_000_000_000n,
    applyMinToMarket: true,
    maxNotional: null,
    applyMaxToMarket: false,
    avgPriceMins: 5,
  });
  assert.equal(btc.percentPrice?.filterType, FilterType.PERCENT_PRICE);
  assert.equal(btc.percentPrice?.bidMultiplierUp, 500_000_000n);
  assert.equal(btc.percentPrice?.askMultiplierDown, 20_000_000n);
  assert.equal(btc.maxNumOrders, 200);
  assert.deepEqual(btc.filterOrder, [
    "PRICE_FILTER",
    "PERCENT_PRICE",
    "LOT_SIZE",
    "MIN_NOTIONAL",
    "MARKET_LOT_SIZE",
    "MAX_NUM_ORDERS",
  ]);
  // the raw symbol stays as sent, unknown fields included
  assert.deepEqual(btc.raw.permissions, ["SPOT", "MARGIN"]);
  assert.equal(info.raw.serverTime, 1633998511098);
});

Deno.test("loadExchangeInfo() reads the gzipped full response of 1695 symbols", async () => {
  const info = await loadExchangeInfo(FULL_URL);
  assert.equal(info.symbols.size, 1695);
  assert.equal(info.symbols.get("XRPUSDT")?.lotSize?.stepSize, 100_000_000n);
  assert.equal(info.symbols.get("XRPUSDT")?.priceFilter?.tickSize, 10_000n);
});

Deno.test("symbolRules() reads the modern NOTIONAL and PERCENT_PRICE_BY_SIDE filters", () => {
  const rules = symbolRules(MODERN_BTCUSDT as unknown as SymbolJson);
  assert.deepEqual(rules.notional, {
    filterType: "NOTIONAL",
    minNotional: 500_000_000n,
    applyMinToMarket: true,
    maxNotional: 900_000_000_000_000n,
    applyMaxToMarket: false,
    avgPriceMins: 5,
  });
  assert.equal(rules.percentPrice?.filterType, "PERCENT_PRICE_BY_SIDE");
  assert.deepEqual(rules.filterOrder, [
    "PRICE_FILTER",
    "LOT_SIZE",
    "MARKET_LOT_SIZE",
    "PERCENT_PRICE_BY_SIDE",
    "NOTIONAL",
    "MAX_NUM_ORDERS",
  ]);
  assert.equal(rules.raw.defaultSelfTradePreventionMode, "EXPIRE_MAKER");
});

Deno.test("parseExchangeInfo() throws TypeError naming the path of a malformed field", () => {
  const bad = {
    timezone: "UTC",
    serverTime: 1,
    rateLimits: [],
    exchangeFilters: [],
    symbols: [{ ...MODERN_BTCUSDT, baseAsset: 7 }],
  };
  assert.throws(() => parseExchangeInfo(bad), (e: unknown) => {
    assert.ok(e instanceof TypeError);
    assert.match(e.message, /symbols\.0\.baseAsset/);
    return true;
  });
  const badFilter = {
    ...bad,
    symbols: [{
      ...MODERN_BTCUSDT,
      filters: [{ filterType: "PRICE_FILTER", minPrice: "0.01", maxPrice: "x", tickSize: "0.01" }],
    }],
  };
  assert.throws(() => parseExchangeInfo(badFilter), /PRICE_FILTER of exchangeInfo symbol BTCUSDT/);
});

Deno.test("loadExchangeInfo() throws SyntaxError on a file that is not JSON", async () => {
  const path = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await Deno.writeTextFile(path, "{not json");
    await assert.rejects(() => loadExchangeInfo(path), SyntaxError);
  } finally {
    await Deno.remove(path);
  }
});
