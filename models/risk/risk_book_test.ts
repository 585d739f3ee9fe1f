import assert from "node:assert/strict";
import { FeeAsset, RiskBook } from "./risk_book.ts";

const T = 1_747_699_259_999;
// Cash and PnL are sums of a few products: compare within 1e-9 quote.
function close(actual: number, expected: number): void {
  assert.ok(Math.abs(actual - expected) <= 1e-9, `${actual} vs ${expected}`);
}

function boughtBook(): RiskBook {
  const book = new RiskBook({ cashQuote: 10_000 });
  book.applyFill({
    symbol: "BTCUSDT",
    side: "buy",
    qty: 0.01,
    price: 100_000,
    fee: 0.00001,
    feeAsset: FeeAsset.BASE,
    ts: T,
  });
  return book;
}

Deno.test("RiskBook.applyFill() pays a buy from cash, takes a base fee from the quantity and marks at the fill", () => {
  const book = boughtBook();
  close(book.cash, 9_000);
  const p = book.position("BTCUSDT");
  close(p.qty, 0.00999);
  close(p.costQuote, 1_000);
  assert.equal(p.mark, 100_000);
  close(book.equity(), 9_999);
  assert.equal(book.peakEquity, 10_000);
  close(book.drawdown(), 1e-4);
});

Deno.test("RiskBook.markToMarket() revalues positions and lifts the peak; equityRow() satisfies equity = cash + positions_value", () => {
  const book = boughtBook();
  book.markToMarket(T + 60_000, { BTCUSDT: 101_000 });
  const row = book.equityRow(T + 60_000);
  close(row.positionsValue, 1_008.99);
  assert.equal(row.equity, row.cash + row.positionsValue);
  close(row.equity, 10_008.99);
  assert.equal(book.peakEquity, row.equity);
  assert.equal(row.drawdown, 0);
  assert.equal(row.grossExposure, row.positionsValue);
  assert.equal(row.netExposure, row.positionsValue);
  book.setMark("BTCUSDT", 90_000, T + 120_000);
  const down = book.equityRow(T + 120_000, row);
  assert.equal(down, row); // written in place
  close(down.equity, 9_000 + 899.1);
  close(down.drawdown, (10_008.99 - 9_899.1) / 10_008.99);
});

Deno.test("RiskBook.applyFill() releases average cost on a sell and books realized PnL net of the quote fee", () => {
  const book = boughtBook();
  book.applyFill({
    symbol: "BTCUSDT",
    side: "sell",
    qty: 0.00999,
    price: 102_000,
    fee: 1.01898,
    feeAsset: FeeAsset.QUOTE,
    ts: T + 60_000,
  });
  const p = book.position("BTCUSDT");
  assert.equal(p.qty, 0);
  assert.equal(p.costQuote, 0);
  close(p.realizedPnlQuote, 1_018.98 - 1.01898 - 1_000);
  close(book.cash, 9_000 + 1_018.98 - 1.01898);
  close(book.equity(), book.cash);
});

Deno.test("RiskBook.applyFill() of a half sell keeps the average cost of the rest", () => {
  const book = new RiskBook({ cashQuote: 1_000 });
  const fill = { symbol: "ETHUSDT", qty: 0.2, fee: 0, feeAsset: FeeAsset.QUOTE, ts: T };
  book.applyFill({ ...fill, side: "buy", price: 2_000 });
  book.applyFill({ ...fill, side: "buy", price: 3_000 });
  book.applyFill({ ...fill, side: "sell", price: 2_800 });
  const p = book.position("ETHUSDT");
  close(p.qty, 0.2);
  close(p.costQuote, 500); // average cost 2 500
  close(p.realizedPnlQuote, 60);
});

