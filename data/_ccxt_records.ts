import { z } from "zod";
import type { GatewayBalance, GatewayOrder, GatewayQuote } from "./gateway.ts";
import { formatFixed8, parseFixed8 } from "./sim/fixed8.ts";
import { ExecutionType, OrderStatus, OrderType, Side, TimeInForce } from "./sim/sim_records.ts";

/**
 * Binance's raw JSON (REST answers and user-data / market stream events, as ccxt received them)
 * parsed with zod once and turned into the gateway's records. Decimals are re-written on the
 * 8-decimal grid (`"48.000012"` → `"48.00001200"`) so every record compares as text.
 */

const Dec = z.string().regex(/^[0-9]+(\.[0-9]+)?$/).transform((s) => formatFixed8(parseFixed8(s)));
const Int = z.number().int();

/** Binance statuses outside the gateway's set, mapped onto it (see {@link normalStatus}). */
const RawStatus = z.enum([
  "NEW",
  "PENDING_NEW",
  "PARTIALLY_FILLED",
  "FILLED",
  "CANCELED",
  "PENDING_CANCEL",
  "REJECTED",
  "EXPIRED",
  "EXPIRED_IN_MATCH",
]);
const RawSide = z.enum([Side.BUY, Side.SELL]);
const RawType = z.enum([OrderType.LIMIT, OrderType.MARKET, OrderType.LIMIT_MAKER]);
const RawTif = z.enum([TimeInForce.GTC, TimeInForce.IOC, TimeInForce.FOK]);

/** `GET /api/v3/order` / `openOrders` element. */
export const RawOrder = z.looseObject({
  symbol: z.string(),
  orderId: Int,
  clientOrderId: z.string(),
  price: Dec,
  origQty: Dec,
  executedQty: Dec,
  cummulativeQuoteQty: Dec,
  status: RawStatus,
  timeInForce: RawTif,
  type: RawType,
  side: RawSide,
  time: Int,
  updateTime: Int,
});

/** `POST /api/v3/order` answer (RESULT or FULL). */
export const RawPlaced = z.looseObject({
  symbol: z.string(),
  orderId: Int,
  clientOrderId: z.string(),
  transactTime: Int,
  price: Dec,
  origQty: Dec,
  executedQty: Dec,
  cummulativeQuoteQty: Dec,
  status: RawStatus,
  timeInForce: RawTif,
  type: RawType,
  side: RawSide,
  workingTime: Int.optional(),
});

/** `DELETE /api/v3/order` answer (`origClientOrderId` is the order's own id). */
export const RawCanceled = RawPlaced.omit({ clientOrderId: true }).extend({
  origClientOrderId: z.string(),
});

/** `GET /api/v3/myTrades` element. */
export const RawTrade = z.looseObject({
  symbol: z.string(),
  id: Int,
  orderId: Int,
  price: Dec,
  qty: Dec,
  quoteQty: Dec,
  commission: Dec,
  commissionAsset: z.string(),
  time: Int,
  isBuyer: z.boolean(),
  isMaker: z.boolean(),
});
/** One account trade (`myTrades`), decimals on the 8-decimal grid. */
export type RawTrade = z.infer<typeof RawTrade>;

/** User-data `executionReport` (reference §10). */
export const RawExecutionReport = z.looseObject({
  e: z.literal("executionReport"),
  E: Int,
  s: z.string(),
  c: z.string(),
  S: RawSide,
  o: RawType,
  f: RawTif,
  q: Dec,
  p: Dec,
  C: z.string().nullish(),
  x: z.enum(["NEW", "CANCELED", "REPLACED", "REJECTED", "TRADE", "EXPIRED", "TRADE_PREVENTION"]),
  X: RawStatus,
  i: Int,
  l: Dec,
  z: Dec,
  L: Dec,
  n: Dec.nullish(),
  N: z.string().nullish(),
  T: Int,
  t: Int,
  m: z.boolean(),
  O: Int,
  Z: Dec,
  Y: Dec.optional(),
});
/** A parsed executionReport. */
export type RawExecutionReport = z.infer<typeof RawExecutionReport>;

/** `GET /api/v3/account` (the part the gateway reads). */
export const RawAccount = z.looseObject({
  balances: z.array(z.looseObject({ asset: z.string(), free: Dec, locked: Dec })),
});

/** `GET /api/v3/ticker/bookTicker` element and `<s>@bookTicker` event (`s`, `b`, `a`). */
export const RawBookTicker = z.union([
  z.looseObject({ symbol: z.string(), bidPrice: Dec, askPrice: Dec }).transform((t) => ({
    symbol: t.symbol,
    bidPrice: t.bidPrice,
    askPrice: t.askPrice,
  })),
  z.looseObject({ s: z.string(), b: Dec, a: Dec }).transform((t) => ({
    symbol: t.s,
    bidPrice: t.b,
    askPrice: t.a,
  })),
]);

/** `<s>@kline_<i>` event (reference §9.2). */
export const RawKlineEvent = z.looseObject({
  e: z.literal("kline"),
  E: Int,
  s: z.string(),
  k: z.looseObject({
    t: Int,
    T: Int,
    s: z.string(),
    i: z.string(),
    o: z.string(),
    c: z.string(),
    h: z.string(),
    l: z.string(),
    v: z.string(),
    x: z.boolean(),
  }),
});
/** A parsed kline event. */
export type RawKlineEvent = z.infer<typeof RawKlineEvent>;

