/**
 * The records the simulated exchange returns and emits. They map 1:1 onto Binance Spot's REST
 * responses and user-data events (field names as in Binance's docs; the WebSocket letters are
 * given in comments), so a server only serialises them. Decimals are Binance's wire strings with
 * 8 decimals (`"0.01000000"`); ids and times are numbers (times in ms of event time). Fields marked
 * *sim* are not in Binance's answer and a server leaves them out.
 */

/** Order side. */
export const Side = { BUY: "BUY", SELL: "SELL" } as const;
/** Order side. */
export type Side = typeof Side[keyof typeof Side];

/** Order types the simulator executes (stop/take-profit types are rejected). */
export const OrderType = { LIMIT: "LIMIT", MARKET: "MARKET", LIMIT_MAKER: "LIMIT_MAKER" } as const;
/** An executable order type. */
export type OrderType = typeof OrderType[keyof typeof OrderType];

/** Time in force. LIMIT_MAKER and MARKET orders report GTC, as Binance does. */
export const TimeInForce = { GTC: "GTC", IOC: "IOC", FOK: "FOK" } as const;
/** Time in force. */
export type TimeInForce = typeof TimeInForce[keyof typeof TimeInForce];

/** Order status (Binance's set; the simulator never produces the PENDING_* ones). */
export const OrderStatus = {
  NEW: "NEW",
  PARTIALLY_FILLED: "PARTIALLY_FILLED",
  FILLED: "FILLED",
  CANCELED: "CANCELED",
  REJECTED: "REJECTED",
  EXPIRED: "EXPIRED",
} as const;
/** Order status. */
export type OrderStatus = typeof OrderStatus[keyof typeof OrderStatus];

/** Execution type of an executionReport (`x`). */
export const ExecutionType = {
  NEW: "NEW",
  TRADE: "TRADE",
  CANCELED: "CANCELED",
  EXPIRED: "EXPIRED",
  REJECTED: "REJECTED",
} as const;
/** Execution type of an executionReport. */
export type ExecutionType = typeof ExecutionType[keyof typeof ExecutionType];

/**
 * `POST /api/v3/order` parameters. Decimals may be strings (as a server receives them) or
 * numbers (in-process); a number is read through its shortest decimal form, so it must already
 * be on the 8-decimal grid (else -1111).
 */
export interface PlaceOrderRequest {
  symbol: string;
  side: string;
  type: string;
  /** Required for LIMIT; ignored for MARKET and LIMIT_MAKER. */
  timeInForce?: string;
  quantity?: string | number;
  /** MARKET only: quote amount to spend (BUY) or receive (SELL). */
  quoteOrderQty?: string | number;
  price?: string | number;
  /** Unique among the account's open orders; generated when absent or empty. */
  newClientOrderId?: string;
  /** *sim*: the intent's confidence 0..1 used by the slippage model; defaults from options. */
  confidence?: number;
}

/** A reference to one order: by `orderId` or by its client id. */
export interface OrderRef {
  orderId?: number;
  origClientOrderId?: string;
}

/** Which account a call acts for; the options' `defaultAccount` when absent. */
export interface AccountScope {
  account?: string;
}

/** One fill in a FULL order response. */
export interface OrderFill {
  price: string;
  qty: string;
  commission: string;
  commissionAsset: string;
  tradeId: number;
}

/** `POST /api/v3/order` answer with `newOrderRespType=FULL` (ACK/RESULT are subsets). */
export interface OrderResult {
  symbol: string;
  orderId: number;
  orderListId: -1;
  clientOrderId: string;
  transactTime: number;
  price: string;
  origQty: string;
  executedQty: string;
  origQuoteOrderQty: string;
  cummulativeQuoteQty: string;
  status: OrderStatus;
  timeInForce: TimeInForce;
  type: OrderType;
  side: Side;
  workingTime: number;
  selfTradePreventionMode: "NONE";
  fills: OrderFill[];
}

/** `GET /api/v3/order`, `openOrders` and `allOrders` element. */
export interface OrderRecord {
  symbol: string;
  orderId: number;
  orderListId: -1;
  clientOrderId: string;
  price: string;
  origQty: string;
  executedQty: string;
  cummulativeQuoteQty: string;
  status: OrderStatus;
  timeInForce: TimeInForce;
  type: OrderType;
  side: Side;
  stopPrice: string;
  icebergQty: string;
  time: number;
  updateTime: number;
  isWorking: boolean;
  workingTime: number;
  origQuoteOrderQty: string;
  selfTradePreventionMode: "NONE";
  /** *sim*: base quantity still ahead of the order in its price level's queue. */
  queueAhead: string;
}

/** `DELETE /api/v3/order` answer. */
export interface CancelResult {
  symbol: string;
  /** The canceled order's own client id. */
  origClientOrderId: string;
  orderId: number;
  orderListId: -1;
  /** The cancel request's client id (generated when not sent). */
  clientOrderId: string;
  transactTime: number;
  price: string;
  origQty: string;
  executedQty: string;
  origQuoteOrderQty: string;
  cummulativeQuoteQty: string;
  status: OrderStatus;
  timeInForce: TimeInForce;
  type: OrderType;
  side: Side;
  selfTradePreventionMode: "NONE";
}

/**
 * One fill with what it saw: the row the backtest writes into `trades.csv`. `bestBid`/`bestAsk`
 * are the touch of the derived book when the order hit it (taker) or while it rested (maker);
 * `queueAhead` is the quantity that was ahead of a maker order when it was placed (0 for a
 * taker); `slippageBp` is how far a taker price is beyond the touch it hit, in bp (0 for maker).
 */
export interface FillRecord {
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
  time: number;
  bestBid: string;
  bestAsk: string;
  queueAhead: string;
  slippageBp: number;
}