Deno.test("RiskBook tracks resting quantities and last order times; fills and releases reduce them", () => {
  const book = new RiskBook({ cashQuote: 10_000 });
  assert.equal(book.lastOrderTs, -Infinity);
  assert.equal(book.position("BTCUSDT").lastOrderTs, -Infinity);
  book.orderPlaced("BTCUSDT", "buy", 0.02, 99_990, T);
  book.orderPlaced("ETHUSDT", "buy", 0.5, 2_500, T + 5);
  assert.equal(book.position("ETHUSDT").mark, 2_500); // marked by its first order
  assert.equal(book.position("BTCUSDT").mark, 99_990);
  assert.equal(book.lastOrderTs, T + 5);
  assert.equal(book.position("BTCUSDT").lastOrderTs, T);
  book.applyFill({
    symbol: "BTCUSDT",
    side: "buy",
    qty: 0.015,
    price: 100_000,
    fee: 0,
    feeAsset: FeeAsset.BASE,
    ts: T + 60_000,
  });
  close(book.position("BTCUSDT").openBuyQty, 0.005);
  close(book.committedQuote("BTCUSDT"), 0.02 * 99_990); // the fill did not move the order's mark
  book.orderReleased("BTCUSDT", "buy", 0.005);
  assert.equal(book.position("BTCUSDT").openBuyQty, 0);
  close(book.committedGross(), 0.015 * 99_990 + 0.5 * 2_500);
});

Deno.test("RiskBook.applyFill() throws RangeError for a sell of more than is held or a bad number", () => {
  const book = boughtBook();
  const sell = {
    symbol: "BTCUSDT",
    side: "sell" as const,
    price: 100_000,
    fee: 0,
    feeAsset: FeeAsset.QUOTE,
    ts: T,
  };
  assert.throws(() => book.applyFill({ ...sell, qty: 0.01 }), RangeError);
  assert.throws(() => book.applyFill({ ...sell, qty: Number.NaN }), RangeError);
  assert.throws(() => book.setMark("BTCUSDT", 0, T), RangeError);
  assert.throws(() => new RiskBook({ cashQuote: -1 }), RangeError);
});

Deno.test("RiskBook.restore() rebuilds the same book from a JSON snapshot, kill switch included", () => {
  const book = boughtBook();
  book.orderPlaced("BTCUSDT", "sell", 0.005, 100_010, T + 1);
  book.markToMarket(T + 60_000, { BTCUSDT: 99_000 });
  book.setKill(true);
  const snap = book.snapshot();
  const again = RiskBook.restore(JSON.parse(JSON.stringify(snap)));
  assert.deepEqual(again.snapshot(), snap);
  assert.equal(again.killed, true);
  assert.deepEqual(again.equityRow(T), book.equityRow(T));
  assert.throws(() => RiskBook.restore({ ...snap, cash: "x" }), TypeError);
});

const HOUR = 3_600_000;

/** A book (window 1 h) that bought 0.5 BTC at 20 000 with all its cash at T. */
function windowBook(): RiskBook {
  const book = new RiskBook({ cashQuote: 10_000, drawdownWindowMs: HOUR });
  book.applyFill({
    symbol: "BTCUSDT",
    side: "buy",
    qty: 0.5,
    price: 20_000,
    fee: 0,
    feeAsset: FeeAsset.QUOTE,
    ts: T,
  });
  return book;
}

Deno.test("RiskBook.windowDrawdown() measures from the highest equity of the trailing window", () => {
  const book = windowBook();
  book.setMark("BTCUSDT", 22_000, T + 60_000); // equity 11 000: the peak
  book.setMark("BTCUSDT", 19_800, T + 120_000); // equity 9 900
  assert.equal(book.windowPeakEquity(T + 120_000), 11_000);
  assert.equal(book.windowDrawdown(T + 120_000), 0.1);
  // the peak's sample is at T + 60 000: it is in (ts − 1 h, ts] up to ts = T + 60 000 + 1 h − 1
  assert.equal(book.windowDrawdown(T + 60_000 + HOUR - 1), 0.1);
  assert.equal(book.windowPeakEquity(T + 60_000 + HOUR), 9_900);
  assert.equal(book.windowDrawdown(T + 60_000 + HOUR), 0);
  // the all-time figures of equity.csv do not recover
  assert.equal(book.peakEquity, 11_000);
  assert.equal(book.drawdown(), 0.1);
  assert.deepEqual(book.snapshot().windowPeaks, [[T + 60_000, 11_000], [T + 120_000, 9_900]]);
});

