import assert from "node:assert/strict";
import { SeededRng } from "../../models/seeded_rng.ts";
import { checkAllFills, f, info2021, PLAIN, randomAction, walkBars } from "./_sim_test_kit.ts";
import { SimExchange } from "./sim_exchange.ts";
import type { SimEvent } from "./sim_records.ts";

Deno.test("SimExchange random flows on BTCUSDT and XRPUSDT, two accounts, heavy slippage: all invariants hold", async () => {
  const info = await info2021();
  const ex = new SimExchange(info, {
    startingBalances: { USDT: 50_000 },
    slippage: { baseBp: 0.5, volCoef: 0.5, scatterCoef: 0.3, confidenceBp: 20, maxBp: 40 },
  });
  ex.addAccount("b", { balances: { USDT: 20_000, BTC: 0.3, XRP: 5_000 } });
  const rng = new SeededRng(4242);
  const btc = walkBars(new SeededRng(1), 1500, { start: 42_000, decimals: 2 });
  const xrp = walkBars(new SeededRng(2), 1500, { start: 1.4, decimals: 4, volume: 20_000 });
  const events: SimEvent[] = [];
  ex.onEvent((e) => events.push(e));
  for (let i = 0; i < btc.length; i++) {
    ex.onBar("BTCUSDT", btc[i]);
    ex.onBar("XRPUSDT", xrp[i]);
    for (const account of [undefined, "b"]) {
      randomAction(ex, rng, "BTCUSDT", { lastClose: Number(btc[i].close), account });
      randomAction(ex, rng, "XRPUSDT", { lastClose: Number(xrp[i].close), account });
    }
  }
  let total = 0;
  let makers = 0;
  for (const account of [undefined, "b"]) {
    for (const symbol of ["BTCUSDT", "XRPUSDT"]) {
      const fills = ex.fills({ account, symbol });
      total += fills.length;
      makers += fills.filter((x) => x.isMaker).length;
    }
  }
  assert.ok(total > 1000, `only ${total} fills`);
  assert.ok(makers > 100, `only ${makers} maker fills`);
  checkJoint(ex, undefined, { USDT: f("50000") });
  checkJoint(ex, "b", { USDT: f("20000"), BTC: f("0.3"), XRP: f("5000") });

  // the last account event per asset agrees with the account's balances
  for (const account of ["default", "b"]) {
    const seen = new Map<string, string>();
    for (const e of events) {
      if (e.type === "outboundAccountPosition" && e.account === account) {
        for (const b of e.balances) seen.set(b.asset, `${b.free}/${b.locked}`);
      }
    }
    for (const b of ex.account({ account }).balances) {
      assert.equal(seen.get(b.asset), `${b.free}/${b.locked}`, `${account} ${b.asset}`);
    }
  }
  // every TRADE report carries its fill, and trade ids increase by one across the engine
  const trades = events.filter((e) => e.type === "executionReport" && e.executionType === "TRADE");
  assert.equal(trades.length, total);
  trades.forEach((e, i) => assert.equal(e.type === "executionReport" && e.tradeId, i + 1));
});

/** Both symbols' fills of one account: per-fill invariants and joint conservation. */
function checkJoint(ex: SimExchange, account: string | undefined, start: Record<string, bigint>) {
  // BTC moves only with BTCUSDT fills, XRP only with XRPUSDT fills; USDT with both
  const btc = ex.fills({ account, symbol: "BTCUSDT" });
  const xrp = ex.fills({ account, symbol: "XRPUSDT" });
  const usdtFromXrp = xrp.reduce((s, t) => {
    const quote = f(t.quoteQty);
    const fee = t.commissionAsset === "USDT" ? f(t.commission) : 0n;
    return s + (t.side === "BUY" ? -quote : quote) - fee;
  }, 0n);
  // check BTCUSDT with the USDT start shifted by what XRPUSDT moved, then XRPUSDT likewise
  const btcStart = { ...start, USDT: (start.USDT ?? 0n) + usdtFromXrp, XRP: 0n };
  const xrpBase = xrp.reduce((s, t) =>
    s + (t.side === "BUY" ? f(t.qty) : -f(t.qty)) -
    (t.commissionAsset === "XRP" ? f(t.commission) : 0n), 0n);
  btcStart.XRP = (start.XRP ?? 0n) + xrpBase;
  checkAllFills(ex, "BTCUSDT", btcStart, account);
  assert.ok(btc.length > 0 && xrp.length > 0);
  const usdtFromBtc = btc.reduce((s, t) => {
    const quote = f(t.quoteQty);
    const fee = t.commissionAsset === "USDT" ? f(t.commission) : 0n;
    return s + (t.side === "BUY" ? -quote : quote) - fee;
  }, 0n);
  const btcBase = btc.reduce((s, t) =>
    s + (t.side === "BUY" ? f(t.qty) : -f(t.qty)) -
    (t.commissionAsset === "BTC" ? f(t.commission) : 0n), 0n);
  checkAllFills(ex, "XRPUSDT", {
    ...start,
    USDT: (start.USDT ?? 0n) + usdtFromBtc,
    BTC: (start.BTC ?? 0n) + btcBase,
  }, account);
}

Deno.test("SimExchange random flow without slippage: taker fills sit exactly at or beyond the touch", async () => {
  const info = await info2021();
  const ex = new SimExchange(info, { ...PLAIN, startingBalances: { USDT: 50_000, BTC: 1 } });
  const rng = new SeededRng(777);
  const bars = walkBars(new SeededRng(3), 1500, { start: 27_000, decimals: 2 });
  for (const bar of bars) {
    ex.onBar("BTCUSDT", bar);
    randomAction(ex, rng, "BTCUSDT", { lastClose: Number(bar.close) });
  }
  const { fills } = checkAllFills(ex, "BTCUSDT", { USDT: f("50000"), BTC: f("1") });
  const atTouch = fills.filter((x) =>
    !x.isMaker && (x.side === "BUY" ? x.price === x.bestAsk : x.price === x.bestBid)
  );
  assert.ok(atTouch.length > 50, `only ${atTouch.length} taker fills at the touch`);
  assert.ok(fills.every((x) => x.isMaker || x.slippageBp >= 0));
});
