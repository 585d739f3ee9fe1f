import assert from "node:assert/strict";
import { SeededRng } from "../../models/seeded_rng.ts";
import { checkAllFills, f, info2021, randomAction } from "./_sim_test_kit.ts";
import { SimExchange } from "./sim_exchange.ts";
import type { BarInput } from "./sim_records.ts";

const CSV = new URL(
  "../../../shared/data/binance/klines-1m/cluster/BTCUSDT-1m-2026-03-23_2026-04-22.csv",
  import.meta.url,
);
const BARS = 3000;

/** The first `n` bars of the recorded BTCUSDT cluster file (a few lines of CSV parsing). */
async function firstBars(n: number): Promise<BarInput[]> {
  const lines = (await Deno.readTextFile(CSV)).split("\n");
  assert.equal(lines[0], "open_time,open,high,low,close,volume");
  return lines.slice(1, n + 1).map((line) => {
    const [openTime, open, high, low, close, volume] = line.split(",");
    return { openTime: Number(openTime), open, high, low, close, volume };
  });
}

Deno.test("SimExchange on 3000 real BTCUSDT bars: every fill meets the filters, the book rule and conservation", async () => {
  const info = await info2021();
  const bars = await firstBars(BARS);
  const ex = new SimExchange(info, { startingBalances: { USDT: 100_000 } });
  const rng = new SeededRng(20260323);
  // price the orders of each step from the last bar seen
  const placedAt = new Map<number, number>(); // orderId -> bar index when placed
  let lastOrderId = 0;
  ex.onEvent((e) => {
    if (e.type === "executionReport" && e.executionType === "NEW") lastOrderId = e.orderId;
  });
  // a second account rests a few orders far from the market (the random flow never cancels them)
  ex.addAccount("far", { balances: { USDT: 10_000, BTC: 1 } });
  const far: number[] = [];
  for (let i = 0; i < bars.length; i++) {
    ex.onBar("BTCUSDT", bars[i]);
    if (i === 10) {
      for (
        const [side, price] of [["BUY", "60000"], ["BUY", "61000.5"], ["SELL", "90000"]] as const
      ) {
        const r = ex.placeOrder({
          symbol: "BTCUSDT",
          side,
          type: "LIMIT",
          timeInForce: "GTC",
          quantity: "0.01",
          price,
        }, { account: "far" });
        assert.ok(r.ok);
        far.push(r.value.orderId);
        placedAt.set(r.value.orderId, i);
      }
    }
    const before = lastOrderId;
    randomAction(ex, rng, "BTCUSDT", { lastClose: Number(bars[i].close) });
    if (lastOrderId !== before) placedAt.set(lastOrderId, i);
  }
  const { fills, queuedMakerFills } = checkAllFills(ex, "BTCUSDT", { USDT: f("100000") });
  const makers = fills.filter((x) => x.isMaker).length;
  // a maker fill happens in a bar that reached its price (low ≤ buy price, high ≥ sell price)
  const byClose = new Map(bars.map((b) => [b.openTime + 59_999, b]));
  for (const x of fills.filter((y) => y.isMaker)) {
    const bar = byClose.get(x.time);
    assert.ok(bar !== undefined, `maker fill ${x.tradeId} at ${x.time} is not at a bar close`);
    const price = f(x.price);
    assert.ok(
      x.side === "BUY" ? f(String(bar.low)) <= price : f(String(bar.high)) >= price,
      `maker fill ${x.tradeId} at ${x.price} outside its bar`,
    );
  }
  assert.ok(fills.length > 200, `only ${fills.length} fills`);
  assert.ok(makers > 20, `only ${makers} maker fills`);
  assert.ok(queuedMakerFills > 0, "no maker fill ever waited behind a queue");
  // orders still open whose price no later bar ever reached stayed unfilled
  const open = ex.openOrders("BTCUSDT");
  const farOpen = ex.openOrders("BTCUSDT", { account: "far" });
  assert.ok(open.ok && farOpen.ok);
  assert.deepEqual(
    farOpen.value.map((o) => [o.orderId, o.status, o.executedQty]),
    far.map((id) => [id, "NEW", "0.00000000"]),
  );
  let neverReached = 0;
  for (const o of [...open.value, ...farOpen.value]) {
    const from = placedAt.get(o.orderId)!;
    const price = f(o.price);
    const reached = bars.slice(from + 1).some((b) =>
      o.side === "BUY" ? f(String(b.low)) <= price : f(String(b.high)) >= price
    );
    if (!reached) {
      neverReached++;
      assert.equal(o.executedQty, "0.00000000", `order ${o.orderId} filled though never reached`);
    }
  }
  assert.ok(neverReached >= far.length, "the far orders were reached");
  checkAllFills(ex, "BTCUSDT", { USDT: f("10000"), BTC: f("1") }, "far");
});
