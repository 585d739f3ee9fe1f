import { z } from "zod";
import {
  type Gateway,
  type GatewayEvent,
  type GatewayOrder,
  isSimulatedVenue,
} from "../data/gateway.ts";
import { defineActor } from "./actor_definition.ts";
import {
  Decimal,
  ModelVersion,
  OrderSide,
  OrderStatusName,
  OrderTypeName,
  SymbolName,
  TimeInForceName,
  Ts,
} from "./messages/_fields.ts";
import {
  type ExecutionEvent,
  ExecutionReported,
  type Quote,
} from "./messages/execution_reported.ts";
import type { FillReceived } from "./messages/fill_received.ts";
import { MarketAdvanced, OHLCV_FIELDS } from "./messages/market_advanced.ts";
import { OrderSubmit } from "./messages/order_submit.ts";
import type { OrderUpdated } from "./messages/order_updated.ts";
import { gatewayRequest } from "./_gateway_request.ts";
import { localDep } from "./_local_deps.ts";

/** Cancel the resting orders of a symbol (one side, or both when `side` is null). */
export const OrdersCancel = z.object({
  type: z.literal("orders.cancel"),
  ts: Ts,
  symbol: SymbolName,
  side: OrderSide.nullable(),
  /** Written as the `reason` of the CANCELED rows (`retarget`, `kill`). */
  reason: z.string().min(1),
});
/** A parsed cancel command. */
export type OrdersCancel = z.infer<typeof OrdersCancel>;

/** Everything the execution actor accepts; each is a request answered with an execution report. */
export const ExecutionInbox = z.discriminatedUnion("type", [
  OrderSubmit,
  OrdersCancel,
  MarketAdvanced,
]);
/** A parsed execution actor message. */
export type ExecutionInbox = z.infer<typeof ExecutionInbox>;

/**
 * The execution actor's settings. `gateway` is the token of a `Gateway` registered with
 * `registerLocalDep("gateway", …)`: the actor runs in-process (`localActor`) next to the venue
 * connection it owns.
 */
export const ExecutionActorConfig = z.object({
  gateway: z.string().min(1),
  /** A resting LIMIT order is cancelled (`ttl`) once it has rested this long, ms. */
  limitTtlMs: z.number().int().positive(),
  /** Hard cap on one order's notional, quote: a larger order is refused locally (`cap`). */
  maxOrderNotionalQuote: z.number().positive(),
});
/** A parsed execution actor configuration. */
export type ExecutionActorConfig = z.infer<typeof ExecutionActorConfig>;

/** One order of the journal. */
export const JournalEntry = z.object({
  clientOrderId: z.string(),
  symbol: SymbolName,
  side: OrderSide,
  orderType: OrderTypeName,
  timeInForce: TimeInForceName,
  price: Decimal,
  qty: Decimal,
  executedQty: Decimal,
  /** `PENDING_NEW` from sending until the venue acknowledges. */
  status: z.enum([...OrderStatusName.options, "PENDING_NEW"]),
  exchangeOrderId: z.number().int().nullable(),
  /** Decision time that placed it, ms (the TTL counts from here). */
  placedTs: Ts,
  modelVersion: ModelVersion,
  state: z.number().int(),
  macroState: z.number().int(),
});
/** One order of the journal. */
export type JournalEntry = z.infer<typeof JournalEntry>;

/** The execution actor's state: the order journal, in placement order. */
export const ExecutionSnapshot = z.object({ journal: z.array(JournalEntry) });
/** The execution actor's state. */
export type ExecutionSnapshot = z.infer<typeof ExecutionSnapshot>;

const OPEN = new Set(["NEW", "PARTIALLY_FILLED"]);
const listeners = new WeakMap<Gateway, () => void>();

/**
 * The execution actor: owns the `Gateway` and the order journal (in memory here; the SQLite
 * journal of paper and live trading replaces it). Every request is answered with an
 * `execution.reported` holding the order updates and fills it caused, in venue order:
 *
 * - `order.submit`: places the order unless its `clientOrderId` is already in the journal (a
 *   retry or a replay is answered with no event, so it never doubles an order); after a restart
 *   it first asks the venue for that id, and adopts an order that already exists. An order whose
 *   notional exceeds `maxOrderNotionalQuote` is refused locally (`REJECTED`, reason `cap …`); a
 *   venue reject becomes a `REJECTED` update whose reason is Binance's `<code> <msg>`.
 * - `orders.cancel`: cancels the symbol's resting orders (one side or both).
 * - `market.advanced`: for each minute, first cancels (reason `ttl`) the LIMIT orders that have
 *   rested `limitTtlMs` by the minute's open, then feeds each symbol's bar to a simulated venue
 *   (resting orders fill from it); each event is tagged with its minute. The reply also carries
 *   every symbol's touch afterwards (`quotes`).
 *
 * An `order.updated` is reported when an order's status changes (`NEW`, `PARTIALLY_FILLED` once,
 * `FILLED`, `CANCELED`, `EXPIRED`, `REJECTED`); every execution is a `fill.received` carrying the
 * model version and states of the decision that placed the order.
 */
