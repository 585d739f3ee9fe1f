import assert from "node:assert/strict";
import { type BookBar, deriveBook, levelQuantity, type PriceGrid } from "./derived_book.ts";
import { parseFixed8 } from "./fixed8.ts";
import { BookOptions } from "./sim_exchange_options.ts";

const BTC: PriceGrid = {
  tickSize: parseFixed8("0.01"),
  stepSize: parseFixed8("0.00001"),
  minPrice: parseFixed8("0.01"),
  maxPrice: parseFixed8("1000000"),
};

function bar(high: string, low: string, close: string, volume: string): BookBar {
  return {
    high: parseFixed8(high),
    low: parseFixed8(low),
    close: parseFixed8(close),
    volume: parseFixed8(volume),
  };
}

Deno.test("deriveBook() with one bar sets a one-tick spread with bid at the close", () => {
  const book = deriveBook(bar("100.10", "99.90", "100.00", "10"), BTC, {
    book: BookOptions.parse({ levels: 4, decay: 1, depthFraction: 0.5 }),
  });
  assert.equal(book.bestBid, parseFixed8("100.00"));
  assert.equal(book.bestAsk, parseFixed8("100.01"));
  assert.equal(book.spreadTicks, 1n);
  assert.ok(Number.isNaN(book.estimate));
  // flat weights: 10 × 0.5 / 4 = 1.25 on each of the 4 levels
  assert.deepEqual(book.bids, [
    { price: parseFixed8("100.00"), qty: parseFixed8("1.25") },
    { price: parseFixed8("99.99"), qty: parseFixed8("1.25") },
    { price: parseFixed8("99.98"), qty: parseFixed8("1.25") },
    { price: parseFixed8("99.97"), qty: parseFixed8("1.25") },
  ]);
  assert.deepEqual(book.asks.map((l) => l.price), [
    parseFixed8("100.01"),
    parseFixed8("100.02"),
    parseFixed8("100.03"),
    parseFixed8("100.04"),
  ]);
});

Deno.test("deriveBook() turns a Corwin–Schultz estimate of 79.09 bp at 100 into 79 ticks", () => {
  // (101, 99) then (101.5, 99.5): S = 0.007908892526592 -> 0.79089 / 0.01 -> 79 ticks
  const book = deriveBook(bar("101.50", "99.50", "100.00", "1"), BTC, {
    prev: bar("101.00", "99.00", "100.00", "1"),
    book: BookOptions.parse({ maxSpreadBp: 0 }),
  });
  assert.equal(book.spreadTicks, 79n);
  assert.equal(book.bestBid, parseFixed8("99.61")); // 10000 − ⌊79/2⌋ = 9961 ticks
  assert.equal(book.bestAsk, parseFixed8("100.40"));
  assert.ok(Math.abs(book.estimate - 0.007908892526591878) < 1e-12);
});

Deno.test("deriveBook() caps the spread at maxSpreadBp and floors it at one tick", () => {
  const capped = deriveBook(bar("101.50", "99.50", "100.00", "1"), BTC, {
    prev: bar("101.00", "99.00", "100.00", "1"),
    book: BookOptions.parse({ maxSpreadBp: 20 }),
  });
  assert.equal(capped.spreadTicks, 20n); // 20 bp of 100 = 0.20 = 20 ticks
  assert.equal(capped.bestBid, parseFixed8("99.90"));
  assert.equal(capped.bestAsk, parseFixed8("100.10"));
  // a negative estimate ((101,99) then (102,100)) is set to 0, then floored at one tick
  const floored = deriveBook(bar("102.00", "100.00", "101.00", "1"), BTC, {
    prev: bar("101.00", "99.00", "100.00", "1"),
    book: BookOptions.parse({ gapAdjust: false }),
  });
  assert.ok(floored.estimate < 0);
  assert.equal(floored.spreadTicks, 1n);
  assert.equal(floored.bestAsk - floored.bestBid, BTC.tickSize);
});

Deno.test("deriveBook() spaces levels levelSpacingTicks apart and keeps bid ≤ close < ask", () => {
  const book = deriveBook(bar("100.10", "99.90", "100.005", "10"), BTC, {
    book: BookOptions.parse({ levels: 3, levelSpacingTicks: 5 }),
  });
  assert.equal(book.bestBid, parseFixed8("100.00"));
  assert.equal(book.bestAsk, parseFixed8("100.01"));
  assert.deepEqual(book.bids.map((l) => l.price), [
    parseFixed8("100.00"),
    parseFixed8("99.95"),
    parseFixed8("99.90"),
  ]);
  assert.deepEqual(book.asks.map((l) => l.price), [
    parseFixed8("100.01"),
    parseFixed8("100.06"),
    parseFixed8("100.11"),
  ]);
});

Deno.test("deriveBook() with zero volume shows no levels but keeps the touch", () => {
  const book = deriveBook(bar("100", "100", "100", "0"), BTC, { book: BookOptions.parse({}) });
  assert.deepEqual(book.bids, []);
  assert.deepEqual(book.asks, []);
  assert.ok(book.bestBid < book.bestAsk);
});

Deno.test("levelQuantity() decays geometrically, sums to depthFraction and continues past L", () => {
  const book = BookOptions.parse({ levels: 3, decay: 0.5, depthFraction: 0.7 });
  const step = parseFixed8("0.00001");
  const volume = parseFixed8("10");
  const q = [0, 1, 2, 3].map((k) => levelQuantity(volume, k, { book, stepSize: step }));
  // weights 4/7, 2/7, 1/7 of 7 = 4, 2, 1 (within one step of float rounding), then 0.5
  const expected = ["4", "2", "1", "0.5"].map(parseFixed8);
  for (let k = 0; k < 4; k++) {
    assert.ok(q[k] <= expected[k] && expected[k] - q[k] <= step, `level ${k}: ${q[k]}`);
    assert.equal(q[k] % step, 0n);
  }
  assert.equal(levelQuantity(0n, 0, { book, stepSize: step }), 0n);
});