Deno.test("RiskBook keeps one window entry per sample time and drops the ones a newer sample dominates", () => {
  const book = windowBook(); // starting cash 10 000 at T, then the fill's 10 000 replaces it
  assert.deepEqual(book.snapshot().windowPeaks, [[T, 10_000]]);
  book.setMark("BTCUSDT", 19_000, T + 60_000); // 9 500
  book.setMark("ETHUSDT", 2_000, T + 60_000); // same ts, same equity: no new entry
  book.setMark("BTCUSDT", 19_600, T + 120_000); // 9 800 dominates 9 500
  assert.deepEqual(book.snapshot().windowPeaks, [[T, 10_000], [T + 120_000, 9_800]]);
  book.setMark("BTCUSDT", 19_400, T + HOUR + 60_000); // 9 700; T's 10 000 leaves the window
  assert.deepEqual(book.snapshot().windowPeaks, [[T + 120_000, 9_800], [T + HOUR + 60_000, 9_700]]);
  assert.equal(book.windowDrawdown(T + HOUR + 60_000), (9_800 - 9_700) / 9_800);
});

Deno.test("RiskBook counts the starting cash as a window sample at the first sample's time", () => {
  const book = new RiskBook({ cashQuote: 10_000, drawdownWindowMs: HOUR });
  assert.equal(book.windowPeakEquity(T), 10_000);
  book.applyFill({
    symbol: "BTCUSDT",
    side: "buy",
    qty: 0.5,
    price: 20_000,
    fee: 10,
    feeAsset: FeeAsset.QUOTE,
    ts: T,
  }); // equity 9 990 after the fee
  assert.deepEqual(book.snapshot().windowPeaks, [[T, 10_000]]);
  assert.equal(book.windowDrawdown(T), 0.001);
  assert.equal(book.windowDrawdown(T + HOUR), 0);
});

Deno.test("RiskBook without drawdownWindowMs measures the window from the all-time peak", () => {
  const book = new RiskBook({ cashQuote: 10_000 });
  book.applyFill({
    symbol: "BTCUSDT",
    side: "buy",
    qty: 0.5,
    price: 20_000,
    fee: 0,
    feeAsset: FeeAsset.QUOTE,
    ts: T,
  });
  book.setMark("BTCUSDT", 22_000, T + 60_000);
  book.setMark("BTCUSDT", 19_800, T + 120_000);
  assert.equal(book.drawdownWindowMs, Infinity);
  assert.equal(book.windowDrawdown(T + 1_000 * HOUR), 0.1);
  assert.deepEqual(book.snapshot().windowPeaks, []);
  assert.equal(book.snapshot().drawdownWindowMs, null);
  assert.throws(() => new RiskBook({ cashQuote: 1, drawdownWindowMs: 0 }), RangeError);
});

Deno.test("RiskBook.restore() continues the drawdown window exactly", () => {
  const book = windowBook();
  book.setMark("BTCUSDT", 22_000, T + 60_000);
  const again = RiskBook.restore(JSON.parse(JSON.stringify(book.snapshot())));
  assert.equal(again.drawdownWindowMs, HOUR);
  for (const b of [book, again]) b.setMark("BTCUSDT", 19_800, T + 120_000);
  assert.deepEqual(again.snapshot(), book.snapshot());
  assert.equal(again.windowDrawdown(T + 120_000), 0.1);
  const fresh = RiskBook.restore(new RiskBook({ cashQuote: 5, drawdownWindowMs: HOUR }).snapshot());
  fresh.setMark("BTCUSDT", 1, T); // no position: equity 5, and the start sample is at T
  assert.deepEqual(fresh.snapshot().windowPeaks, [[T, 5]]);
});