export const executionActor = defineActor({
  name: "execution",
  url: import.meta.url,
  inbox: ExecutionInbox,
  config: ExecutionActorConfig,
  snapshot: ExecutionSnapshot,
  outbox: z.never(),
  replies: {
    "order.submit": ExecutionReported,
    "orders.cancel": ExecutionReported,
    "market.advanced": ExecutionReported,
  },
  create(config, ctx) {
    const gateway = localDep<Gateway>(config.gateway);
    const journal = new Map<string, JournalEntry>();
    const open = new Set<string>();
    const cancelReasons = new Map<string, string>();
    let events: ExecutionEvent[] = [];
    let minutes: number[] = [];
    let minute = -1;

    const record = (e: GatewayEvent) => {
      if (e.kind === "fill") {
        const f = e.fill;
        const j = journal.get(f.clientOrderId);
        const fill: FillReceived = {
          type: "fill.received",
          ts: e.ts,
          symbol: f.symbol,
          orderId: f.orderId,
          clientOrderId: f.clientOrderId,
          tradeId: f.tradeId,
          side: f.side,
          price: f.price,
          qty: f.qty,
          quoteQty: f.quoteQty,
          fee: f.commission,
          feeAsset: f.commissionAsset,
          liquidity: f.isMaker ? "maker" : "taker",
          slippageBp: f.slippageBp,
          bestBid: f.bestBid,
          bestAsk: f.bestAsk,
          queueAhead: f.queueAhead,
          modelVersion: j?.modelVersion ?? "external",
          state: j?.state ?? -1,
          macroState: j?.macroState ?? -1,
        };
        events.push(fill);
        minutes.push(minute);
        return;
      }
      const o = e.order;
      let j = journal.get(o.clientOrderId);
      if (j === undefined) {
        j = adopt(o, e.ts, "external", -1, -1);
        journal.set(o.clientOrderId, j);
      }
      j.exchangeOrderId = o.orderId;
      j.executedQty = o.executedQty;
      if (OPEN.has(o.status)) open.add(o.clientOrderId);
      else open.delete(o.clientOrderId);
      if (j.status === o.status) return;
      j.status = o.status;
      const reason = o.status === "CANCELED" ? cancelReasons.get(o.clientOrderId) ?? "" : "";
      cancelReasons.delete(o.clientOrderId);
      events.push(update(j, e.ts, reason));
      minutes.push(minute);
    };
    // One listener per gateway: a new incarnation replaces the one of the incarnation before.
    listeners.get(gateway)?.();
    listeners.set(gateway, gateway.subscribe(record));

    const reply = async (ts: number, symbols: readonly string[]) => {
      const quotes: Quote[] = [];
      for (const symbol of symbols) {
        const q = await gateway.quote(symbol);
        if (q.ok) quotes.push({ symbol, bestBid: q.value.bidPrice, bestAsk: q.value.askPrice });
      }
      const out: ExecutionReported = {
        type: "execution.reported",
        ts,
        events,
        minute: minutes,
        quotes,
      };
      events = [];
      minutes = [];
      minute = -1;
      return out;
    };

    const submit = async (msg: OrderSubmit) => {
      if (journal.has(msg.clientOrderId)) return await reply(msg.ts, []);
      const rules = gateway.symbolRules(msg.symbol);
      const entry: JournalEntry = {
        clientOrderId: msg.clientOrderId,
        symbol: msg.symbol,
        side: msg.side,
        orderType: msg.orderType,
        timeInForce: msg.timeInForce,
        price: "0",
        qty: "0",
        executedQty: "0",
        status: "NEW",
        exchangeOrderId: null,
        placedTs: msg.ts,
        modelVersion: msg.modelVersion,
        state: msg.state,
        macroState: msg.macroState,
      };
      if (rules === undefined) {
        journal.set(msg.clientOrderId, entry);
        rejectLocally(entry, msg.ts, "-1121 Invalid symbol.");
        return await reply(msg.ts, []);
      }
      const req = gatewayRequest(msg, rules);
      entry.qty = req.quantity;
      entry.price = req.price ?? "0";
      journal.set(msg.clientOrderId, entry);
      const notional = Number(req.quantity) *
        (req.price !== null ? Number(req.price) : msg.price ?? 0);
      if (notional > config.maxOrderNotionalQuote) {
        rejectLocally(
          entry,
          msg.ts,
          `cap notionalQuote=${notional};maxOrderNotionalQuote=${config.maxOrderNotionalQuote}`,
        );
        return await reply(msg.ts, []);
      }
      if (ctx.attempt > 0) {
        const known = await gateway.getOrder(msg.symbol, msg.clientOrderId);
        if (known.ok) {
          const adopted = adopt(known.value, msg.ts, msg.modelVersion, msg.state, msg.macroState);
          journal.set(msg.clientOrderId, adopted);
          if (OPEN.has(adopted.status)) open.add(adopted.clientOrderId);
          events.push(update(adopted, msg.ts, ""));
          minutes.push(-1);
          return await reply(msg.ts, []);
        }
      }
      entry.status = "PENDING_NEW";
      const placed = await gateway.placeOrder(req);
      if (!placed.ok) {
        rejectLocally(entry, msg.ts, `${placed.reject.code} ${placed.reject.msg}`);
      }
      return await reply(msg.ts, []);
    };

    const rejectLocally = (entry: JournalEntry, ts: number, reason: string) => {
      entry.status = "REJECTED";
      events.push(update(entry, ts, reason));
      minutes.push(-1);
    };

    const cancel = async (msg: OrdersCancel) => {
      for (const id of [...open]) {
        const j = journal.get(id)!;
        if (j.symbol !== msg.symbol || (msg.side !== null && j.side !== msg.side)) continue;
        cancelReasons.set(id, msg.reason);
        await gateway.cancelOrder(j.symbol, id);
        cancelReasons.delete(id);
      }
      return await reply(msg.ts, []);
    };

    const advance = async (msg: MarketAdvanced) => {
      const S = msg.symbols.length;
      const venue = isSimulatedVenue(gateway) ? gateway : null;
      for (let i = 0; i < msg.openTime.length; i++) {
        minute = i;
        const t = msg.openTime[i];
        for (const id of [...open]) {
          const j = journal.get(id)!;
          if (j.orderType !== "LIMIT" || j.placedTs + config.limitTtlMs > t) continue;
          cancelReasons.set(id, "ttl");
          await gateway.cancelOrder(j.symbol, id);
          cancelReasons.delete(id);
        }
        if (venue === null) continue;
        for (let s = 0; s < S; s++) {
          const k = (i * S + s) * OHLCV_FIELDS;
          const close = msg.ohlcv[k + 3];
          if (Number.isNaN(close)) continue;
          venue.onBar(msg.symbols[s], {
            openTime: t,
            open: msg.ohlcv[k],
            high: msg.ohlcv[k + 1],
            low: msg.ohlcv[k + 2],
            close,
            volume: msg.ohlcv[k + 4],
          });
        }
      }
      return await reply(msg.ts, msg.symbols);
    };

    return {
      handle(msg: ExecutionInbox) {
        switch (msg.type) {
          case "order.submit":
            return submit(msg);
          case "orders.cancel":
            return cancel(msg);
          case "market.advanced":
            return advance(msg);
          default:
            return assertNever(msg);
        }
      },
      snapshot: () => ({ journal: [...journal.values()].map((j) => ({ ...j })) }),
      restore(snapshot) {
        for (const j of snapshot.journal) {
          journal.set(j.clientOrderId, { ...j });
          if (OPEN.has(j.status)) open.add(j.clientOrderId);
        }
      },
    };
  },
});

