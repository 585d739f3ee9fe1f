import { z } from "zod";
import { tryParseFixed8 } from "./fixed8.ts";
import { SimExchangeOptions } from "./sim_exchange_options.ts";
import { OrderStatus, OrderType, Side, TimeInForce } from "./sim_records.ts";

/** A decimal on the 8-decimal grid, as Binance writes it (may be negative only where noted). */
const Dec = z.string().refine((s) => tryParseFixed8(s).ok, "not a decimal with ≤ 8 decimals");

const BarSnapshot = z.object({
  openTime: z.number().int(),
  open: Dec,
  high: Dec,
  low: Dec,
  close: Dec,
  volume: Dec,
  closeTime: z.number().int(),
});

const MarketSnapshot = z.object({
  symbol: z.string().min(1),
  lastUpdateId: z.number().int().min(0),
  bars: z.array(BarSnapshot),
  consumedBids: z.array(z.tuple([Dec, Dec])),
  consumedAsks: z.array(z.tuple([Dec, Dec])),
});

const OrderSnapshot = z.object({
  symbol: z.string().min(1),
  orderId: z.number().int().positive(),
  clientOrderId: z.string().min(1),
  side: z.enum(Side),
  type: z.enum(OrderType),
  timeInForce: z.enum(TimeInForce),
  price: Dec,
  origQty: Dec,
  origQuoteOrderQty: Dec,
  executedQty: Dec,
  cumQuote: Dec,
  status: z.enum(OrderStatus),
  time: z.number().int(),
  updateTime: z.number().int(),
  lockAsset: z.string(),
  locked: Dec,
  queueAhead: Dec,
  queueAtPlacement: Dec,
  confidence: z.number().min(0).max(1),
});

const FillSnapshot = z.object({
  tradeId: z.number().int().positive(),
  orderId: z.number().int().positive(),
  clientOrderId: z.string(),
  symbol: z.string(),
  side: z.enum(Side),
  price: Dec,
  qty: Dec,
  quoteQty: Dec,
  commission: Dec,
  commissionAsset: z.string(),
  isMaker: z.boolean(),
  time: z.number().int(),
  bestBid: Dec,
  bestAsk: Dec,
  queueAhead: Dec,
  slippageBp: z.number(),
});

const AccountSnapshot = z.object({
  id: z.string().min(1),
  uid: z.number().int(),
  updateTime: z.number().int(),
  balances: z.array(z.object({ asset: z.string().min(1), free: Dec, locked: Dec })),
  orders: z.array(OrderSnapshot),
  closedIds: z.array(z.number().int()),
  trades: z.array(FillSnapshot),
});

/**
 * The whole state of a `SimExchange` as plain JSON (decimals as Binance strings, no bigint):
 * options, event time, id counters, per symbol the kept bars, the book's update id and what
 * takers consumed from it, per account balances, orders (open ones with their queue state and
 * hold; closed ones as kept history) and fills. `SimExchange.restore` parses it with this schema
 * and continues identically. The server persists it (e.g. in SQLite) as JSON text.
 */
export const SimSnapshot = z.object({
  version: z.literal(1),
  options: SimExchangeOptions,
  clock: z.number().int().min(0),
  nextOrderId: z.number().int().positive(),
  nextTradeId: z.number().int().positive(),
  nextUid: z.number().int().positive(),
  markets: z.array(MarketSnapshot),
  accounts: z.array(AccountSnapshot),
});
/** The state of a `SimExchange` as plain JSON. */
export type SimSnapshot = z.infer<typeof SimSnapshot>;
