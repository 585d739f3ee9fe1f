import type {
  AccountPosition,
  ExecutionReport,
  FillRecord,
  OrderRecord,
  OrderResult,
} from "../sim/sim_records.ts";
import { type Candle, price } from "./_kline_rows.ts";
import { formatFixed8 } from "../sim/fixed8.ts";

/**
 * The engine's records and events in Binance's wire shapes, with the simulator-only fields
 * (`account`, `fill`, `queueAhead`) left out. Fields Binance documents as "ignore" (`I`, `M` of
 * executionReport) are not sent.
 */

/** `GET /api/v3/order`, `openOrders`, `allOrders` element. */
export function orderJson(r: OrderRecord): Omit<OrderRecord, "queueAhead"> {
  const { queueAhead: _q, ...rest } = r;
  return rest;
}

/** Order response types of `newOrderRespType`. */
export const OrderRespType = { ACK: "ACK", RESULT: "RESULT", FULL: "FULL" } as const;
/** One order response type. */
export type OrderRespType = typeof OrderRespType[keyof typeof OrderRespType];

/** `POST /api/v3/order` answer in the asked response type (ACK ⊂ RESULT ⊂ FULL). */
export function orderResultJson(r: OrderResult, type: OrderRespType): Record<string, unknown> {
  const ack = {
    symbol: r.symbol,
    orderId: r.orderId,
    orderListId: -1,
    clientOrderId: r.clientOrderId,
    transactTime: r.transactTime,
  };
  if (type === OrderRespType.ACK) return ack;
  const { fills, ...result } = r;
  if (type === OrderRespType.RESULT) return result;
  return { ...result, fills };
}

/** The user-data `executionReport` event. */
export function executionReportJson(ev: ExecutionReport): Record<string, unknown> {
  return {
    e: "executionReport",
    E: ev.eventTime,
    s: ev.symbol,
    c: ev.clientOrderId,
    S: ev.side,
    o: ev.orderType,
    f: ev.timeInForce,
    q: ev.quantity,
    p: ev.price,
    P: "0.00000000",
    F: "0.00000000",
    g: -1,
    C: ev.origClientOrderId,
    x: ev.executionType,
    X: ev.orderStatus,
    r: ev.rejectReason,
    i: ev.orderId,
    l: ev.lastExecutedQty,
    z: ev.cumulativeFilledQty,
    L: ev.lastExecutedPrice,
    n: ev.commission,
    N: ev.commissionAsset,
    T: ev.transactionTime,
    t: ev.tradeId,
    w: ev.isOrderOnBook,
    m: ev.isMaker,
    O: ev.orderCreationTime,
    Z: ev.cumulativeQuoteQty,
    Y: ev.lastQuoteQty,
    Q: ev.quoteOrderQty,
    W: ev.workingTime,
    V: "NONE",
  };
}

/** The user-data `outboundAccountPosition` event. */
export function accountPositionJson(ev: AccountPosition): Record<string, unknown> {
  return {
    e: "outboundAccountPosition",
    E: ev.eventTime,
    u: ev.lastUpdateTime,
    B: ev.balances.map((b) => ({ a: b.asset, f: b.free, l: b.locked })),
  };
}

/**
 * `buyerIsMaker` of a simulated fill: the account's order is the maker or the taker; the other
 * side is the (derived) market.
 */
function buyerIsMaker(f: FillRecord): boolean {
  return (f.side === "BUY") === f.isMaker;
}

/** `<symbol>@trade` payload of a simulated fill. */
export function tradeJson(f: FillRecord): Record<string, unknown> {
  return {
    e: "trade",
    E: f.time,
    s: f.symbol,
    t: f.tradeId,
    p: f.price,
    q: f.qty,
    T: f.time,
    m: buyerIsMaker(f),
    M: true,
  };
}

/** `<symbol>@aggTrade` payload of a simulated fill (one fill = one aggregate trade). */
export function aggTradeJson(f: FillRecord): Record<string, unknown> {
  return {
    e: "aggTrade",
    E: f.time,
    s: f.symbol,
    a: f.tradeId,
    p: f.price,
    q: f.qty,
    f: f.tradeId,
    l: f.tradeId,
    T: f.time,
    m: buyerIsMaker(f),
    M: true,
  };
}

/** `GET /api/v3/trades` element for a simulated fill. */
export function publicTradeJson(f: FillRecord): Record<string, unknown> {
  return {
    id: f.tradeId,
    price: f.price,
    qty: f.qty,
    quoteQty: f.quoteQty,
    time: f.time,
    isBuyerMaker: buyerIsMaker(f),
    isBestMatch: true,
  };
}

/** `GET /api/v3/aggTrades` element for a simulated fill. */
export function publicAggTradeJson(f: FillRecord): Record<string, unknown> {
  return {
    a: f.tradeId,
    p: f.price,
    q: f.qty,
    f: f.tradeId,
    l: f.tradeId,
    T: f.time,
    m: buyerIsMaker(f),
    M: true,
  };
}

/**
 * `<symbol>@kline_<interval>` payload. The data has no trades, quote volume or taker volumes:
 * `f`/`L` are -1, `n` is 0 and `q`, `V`, `Q` are "0".
 */
export function klineEventJson(
  symbol: string,
  interval: string,
  c: Candle,
  options: { eventTime: number; final: boolean },
): Record<string, unknown> {
  return {
    e: "kline",
    E: options.eventTime,
    s: symbol,
    k: {
      t: c.openTime,
      T: c.closeTime,
      s: symbol,
      i: interval,
      f: -1,
      L: -1,
      o: price(c.open),
      c: price(c.close),
      h: price(c.high),
      l: price(c.low),
      v: formatFixed8(c.volume),
      n: 0,
      x: options.final,
      q: "0",
      V: "0",
      Q: "0",
      B: "0",
    },
  };
}
