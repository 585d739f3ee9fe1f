import assert from "node:assert/strict";
import type {
  Gateway,
  GatewayEvent,
  GatewayOrder,
  GatewayOrderRequest,
  GatewayResult,
} from "../data/gateway.ts";
import { loadExchangeInfo } from "../data/sim/exchange_info.ts";
import { CAP_CODE, CappedGateway } from "./_live_caps.ts";

const INFO = await loadExchangeInfo();

/** A venue stub that records the quantities it was sent and fills every order at once. */
class Venue implements Gateway {
  readonly venue = "stub";
  readonly sent: string[] = [];
  readonly listeners = new Set<(e: GatewayEvent) => void>();
  base = "0.00000000";
  n = 0;
  symbolRules(symbol: string) {
    return INFO.symbols.get(symbol);
  }
  placeOrder(r: GatewayOrderRequest): Promise<GatewayResult<GatewayOrder>> {
    this.sent.push(`${r.side} ${r.quantity}`);
    const order: GatewayOrder = {
      symbol: r.symbol,
      orderId: ++this.n,
      clientOrderId: r.clientOrderId,
      side: r.side,
      type: r.type,
      timeInForce: r.timeInForce,
      price: r.price ?? "0.00000000",
      origQty: r.quantity,
      executedQty: r.quantity,
      cumulativeQuoteQty: "0.00000000",
      status: "FILLED",
      time: 1,
      updateTime: 1,
    };
    for (const l of this.listeners) {
      l({
        kind: "fill",
        ts: 1,
        fill: {
          tradeId: this.n,
          orderId: this.n,
          clientOrderId: r.clientOrderId,
          symbol: r.symbol,
          side: r.side,
          price: r.price ?? "100.00000000",
          qty: r.quantity,
          quoteQty: "0.00000000",
          commission: r.side === "BUY" ? "0.00001000" : "0.00000000",
          commissionAsset: r.side === "BUY" ? "ETH" : "USDT",
          isMaker: false,
          time: 1,
          bestBid: "0",
          bestAsk: "0",
          queueAhead: "0",
          slippageBp: 0,
        },
      });
      l({ kind: "order", ts: 1, executionType: "TRADE", order });
    }
    return Promise.resolve({ ok: true, value: order });
  }
  cancelOrder(): Promise<GatewayResult<GatewayOrder>> {
    return Promise.resolve({ ok: false, reject: { code: -2011, msg: "Unknown order sent." } });
  }
  getOrder(): Promise<GatewayResult<GatewayOrder>> {
    return Promise.resolve({ ok: false, reject: { code: -2013, msg: "Order does not exist." } });
  }
  openOrders(): Promise<GatewayResult<GatewayOrder[]>> {
    return Promise.resolve({ ok: true, value: [] });
  }
  balances() {
    return Promise.resolve({
      ok: true as const,
      value: [{ asset: "ETH", free: this.base, locked: "0.00000000" }],
    });
  }
  quote(symbol: string) {
    return Promise.resolve({
      ok: true as const,
      value: { symbol, bidPrice: "99.00000000", askPrice: "100.00000000" },
    });
  }
  subscribe(l: (e: GatewayEvent) => void) {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}

const buy = (qty: string, price: string | null = "100.00000000"): GatewayOrderRequest => ({
  symbol: "ETHUSDT",
  side: "BUY",
  type: price === null ? "MARKET" : "LIMIT",
  timeInForce: "GTC",
  quantity: qty,
  price,
  clientOrderId: `c-${qty}`,
});

Deno.test("CappedGateway shrinks an order over --max-order-notional to the cap on the lot step", async () => {
  const venue = new Venue();
  const gw = await CappedGateway.wrap(venue, { maxOrderNotional: 15, maxPositionNotional: 50 }, [
    "ETHUSDT",
  ]);
  const r = await gw.placeOrder(buy("1.00000000"));
  assert.ok(r.ok);
  assert.deepEqual(venue.sent, ["BUY 0.15000000"]);
  assert.equal(gw.stats().shrunk, 1);
});

Deno.test("CappedGateway values a MARKET buy at the ask", async () => {
  const venue = new Venue();
  const gw = await CappedGateway.wrap(venue, { maxOrderNotional: 15, maxPositionNotional: 50 }, [
    "ETHUSDT",
  ]);
  await gw.placeOrder(buy("0.20000000", null));
  assert.deepEqual(venue.sent, ["BUY 0.15000000"]);
});

Deno.test("CappedGateway keeps a position under --max-position-notional and refuses what cannot fit", async () => {
  const venue = new Venue();
  venue.base = "0.35000000"; // 35 quote held before the run
  const gw = await CappedGateway.wrap(venue, { maxOrderNotional: 15, maxPositionNotional: 50 }, [
    "ETHUSDT",
  ]);
  assert.ok((await gw.placeOrder(buy("0.10000000"))).ok); // held 0.44999 (commission in ETH)
  // room 0.05001 → 0.0500 on the lot step = 5 quote < min notional 10: refused
  const r = await gw.placeOrder(buy("0.15000000"));
  assert.equal(r.ok ? 0 : r.reject.code, CAP_CODE);
  assert.match(r.ok ? "" : r.reject.msg, /--max-position-notional 50/);
  assert.equal(gw.position("ETHUSDT"), 44_999_000n);
  // selling reduces the position (the order cap still applies: 0.20 → 0.15)
  assert.ok((await gw.placeOrder({ ...buy("0.20000000"), side: "SELL", clientOrderId: "s" })).ok);
  assert.equal(gw.position("ETHUSDT"), 29_999_000n);
  assert.deepEqual(venue.sent, ["BUY 0.10000000", "SELL 0.15000000"]);
  assert.deepEqual(gw.stats(), { shrunk: 1, refused: 1 });
});

Deno.test("CappedGateway shrinks a buy to the room left, down to the lot step", async () => {
  const venue = new Venue();
  venue.base = "0.39999000"; // off the 0.0001 lot grid (a base-asset commission)
  const gw = await CappedGateway.wrap(venue, { maxOrderNotional: 15, maxPositionNotional: 50 }, [
    "ETHUSDT",
  ]);
  assert.ok((await gw.placeOrder(buy("0.12000000"))).ok); // room 0.10001 → 0.1000
  assert.deepEqual(venue.sent, ["BUY 0.10000000"]);
});
