import assert from "node:assert/strict";
import { loadExchangeInfo } from "../data/sim/exchange_info.ts";
import { SimExchange } from "../data/sim/sim_exchange.ts";
import { barSpreadBp } from "./_bar_spread_bp.ts";

Deno.test("barSpreadBp() equals the spread of the simulated exchange's derived book", async () => {
  const info = await loadExchangeInfo();
  const sim = new SimExchange(info);
  const bars = [
    { high: 100_020, low: 99_950, close: 100_000 },
    { high: 100_090, low: 99_980, close: 100_050 },
    { high: 100_060, low: 100_055, close: 100_058 },
    { high: 100_300, low: 99_700, close: 99_800 },
  ];
  let prev: (typeof bars)[number] | null = null;
  bars.forEach((b, i) => {
    sim.onBar("BTCUSDT", { openTime: i * 60_000, open: b.close, volume: 10, ...b });
    const t = sim.bookTicker("BTCUSDT");
    assert.ok(t.ok);
    const ticks = Math.round((Number(t.value.askPrice) - Number(t.value.bidPrice)) / 0.01);
    const expected = ticks * 0.01 / b.close * 1e4;
    const got = barSpreadBp(prev, b, { tickSize: 0.01, capBp: 20, gapAdjust: true });
    assert.ok(Math.abs(got - expected) < 1e-9, `bar ${i}: ${got} vs ${expected}`);
    prev = b;
  });
});

Deno.test("barSpreadBp() is one tick without a previous bar and NaN for a bad close", () => {
  const one = barSpreadBp(null, { high: 101, low: 99, close: 100 }, {
    tickSize: 0.01,
    capBp: 0,
    gapAdjust: true,
  });
  assert.ok(Math.abs(one - 1) < 1e-12);
  assert.ok(
    Number.isNaN(barSpreadBp(null, { high: 1, low: 1, close: 0 }, {
      tickSize: 0.01,
      capBp: 0,
      gapAdjust: true,
    })),
  );
});
