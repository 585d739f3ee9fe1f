import type { SimExchange } from "../sim/sim_exchange.ts";
import type { FillRecord, PlaceOrderRequest } from "../sim/sim_records.ts";
import type { SimOutcome } from "../sim/sim_reject.ts";
import { ApiErrors, ApiFailure } from "./_api_error.ts";
import { type ApiKeyEntry, authenticate } from "./_authenticate.ts";
import {
  orderJson,
  OrderRespType,
  orderResultJson,
  publicAggTradeJson,
  publicTradeJson,
} from "./_binance_json.ts";
import { isKlineInterval, klineCandles, klineRow } from "./_kline_rows.ts";
import type { OrderCounts } from "./_order_counts.ts";
import type { RequestParams } from "./_request_params.ts";
import { restSignaturePayload } from "./_signature.ts";
import type { SimReplay } from "./sim_replay.ts";
import type { StateLogEntry } from "./sim_state_store.ts";

/** One REST request as the routes see it. */
export interface RestRequest {
  method: string;
  path: string;
  params: RequestParams;
  /** The query string exactly as sent, without `?`. */
  rawQuery: string;
  /** The body exactly as sent ("" for none). */
  rawBody: string;
  /** `X-MBX-APIKEY`, or null. */
  apiKey: string | null;
}

/** A route's answer: JSON body and extra headers. */
export interface RestAnswer {
  body: unknown;
  headers?: Record<string, string>;
}

/** A logged command without the fields the server fills in (cursor, time). */
export type CommandEntry =
  | Omit<Extract<StateLogEntry, { kind: "place" }>, "cursor" | "time">
  | Omit<Extract<StateLogEntry, { kind: "cancel" }>, "cursor" | "time">
  | Omit<Extract<StateLogEntry, { kind: "cancelAll" }>, "cursor" | "time">;

/** What the routes need from the server. */
export interface RestContext {
  engine: SimExchange;
  replay: SimReplay;
  keys: ReadonlyMap<string, ApiKeyEntry>;
  orderCounts: OrderCounts;
  /** Wall clock, ms. */
  now(): number;
  /** The exchangeInfo body for these symbols (all served ones when undefined). */
  exchangeInfo(symbols?: readonly string[]): unknown;
  /** REQUEST_WEIGHT and ORDERS limits as exchangeInfo lists them. */
  rateLimits(): unknown[];
  /**
   * Runs one engine-changing command the way every change runs: bars due are fed first, engine
   * time moves to market time, the command runs, the step is persisted, events go out. `entry`
   * is what to log when the command changed state (null: nothing to log).
   */
  command<T>(run: () => { result: T; entry: CommandEntry | null }): T;
  /** Every account's fills on a symbol, by trade id (the only trades this market has). */
  publicTrades(symbol: string): FillRecord[];
}

type Handler = (req: RestRequest) => Promise<RestAnswer>;

/** The routes by path, then method. */
export type RestRoutes = ReadonlyMap<string, Readonly<Record<string, Handler>>>;

const ORDER_PARAMS = [
  "symbol",
  "side",
  "type",
  "timeInForce",
  "quantity",
  "quoteOrderQty",
  "price",
  "newClientOrderId",
] as const;

/**
 * Binance Spot's REST API over the engine (`/api/v3/...`): public market data, and the SIGNED
 * account and order endpoints. Engine rejects pass through with their code, message and HTTP
 * status. Times in answers are market (replay) time, except `time`/`serverTime`, which are wall
 * time.
 */