/** `GET /api/v3/myTrades` element. */
export interface TradeRecord {
  symbol: string;
  id: number;
  orderId: number;
  orderListId: -1;
  price: string;
  qty: string;
  quoteQty: string;
  commission: string;
  commissionAsset: string;
  time: number;
  isBuyer: boolean;
  isMaker: boolean;
  isBestMatch: true;
}

/** One asset balance. */
export interface BalanceRecord {
  asset: string;
  free: string;
  locked: string;
}

/** `GET /api/v3/account` answer. */
export interface AccountRecord {
  /** Binance's integer form of the rate: rate × 10000 (0.001 → 10). */
  makerCommission: number;
  takerCommission: number;
  buyerCommission: number;
  sellerCommission: number;
  commissionRates: { maker: string; taker: string; buyer: string; seller: string };
  canTrade: boolean;
  canWithdraw: boolean;
  canDeposit: boolean;
  brokered: boolean;
  requireSelfTradePrevention: boolean;
  preventSor: boolean;
  updateTime: number;
  accountType: "SPOT";
  balances: BalanceRecord[];
  permissions: string[];
  uid: number;
}

/** `GET /api/v3/depth` answer. */
export interface DepthRecord {
  lastUpdateId: number;
  bids: [string, string][];
  asks: [string, string][];
}

/** `GET /api/v3/ticker/bookTicker` answer. */
export interface BookTickerRecord {
  symbol: string;
  bidPrice: string;
  bidQty: string;
  askPrice: string;
  askQty: string;
}

/** `GET /api/v3/avgPrice` answer. */
export interface AvgPriceRecord {
  mins: number;
  price: string;
  closeTime: number;
}

/**
 * `GET /api/v3/ticker/24hr` answer over the bars seen in the last 24 h. Bars carry no trades, so
 * `lastQty` is 0, `firstId`/`lastId` are -1 and `count` is 0; `quoteVolume` is Σ typical price
 * ((high+low+close)/3) × volume, an estimate.
 */
export interface Ticker24hRecord {
  symbol: string;
  priceChange: string;
  priceChangePercent: string;
  weightedAvgPrice: string;
  prevClosePrice: string;
  lastPrice: string;
  lastQty: string;
  bidPrice: string;
  bidQty: string;
  askPrice: string;
  askQty: string;
  openPrice: string;
  highPrice: string;
  lowPrice: string;
  volume: string;
  quoteVolume: string;
  openTime: number;
  closeTime: number;
  firstId: number;
  lastId: number;
  count: number;
}

/** One bar fed to the engine (`onBar`). Decimals as numbers or strings. */
export interface BarInput {
  /** Open time, ms since epoch. */
  openTime: number;
  open: number | string;
  high: number | string;
  low: number | string;
  close: number | string;
  /** Base-asset volume. */
  volume: number | string;
  /** @default {openTime + barIntervalMs − 1} */
  closeTime?: number;
}

/** One recorded trade fed to the engine (`onTrade`), e.g. from the aggTrades files. */
export interface TradeInput {
  /** Trade time, ms since epoch. */
  time: number;
  price: number | string;
  /** Base quantity. */
  qty: number | string;
  /** True when the buyer was the maker, i.e. the trade hit the bids. */
  isBuyerMaker: boolean;
}

/** A bar as the engine keeps it (Binance kline columns we have; strings with 8 decimals). */
export interface BarRecord {
  openTime: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  closeTime: number;
}

/**
 * One order state change or fill, as Binance's user-data `executionReport` (letters in comments).
 * A reject of `placeOrder` is also reported (orderId -1, `rejectReason` = the reject's msg), which
 * Binance does not push; a server drops those.
 */
export interface ExecutionReport {
  type: "executionReport";
  /** *sim*: the account the order belongs to. */
  account: string;
  /** E */
  eventTime: number;
  /** s */
  symbol: string;
  /** c: the order's client id, or the cancel request's id on CANCELED. */
  clientOrderId: string;
  /** S */
  side: Side | string;
  /** o */
  orderType: OrderType | string;
  /** f */
  timeInForce: TimeInForce | string;
  /** q */
  quantity: string;
  /** p */
  price: string;
  /** x */
  executionType: ExecutionType;
  /** X */
  orderStatus: OrderStatus;
  /** r: "NONE", or the reject message. */
  rejectReason: string;
  /** i */
  orderId: number;
  /** l */
  lastExecutedQty: string;
  /** z */
  cumulativeFilledQty: string;
  /** L */
  lastExecutedPrice: string;
  /** n */
  commission: string;
  /** N: null when no trade. */
  commissionAsset: string | null;
  /** T */
  transactionTime: number;
  /** t: -1 when not a trade. */
  tradeId: number;
  /** w */
  isOrderOnBook: boolean;
  /** m */
  isMaker: boolean;
  /** O */
  orderCreationTime: number;
  /** Z */
  cumulativeQuoteQty: string;
  /** Y */
  lastQuoteQty: string;
  /** Q */
  quoteOrderQty: string;
  /** C: the original client id on CANCELED, else "". */
  origClientOrderId: string;
  /** W */
  workingTime: number;
  /** *sim*: the fill, on TRADE. */
  fill: FillRecord | null;
}

/** The balances that changed, as Binance's `outboundAccountPosition`. */
export interface AccountPosition {
  type: "outboundAccountPosition";
  /** *sim*: the account. */
  account: string;
  /** E */
  eventTime: number;
  /** u */
  lastUpdateTime: number;
  /** B: the changed assets only. */
  balances: BalanceRecord[];
}

/** Everything the engine emits, in order. */
export type SimEvent = ExecutionReport | AccountPosition;
