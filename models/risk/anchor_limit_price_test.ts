import assert from "node:assert/strict";
import { anchorLimitPrice } from "./anchor_limit_price.ts";

const Q = { bestBid: 100.0, bestAsk: 100.02, vwap: 99.5, bandBp: 100, tickSize: 0.01 };

Deno.test("anchorLimitPrice() joins the best bid for a buy inside the band", () => {
  // Upper band edge 99.5 · 1.01 = 100.495 ≥ bid 100.
  const a = anchorLimitPrice("buy", Q);
  assert.equal(a.kind, "price");
  if (a.kind !== "price") return;
  assert.equal(a.price, 100);
  assert.equal(a.clamped, false);
  assert.ok(Math.abs(a.bandEdge - 100.495) < 1e-9);
});

Deno.test("anchorLimitPrice() rests a buy at the band edge, snapped down, when the market ran above it", () => {
  // Edge 99.5 · 1.005 = 99.9975 → 99.99 (down, away from the market).
  const a = anchorLimitPrice("buy", { ...Q, bandBp: 50, bestBid: 101.3, bestAsk: 101.31 });
  assert.deepEqual(a.kind === "price" && [a.price, a.clamped], [99.99, true]);
});

Deno.test("anchorLimitPrice() joins the best ask for a sell and rests at the lower edge, snapped up, when the market fell below it", () => {
  const inside = anchorLimitPrice("sell", Q); // lower edge 98.505 < ask
  assert.deepEqual(inside.kind === "price" && [inside.price, inside.clamped], [100.02, false]);
  // Lower edge 99.5 · 0.995 = 99.0025 → 99.01 (up).
  const fell = anchorLimitPrice("sell", { ...Q, bandBp: 50, bestBid: 98.2, bestAsk: 98.21 });
  assert.deepEqual(fell.kind === "price" && [fell.price, fell.clamped], [99.01, true]);
});

Deno.test("anchorLimitPrice() lets an exit join the touch beyond the band", () => {
  const a = anchorLimitPrice("sell", { ...Q, bandBp: 50, bestBid: 98.2, bestAsk: 98.21 }, {
    exit: true,
  });
  assert.deepEqual(a.kind === "price" && [a.price, a.clamped], [98.21, false]);
});

Deno.test("anchorLimitPrice() never crosses: a buy at most one tick under the ask, a sell one over the bid", () => {
  const b = anchorLimitPrice("buy", { ...Q, bestBid: 100.015, bestAsk: 100.02 });
  assert.deepEqual(b.kind === "price" && b.price, 100.01);
  const s = anchorLimitPrice("sell", { ...Q, bestBid: 100.0, bestAsk: 100.005 });
  assert.deepEqual(s.kind === "price" && s.price, 100.01);
});

Deno.test("anchorLimitPrice() returns none with DATA for a crossed book or a bad input", () => {
  for (
    const q of [
      { ...Q, bestBid: 100.02, bestAsk: 100.0 },
      { ...Q, bestBid: 100.0, bestAsk: 100.0 },
      { ...Q, vwap: Number.NaN },
      { ...Q, vwap: 0 },
      { ...Q, tickSize: 0 },
      { ...Q, bandBp: -1 },
    ]
  ) {
    const a = anchorLimitPrice("buy", q);
    assert.equal(a.kind, "none");
    assert.equal(a.kind === "none" && a.reason, "DATA");
  }
});

Deno.test("anchorLimitPrice() returns none when the band edge snaps to a zero price", () => {
  const a = anchorLimitPrice("buy", {
    bestBid: 0.5,
    bestAsk: 0.6,
    vwap: 0.004,
    bandBp: 10,
    tickSize: 0.01,
  });
  assert.equal(a.kind, "none");
});
