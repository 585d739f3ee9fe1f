import type { SymbolRules } from "./sim/exchange_info.ts";
import type {
  ExecutionType,
  OrderStatus,
  OrderType,
  Side,
  TimeInForce,
} from "./sim/sim_records.ts";

/**
 * One order to place, in Binance's terms. Decimals are exact strings already on the symbol's
 * grid (quantity on the LOT_SIZE step, price on the tick); `clientOrderId` is Binance's
 * `newClientOrderId` and must be unique among the account's open orders.
 */
export interface GatewayOrderRequest {
  symbol: string;
  side: Side;
  type: typeof OrderType.LIMIT | typeof OrderType.MARKET;
  /** Ignored for MARKET. */
  timeInForce: TimeInForce;
  quantity: string;
  /** The limit price; null for MARKET. */
  price: string | null;
  clientOrderId: string;
  /** The decision's confidence in [0, 1]: a simulated venue's slippage reads it, a real one not. */
  confidence?: number;
}

/** An order as the venue reports it (Binance's order fields, 8-decimal strings). */
export interface GatewayOrder {
  symbol: string;
  orderId: number;
  clientOrderId: string;
  side: Side;
  type: OrderType;
  timeInForce: TimeInForce;
  /** "0.00000000" for MARKET. */
  price: string;
  origQty: string;
  executedQty: string;
  cumulativeQuoteQty: string;
  status: OrderStatus;
  /** Creation time, ms (event time of the venue). */
  time: number;
  updateTime: number;
}

/**
 * One execution with what it saw, as the simulated exchange reports it (`FillRecord`): a real
 * venue fills `bestBid`/`bestAsk` from its book stream at the fill, `queueAhead` with "0" and
 * `slippageBp` against the touch it saw.
 */
export interface GatewayFill {
  tradeId: number;
  orderId: number;
  clientOrderId: string;
  symbol: string;
  side: Side;
  price: string;
  qty: string;
  quoteQty: string;
  commission: string;
  commissionAsset: string;
  isMaker: boolean;
  /** Event time of the fill, ms. */
  time: number;
  bestBid: string;
  bestAsk: string;
  queueAhead: string;
  slippageBp: number;
}

/**
 * What a venue pushes (Binance's user-data stream): an order's state changed (`order`: NEW,
 * TRADE, CANCELED, EXPIRED; a TRADE also comes as a `fill`, just before its `order` event).
 * Rejected requests are not pushed: they are the answer of `placeOrder`.
 */
export type GatewayEvent =
  | {
    kind: "order";
    /** Event time, ms. */
    ts: number;
    executionType: ExecutionType;
    order: GatewayOrder;
  }
  | { kind: "fill"; ts: number; fill: GatewayFill };

/** A refused request: Binance's error code and message (`-2010`, "Account has insufficient …"). */
export interface GatewayReject {
  code: number;
  msg: string;
}

/** The answer of a venue call. */
export type GatewayResult<T> = { ok: true; value: T } | { ok: false; reject: GatewayReject };

/** The touch of one symbol's book (`GET /api/v3/ticker/bookTicker`). */
export interface GatewayQuote {
  symbol: string;
  bidPrice: string;
  askPrice: string;
}

/** One asset's balance. */
export interface GatewayBalance {
  asset: string;
  free: string;
  locked: string;
}

/** One bar of recorded market data, for a simulated venue (`SimulatedVenue.onBar`). */
export interface VenueBar {
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/**
 * What the execution actor needs from an exchange, Binance Spot-shaped: the simulated exchange
 * in-process (`SimGateway`) for backtests, the ccxt gateway (testnet, live, or the simulated
 * exchange's server) for paper and live trading.
 *
 * - Calls answer with the venue's value or its reject (never throw for a reject; they may throw
 *   for a transport failure, which the execution actor's supervisor handles).
 * - Events (fills, order updates) go to `subscribe`rs in the order the venue produced them. A
 *   simulated venue delivers the events a call causes synchronously, before the call's promise
 *   resolves; a real one delivers them whenever its stream does.
 * - Idempotency: a `clientOrderId` names an order; `getOrder(symbol, clientOrderId)` finds it, so a
 *   caller that is unsure whether a placement reached the venue asks before placing again.
 */
export interface Gateway {
  /** Names the venue in logs and `summary.json` (`sim`, `binance-testnet`, …). */
  readonly venue: string;
  /** The trading rules (exchangeInfo) of a symbol, or undefined when the venue does not list it. */
  symbolRules(symbol: string): SymbolRules | undefined;
  placeOrder(request: GatewayOrderRequest): Promise<GatewayResult<GatewayOrder>>;
  /** Cancels an open order by its client id (-2011 when no open order has it). */
  cancelOrder(symbol: string, clientOrderId: string): Promise<GatewayResult<GatewayOrder>>;
  /** The latest order with that client id, open or not (-2013 when none). */
  getOrder(symbol: string, clientOrderId: string): Promise<GatewayResult<GatewayOrder>>;
  /** Open orders, of one symbol or all, in orderId order. */
  openOrders(symbol?: string): Promise<GatewayResult<GatewayOrder[]>>;
  balances(): Promise<GatewayResult<GatewayBalance[]>>;
  quote(symbol: string): Promise<GatewayResult<GatewayQuote>>;
  /** Registers an event listener; returns its unsubscribe. */
  subscribe(listener: (event: GatewayEvent) => void): () => void;
}

/**
 * A venue whose market is driven by the caller in event time (the in-process simulated exchange
 * of a backtest): each bar matches the resting orders placed before it opened, then becomes the
 * last bar of its symbol (the book is derived from it). Events are delivered synchronously.
 */
export interface SimulatedVenue extends Gateway {
  /** Feeds one closed bar of `symbol`; bars of a symbol must come in ascending open time. */
  onBar(symbol: string, bar: VenueBar): void;
}

/** True for a gateway whose market the caller drives (`SimulatedVenue`). */
export function isSimulatedVenue(gateway: Gateway): gateway is SimulatedVenue {
  return typeof (gateway as Partial<SimulatedVenue>).onBar === "function";
}
