import assert from "node:assert/strict";
import { quantile, readCsv, runBands } from "./_paper_bands.ts";

Deno.test("quantile() interpolates between closest ranks (type 7) and is null when empty", () => {
  assert.equal(quantile([1, 2, 3, 4, 5], 0.5), 3);
  assert.equal(quantile([0, 10], 0.05), 0.5);
  assert.equal(quantile([7], 0.95), 7);
  assert.equal(quantile([], 0.5), null);
});

Deno.test("readCsv() reads quoted fields with commas and quotes", () => {
  assert.deepEqual(readCsv('a,b\n1,"x, ""y"""\n'), [{ a: "1", b: 'x, "y"' }]);
});

Deno.test("runBands() gives per-symbol slippage bands and the limit fill ratio", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/trades.csv`,
      "ts,symbol,order_id,client_order_id,side,price,qty,quote_qty,fee,fee_asset,liquidity,slippage_bp,best_bid,best_ask,model_version,state,macro_state\n" +
        "2025-06-19T00:01:59.999Z,BTCUSDT,1,a,BUY,1,0.5,0.5,0,BTC,maker,0,1,1,m,0,0\n" +
        "2025-06-19T00:02:59.999Z,BTCUSDT,2,b,BUY,1,1,1,0,BTC,taker,2,1,1,m,0,0\n" +
        "2025-06-19T00:03:59.999Z,ETHUSDT,3,c,SELL,1,1,1,0,USDT,taker,4,1,1,m,0,0\n",
    );
    await Deno.writeTextFile(
      `${dir}/orders.csv`,
      "ts,symbol,client_order_id,exchange_order_id,side,type,time_in_force,price,qty,status,reason\n" +
        "2025-06-19T00:00:59.999Z,BTCUSDT,a,1,BUY,LIMIT,GTC,1,1,NEW,\n" +
        "2025-06-19T00:01:59.999Z,BTCUSDT,a,1,BUY,LIMIT,GTC,1,1,PARTIALLY_FILLED,\n" +
        "2025-06-19T00:02:59.999Z,BTCUSDT,a,1,BUY,LIMIT,GTC,1,1,CANCELED,ttl\n" +
        "2025-06-19T00:02:00.000Z,BTCUSDT,b,2,BUY,MARKET,GTC,0,1,NEW,\n" +
        "2025-06-19T00:02:59.999Z,BTCUSDT,b,2,BUY,MARKET,GTC,0,1,FILLED,\n" +
        "2025-06-19T00:03:00.000Z,ETHUSDT,c,3,SELL,LIMIT,GTC,1,1,NEW,\n" +
        "2025-06-19T00:03:59.999Z,ETHUSDT,c,3,SELL,LIMIT,GTC,1,1,FILLED,\n",
    );
    const bands = await runBands(dir);
    assert.deepEqual(Object.keys(bands), ["BTCUSDT", "ETHUSDT"]);
    assert.deepEqual(bands.BTCUSDT.slippageBp, { p5: 0.1, p50: 1, p95: 1.9 });
    assert.deepEqual(bands.BTCUSDT.takerSlippageBp, { p5: 2, p50: 2, p95: 2 });
    assert.equal(bands.BTCUSDT.limitOrders, 1);
    assert.equal(bands.BTCUSDT.fillRatio, 0);
    assert.equal(bands.BTCUSDT.qtyFillRatio, 0.5);
    assert.equal(bands.ETHUSDT.fillRatio, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