function adopt(
  o: GatewayOrder,
  ts: number,
  modelVersion: string,
  state: number,
  macroState: number,
): JournalEntry {
  return {
    clientOrderId: o.clientOrderId,
    symbol: o.symbol,
    side: o.side,
    orderType: o.type,
    timeInForce: o.timeInForce,
    price: o.price,
    qty: o.origQty,
    executedQty: o.executedQty,
    status: o.status,
    exchangeOrderId: o.orderId,
    placedTs: ts,
    modelVersion,
    state,
    macroState,
  };
}

function update(j: JournalEntry, ts: number, reason: string): OrderUpdated {
  if (j.status === "PENDING_NEW") {
    throw new RangeError(`Cannot report order ${j.clientOrderId} before the venue answered`);
  }
  return {
    type: "order.updated",
    ts,
    symbol: j.symbol,
    clientOrderId: j.clientOrderId,
    exchangeOrderId: j.exchangeOrderId,
    side: j.side,
    orderType: j.orderType,
    timeInForce: j.timeInForce,
    price: j.price,
    qty: j.qty,
    executedQty: j.executedQty,
    status: j.status,
    reason,
    modelVersion: j.modelVersion,
  };
}

function assertNever(value: never): never {
  throw new TypeError(`Cannot handle execution actor message: ${JSON.stringify(value)}`);
}
