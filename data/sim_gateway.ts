import type {
  GatewayBalance,
  GatewayEvent,
  GatewayOrder,
  GatewayOrderRequest,
  GatewayQuote,
  GatewayResult,
  SimulatedVenue,
  VenueBar,
} from "./gateway.ts";
import type { ExchangeInfo, SymbolRules } from "./sim/exchange_info.ts";
import { SimExchange } from "./sim/sim_exchange.ts";
import type { SimExchangeOptionsInput } from "./sim/sim_exchange_options.ts";
import {
  type CancelResult,
  type ExecutionReport,
  ExecutionType,
  type OrderRecord,
  type OrderResult,
  type OrderStatus,
  type Side,
} from "./sim/sim_records.ts";
import type { SimOutcome } from "./sim/sim_reject.ts";

/**
 * The in-process simulated exchange behind the `Gateway` interface (`data/sim/`): one account,
 * bars fed in event time with `onBar`, every event delivered synchronously to the subscribers
 * during the call that caused it (so a backtest is deterministic). Rejects come back as results
 * with Binance's code and message and are not pushed as events (as on Binance).
 */
export class SimGateway implements SimulatedVenue {
  readonly venue = "sim";
  /** The engine, for inspection (tests, the ops server); drive it through this gateway. */
  readonly exchange: SimExchange;
  readonly #listeners = new Set<(event: GatewayEvent) => void>();

  /** @param options the engine's options (`config.exchange`). */
  constructor(info: ExchangeInfo, options: SimExchangeOptionsInput = {}) {
    this.exchange = new SimExchange(info, options);
    this.exchange.onEvent((event) => {
      if (event.type !== "executionReport" || event.executionType === ExecutionType.REJECTED) {
        return;
      }
      for (const e of gatewayEvents(event)) for (const l of this.#listeners) l(e);
    });
  }

  symbolRules(symbol: string): SymbolRules | undefined {
    return this.exchange.exchangeInfo.symbols.get(symbol);
  }

  onBar(symbol: string, bar: VenueBar): void {
    this.exchange.onBar(symbol, bar);
  }

  placeOrder(request: GatewayOrderRequest): Promise<GatewayResult<GatewayOrder>> {
    const out = this.exchange.placeOrder({
      symbol: request.symbol,
      side: request.side,
      type: request.type,
      timeInForce: request.type === "MARKET" ? undefined : request.timeInForce,
      quantity: request.quantity,
      price: request.price ?? undefined,
      newClientOrderId: request.clientOrderId,
      confidence: request.confidence,
    });
    return Promise.resolve(mapped(out, fromResult));
  }

  cancelOrder(symbol: string, clientOrderId: string): Promise<GatewayResult<GatewayOrder>> {
    const out = this.exchange.cancelOrder(symbol, { origClientOrderId: clientOrderId });
    return Promise.resolve(mapped(out, fromCancel));
  }

  getOrder(symbol: string, clientOrderId: string): Promise<GatewayResult<GatewayOrder>> {
    const out = this.exchange.getOrder(symbol, { origClientOrderId: clientOrderId });
    return Promise.resolve(mapped(out, fromRecord));
  }

  openOrders(symbol?: string): Promise<GatewayResult<GatewayOrder[]>> {
    const out = this.exchange.openOrders(symbol);
    return Promise.resolve(mapped(out, (list) => list.map(fromRecord)));
  }

  balances(): Promise<GatewayResult<GatewayBalance[]>> {
    return Promise.resolve({ ok: true, value: this.exchange.account().balances });
  }

  quote(symbol: string): Promise<GatewayResult<GatewayQuote>> {
    const out = this.exchange.bookTicker(symbol);
    return Promise.resolve(
      mapped(out, (t) => ({ symbol: t.symbol, bidPrice: t.bidPrice, askPrice: t.askPrice })),
    );
  }

  subscribe(listener: (event: GatewayEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

function mapped<A, B>(out: SimOutcome<A>, f: (a: A) => B): GatewayResult<B> {
  return out.ok
    ? { ok: true, value: f(out.value) }
    : { ok: false, reject: { code: out.reject.code, msg: out.reject.msg } };
}

/** The engine's order fields, named alike in its results and records. */
type EngineOrder = Pick<
  OrderRecord,
  | "symbol"
  | "orderId"
  | "side"
  | "type"
  | "timeInForce"
  | "price"
  | "origQty"
  | "executedQty"
  | "cummulativeQuoteQty"
  | "status"
>;

function gatewayOrder(
  r: EngineOrder,
  ids: { clientOrderId: string; time: number; updateTime: number },
): GatewayOrder {
  return {
    symbol: r.symbol,
    orderId: r.orderId,
    clientOrderId: ids.clientOrderId,
    side: r.side,
    type: r.type,
    timeInForce: r.timeInForce,
    price: r.price,
    origQty: r.origQty,
    executedQty: r.executedQty,
    cumulativeQuoteQty: r.cummulativeQuoteQty,
    status: r.status,
    time: ids.time,
    updateTime: ids.updateTime,
  };
}

function fromResult(r: OrderResult): GatewayOrder {
  return gatewayOrder(r, {
    clientOrderId: r.clientOrderId,
    time: r.transactTime,
    updateTime: r.transactTime,
  });
}

function fromCancel(r: CancelResult): GatewayOrder {
  return gatewayOrder(r, {
    clientOrderId: r.origClientOrderId,
    time: r.transactTime,
    updateTime: r.transactTime,
  });
}

function fromRecord(r: OrderRecord): GatewayOrder {
  return gatewayOrder(r, {
    clientOrderId: r.clientOrderId,
    time: r.time,
    updateTime: r.updateTime,
  });
}

/** The gateway events of one execution report: the fill first (TRADE), then the order. */
function gatewayEvents(r: ExecutionReport): GatewayEvent[] {
  const order: GatewayOrder = {
    symbol: r.symbol,
    orderId: r.orderId,
    clientOrderId: r.executionType === ExecutionType.CANCELED
      ? r.origClientOrderId
      : r.clientOrderId,
    side: r.side as Side,
    type: r.orderType as GatewayOrder["type"],
    timeInForce: r.timeInForce as GatewayOrder["timeInForce"],
    price: r.price,
    origQty: r.quantity,
    executedQty: r.cumulativeFilledQty,
    cumulativeQuoteQty: r.cumulativeQuoteQty,
    status: r.orderStatus as OrderStatus,
    time: r.orderCreationTime,
    updateTime: r.eventTime,
  };
  const out: GatewayEvent[] = [];
  if (r.executionType === ExecutionType.TRADE && r.fill !== null) {
    out.push({ kind: "fill", ts: r.fill.time, fill: { ...r.fill } });
  }
  out.push({ kind: "order", ts: r.eventTime, executionType: r.executionType, order });
  return out;
}