/** A REST kline row: `[openTime, "o", "h", "l", "c", "v", closeTime, …]`. */
export const RawKlineRow = z.tuple([
  Int,
  z.string(),
  z.string(),
  z.string(),
  z.string(),
  z.string(),
  Int,
]).rest(z.unknown());

/**
 * Binance's order status in the gateway's set: `PENDING_NEW` → `NEW`; `PENDING_CANCEL` →
 * `PARTIALLY_FILLED` or `NEW` (still open, by what was executed); `EXPIRED_IN_MATCH` (self-trade
 * prevention) → `EXPIRED`.
 */
export function normalStatus(
  status: z.infer<typeof RawStatus>,
  executedQty: string,
): OrderStatus {
  switch (status) {
    case "PENDING_NEW":
      return OrderStatus.NEW;
    case "PENDING_CANCEL":
      return parseFixed8(executedQty) > 0n ? OrderStatus.PARTIALLY_FILLED : OrderStatus.NEW;
    case "EXPIRED_IN_MATCH":
      return OrderStatus.EXPIRED;
    default:
      return status;
  }
}

/** The order fields every REST order answer carries under the same names. */
interface RawOrderFields {
  symbol: string;
  orderId: number;
  side: GatewayOrder["side"];
  type: GatewayOrder["type"];
  timeInForce: GatewayOrder["timeInForce"];
  price: string;
  origQty: string;
  executedQty: string;
  cummulativeQuoteQty: string;
  status: z.infer<typeof RawStatus>;
}

function gatewayOrder(
  o: RawOrderFields,
  ids: { clientOrderId: string; time: number; updateTime: number },
): GatewayOrder {
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    clientOrderId: ids.clientOrderId,
    side: o.side,
    type: o.type,
    timeInForce: o.timeInForce,
    price: o.price,
    origQty: o.origQty,
    executedQty: o.executedQty,
    cumulativeQuoteQty: o.cummulativeQuoteQty,
    status: normalStatus(o.status, o.executedQty),
    time: ids.time,
    updateTime: ids.updateTime,
  };
}

/** An order from `GET order` / `openOrders`. */
export function orderFromRaw(raw: unknown): GatewayOrder {
  const o = parse(RawOrder, raw, "order");
  return gatewayOrder(o, {
    clientOrderId: o.clientOrderId,
    time: o.time,
    updateTime: o.updateTime,
  });
}

/** The order of a `POST order` answer. */
export function placedFromRaw(raw: unknown): GatewayOrder {
  const o = parse(RawPlaced, raw, "order placement");
  return gatewayOrder(o, {
    clientOrderId: o.clientOrderId,
    time: o.workingTime ?? o.transactTime,
    updateTime: o.transactTime,
  });
}

/** The order of a `DELETE order` answer (its own client id is `origClientOrderId`). */
export function canceledFromRaw(raw: unknown): GatewayOrder {
  const o = parse(RawCanceled, raw, "order cancel");
  return gatewayOrder(o, {
    clientOrderId: o.origClientOrderId,
    time: o.workingTime ?? o.transactTime,
    updateTime: o.transactTime,
  });
}

/**
 * The order state an executionReport describes. On a cancel Binance puts the cancel request's id
 * in `c` and the order's own id in `C`; the order's own id is returned.
 */
export function orderFromReport(r: RawExecutionReport): GatewayOrder {
  const own = r.x === "CANCELED" && r.C !== undefined && r.C !== null && r.C !== "" ? r.C : r.c;
  return {
    symbol: r.s,
    orderId: r.i,
    clientOrderId: own,
    side: r.S,
    type: r.o,
    timeInForce: r.f,
    price: r.p,
    origQty: r.q,
    executedQty: r.z,
    cumulativeQuoteQty: r.Z,
    status: normalStatus(r.X, r.z),
    time: r.O,
    updateTime: r.E,
  };
}

/** The execution type of a report in the gateway's set (`TRADE_PREVENTION` → `EXPIRED`). */
export function executionTypeOf(r: RawExecutionReport): ExecutionType | null {
  switch (r.x) {
    case "NEW":
    case "TRADE":
    case "CANCELED":
    case "EXPIRED":
    case "REJECTED":
      return r.x;
    case "TRADE_PREVENTION":
      return ExecutionType.EXPIRED;
    case "REPLACED":
      return null;
  }
}

/** Balances of `GET account`, in the venue's order. */
export function balancesFromRaw(raw: unknown): GatewayBalance[] {
  return parse(RawAccount, raw, "account").balances.map((b) => ({
    asset: b.asset,
    free: b.free,
    locked: b.locked,
  }));
}

/** A touch from a bookTicker answer or event. */
export function quoteFromRaw(raw: unknown): GatewayQuote {
  return parse(RawBookTicker, raw, "book ticker");
}

/**
 * Parses `raw` with `schema`.
 *
 * @throws TypeError naming what was parsed and the first issue (a malformed venue answer).
 */
export function parse<S extends z.ZodType>(schema: S, raw: unknown, what: string): z.output<S> {
  const out = schema.safeParse(raw);
  if (!out.success) {
    const issue = out.error.issues[0];
    throw new TypeError(
      `Cannot read the venue's ${what} as ${issue.path.join(".") || "value"} ${issue.message}: ${
        JSON.stringify(raw).slice(0, 300)
      }`,
    );
  }
  return out.data;
}