export function restRoutes(ctx: RestContext): RestRoutes {
  const { engine } = ctx;
  const served = (symbol: string): string => {
    if (!engine.exchangeInfo.symbols.has(symbol)) throw new ApiFailure(ApiErrors.invalidSymbol());
    return symbol;
  };
  const value = <T>(out: SimOutcome<T>): T => {
    if (!out.ok) {
      throw new ApiFailure({
        code: out.reject.code,
        msg: out.reject.msg,
        status: out.reject.httpStatus,
      });
    }
    return out.value;
  };
  const signed = (req: RestRequest): Promise<ApiKeyEntry> => {
    const { payload, signature } = restSignaturePayload(req.rawQuery, req.rawBody);
    return authenticate({
      apiKey: req.apiKey,
      signature,
      timestamp: req.params.get("timestamp"),
      recvWindow: req.params.get("recvWindow"),
      payload,
    }, { keys: ctx.keys, now: ctx.now() });
  };
  const limitOf = (p: RequestParams, fallback: number, max: number): number => {
    const v = p.int("limit");
    if (v === undefined) return fallback;
    return Math.min(max, Math.max(1, v));
  };
  const symbolsOf = (p: RequestParams): string[] | undefined => {
    const one = p.get("symbol");
    if (one !== undefined) return [served(one)];
    const many = p.stringArray("symbols");
    return many?.map(served);
  };
  const ok = (body: unknown): Promise<RestAnswer> => Promise.resolve({ body });

  const routes = new Map<string, Record<string, Handler>>();
  const add = (path: string, method: string, h: Handler) => {
    const full = `/api/v3/${path}`;
    routes.set(full, { ...routes.get(full), [method]: h });
  };

  add("ping", "GET", () => ok({}));
  add("time", "GET", () => ok({ serverTime: ctx.now() }));
  add("exchangeInfo", "GET", (r) => ok(ctx.exchangeInfo(symbolsOf(r.params))));
  add("depth", "GET", (r) => {
    const symbol = served(r.params.required("symbol"));
    return ok(value(engine.depth(symbol, { limit: limitOf(r.params, 100, 5000) })));
  });
  add("trades", "GET", (r) => {
    const symbol = served(r.params.required("symbol"));
    return ok(ctx.publicTrades(symbol).slice(-limitOf(r.params, 500, 1000)).map(publicTradeJson));
  });
  add("historicalTrades", "GET", (r) => {
    const symbol = served(r.params.required("symbol"));
    const fromId = r.params.int("fromId");
    const list = ctx.publicTrades(symbol);
    const limit = limitOf(r.params, 500, 1000);
    const picked = fromId === undefined
      ? list.slice(-limit)
      : list.filter((t) => t.tradeId >= fromId).slice(0, limit);
    return ok(picked.map(publicTradeJson));
  });
  add("aggTrades", "GET", (r) => {
    const symbol = served(r.params.required("symbol"));
    const fromId = r.params.int("fromId");
    const start = r.params.int("startTime");
    const end = r.params.int("endTime");
    const list = ctx.publicTrades(symbol).filter((t) =>
      (fromId === undefined || t.tradeId >= fromId) &&
      (start === undefined || t.time >= start) && (end === undefined || t.time <= end)
    );
    const limit = limitOf(r.params, 500, 1000);
    const picked = fromId !== undefined || start !== undefined
      ? list.slice(0, limit)
      : list.slice(-limit);
    return ok(picked.map(publicAggTradeJson));
  });
  const klines: Handler = (r) => {
    const symbol = served(r.params.required("symbol"));
    const interval = r.params.required("interval");
    if (!isKlineInterval(interval)) throw new ApiFailure(ApiErrors.invalidInterval());
    const series = ctx.replay.series(symbol)!;
    const candles = klineCandles(series, ctx.replay.fedCount(symbol), {
      interval,
      startTime: r.params.int("startTime"),
      endTime: r.params.int("endTime"),
      limit: limitOf(r.params, 500, 1000),
    });
    return ok(candles.map(klineRow));
  };
  add("klines", "GET", klines);
  add("uiKlines", "GET", klines);
  add("avgPrice", "GET", (r) => ok(value(engine.avgPrice(served(r.params.required("symbol"))))));
  add("ticker/24hr", "GET", (r) => {
    const list = symbolsOf(r.params);
    const rows = (list ?? [...engine.exchangeInfo.symbols.keys()]).map((s) =>
      value(engine.ticker24h(s))
    );
    return ok(r.params.get("symbol") !== undefined ? rows[0] : rows);
  });
  add("ticker/bookTicker", "GET", (r) => {
    const list = symbolsOf(r.params);
    const rows = (list ?? [...engine.exchangeInfo.symbols.keys()]).map((s) =>
      value(engine.bookTicker(s))
    );
    return ok(r.params.get("symbol") !== undefined ? rows[0] : rows);
  });
  add("ticker/price", "GET", (r) => {
    const list = symbolsOf(r.params);
    const rows = (list ?? [...engine.exchangeInfo.symbols.keys()]).map((s) => {
      const t = value(engine.ticker24h(s));
      return { symbol: s, price: t.lastPrice };
    });
    return ok(r.params.get("symbol") !== undefined ? rows[0] : rows);
  });

  add("account", "GET", async (r) => {
    const key = await signed(r);
    const acct = engine.account({ account: key.account });
    if (r.params.get("omitZeroBalances") === "true") {
      acct.balances = acct.balances.filter((b) => Number(b.free) !== 0 || Number(b.locked) !== 0);
    }
    return { body: acct };
  });
  add("rateLimit/order", "GET", async (r) => {
    const key = await signed(r);
    const h = ctx.orderCounts.headers(key.account, ctx.now());
    return {
      body: ctx.rateLimits().filter((l) =>
        (l as { rateLimitType: string }).rateLimitType === "ORDERS"
      )
        .map((l) => {
          const lim = l as { interval: string };
          return {
            ...lim,
            count: Number(
              lim.interval === "SECOND" ? h["X-MBX-ORDER-COUNT-10S"] : h["X-MBX-ORDER-COUNT-1D"],
            ),
          };
        }),
    };
  });
  add("order", "POST", async (r) => {
    const key = await signed(r);
    const p = r.params;
    const body: Record<string, string> = {};
    for (const name of ORDER_PARAMS) {
      const v = p.get(name);
      if (v !== undefined) body[name] = v;
    }
    if (body.symbol !== undefined) served(body.symbol);
    for (
      const name of ["icebergQty", "trailingDelta", "stopPrice", "strategyType", "pegPriceType"]
    ) {
      if (p.get(name) !== undefined) {
        throw new ApiFailure({ code: -2010, msg: "Unsupported order combination", status: 400 });
      }
    }
    const respType = parseRespType(p.get("newOrderRespType"), body.type);
    const limited = ctx.orderCounts.check(key.account, ctx.now());
    if (limited !== null) throw new ApiFailure(limited);
    const out = ctx.command(() => {
      const res = engine.placeOrder(body as unknown as PlaceOrderRequest, { account: key.account });
      return { result: res, entry: res.ok ? { kind: "place", account: key.account, body } : null };
    });
    const placed = value(out);
    ctx.orderCounts.add(key.account, ctx.now());
    return {
      body: orderResultJson(placed, respType),
      headers: ctx.orderCounts.headers(key.account, ctx.now()),
    };
  });
  add("order/test", "POST", async (r) => {
    await signed(r);
    throw new ApiFailure(ApiErrors.unsupported());
  });
  add("order", "GET", async (r) => {
    const key = await signed(r);
    const symbol = served(r.params.required("symbol"));
    const rec = value(engine.getOrder(symbol, {
      orderId: r.params.int("orderId"),
      origClientOrderId: r.params.get("origClientOrderId"),
    }, { account: key.account }));
    return { body: orderJson(rec) };
  });
  add("order", "DELETE", async (r) => {
    const key = await signed(r);
    const symbol = served(r.params.required("symbol"));
    const ref = {
      orderId: r.params.int("orderId"),
      origClientOrderId: r.params.get("origClientOrderId"),
      newClientOrderId: r.params.get("newClientOrderId"),
    };
    const out = ctx.command(() => {
      const res = engine.cancelOrder(symbol, ref, { account: key.account });
      const entry: CommandEntry | null = res.ok
        ? { kind: "cancel", account: key.account, symbol, ...definedOnly(ref) }
        : null;
      return { result: res, entry };
    });
    return { body: value(out) };
  });
  add("openOrders", "DELETE", async (r) => {
    const key = await signed(r);
    const symbol = served(r.params.required("symbol"));
    const out = ctx.command(() => {
      const res = engine.cancelOpenOrders(symbol, { account: key.account });
      const changed = res.ok && res.value.length > 0;
      return {
        result: res,
        entry: changed ? { kind: "cancelAll", account: key.account, symbol } : null,
      };
    });
    const list = value(out);
    if (list.length === 0) {
      throw new ApiFailure({ code: -2011, msg: "Unknown order sent.", status: 400 });
    }
    return { body: list };
  });
  add("openOrders", "GET", async (r) => {
    const key = await signed(r);
    const symbol = r.params.get("symbol");
    if (symbol !== undefined) served(symbol);
    return { body: value(engine.openOrders(symbol, { account: key.account })).map(orderJson) };
  });
  add("allOrders", "GET", async (r) => {
    const key = await signed(r);
    const symbol = served(r.params.required("symbol"));
    return {
      body: value(engine.allOrders(symbol, {
        account: key.account,
        orderId: r.params.int("orderId"),
        startTime: r.params.int("startTime"),
        endTime: r.params.int("endTime"),
        limit: limitOf(r.params, 500, 1000),
      })).map(orderJson),
    };
  });
  add("myTrades", "GET", async (r) => {
    const key = await signed(r);
    const symbol = served(r.params.required("symbol"));
    return {
      body: value(engine.myTrades(symbol, {
        account: key.account,
        orderId: r.params.int("orderId"),
        startTime: r.params.int("startTime"),
        endTime: r.params.int("endTime"),
        fromId: r.params.int("fromId"),
        limit: limitOf(r.params, 500, 1000),
      })),
    };
  });
  return routes;
}

function parseRespType(v: string | undefined, type: string | undefined): OrderRespType {
  if (v === undefined) {
    return type === "MARKET" || type === "LIMIT" ? OrderRespType.FULL : OrderRespType.ACK;
  }
  if (v === "ACK" || v === "RESULT" || v === "FULL") return v;
  throw new ApiFailure(ApiErrors.illegalChars("newOrderRespType", "ACK, RESULT, FULL"));
}

function definedOnly<T extends Record<string, unknown>>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}
