import { z } from "zod";
import { PolicySide } from "../models/policy/policy_decision.ts";
import { anchorLimitPrice } from "../models/risk/anchor_limit_price.ts";
import { checkPortfolioGuards } from "../models/risk/check_portfolio_guards.ts";
import { CovarianceSnapshot, CovarianceTracker } from "../models/risk/covariance_tracker.ts";
import { guardrailRow } from "../models/risk/guardrail_row.ts";
import { orderFromTarget } from "../models/risk/order_from_target.ts";
import { blockOrPass, type RiskDecision } from "../models/risk/risk_decision.ts";
import { FeeAsset, RiskBook, RiskBookSnapshot } from "../models/risk/risk_book.ts";
import { defineActor } from "./actor_definition.ts";
import { OrderSide, SymbolName, Ts } from "./messages/_fields.ts";
import { type ExecutionEvent, ExecutionReported } from "./messages/execution_reported.ts";
import { GuardRecorded } from "./messages/guard_recorded.ts";
import { IntentProposed } from "./messages/intent_proposed.ts";
import { EquityRecorded } from "./messages/equity_recorded.ts";
import { OHLCV_FIELDS } from "./messages/market_advanced.ts";
import { clientOrderIdFor, OrderSubmit } from "./messages/order_submit.ts";

const Pos = z.number().positive();
const NonNeg = z.number().min(0);

/** One traded symbol as the portfolio-risk actor sees it: exchange rules and order limits. */
export const RiskSymbol = z.object({
  symbol: SymbolName,
  baseAsset: z.string().min(1),
  quoteAsset: z.string().min(1),
  /** PRICE_FILTER tick, LOT_SIZE step, min and max quantity, minimum notional (as numbers). */
  tickSize: Pos,
  stepSize: NonNeg,
  lotMinQty: NonNeg,
  lotMaxQty: Pos,
  minNotionalQuote: NonNeg,
  /** From `config.symbols.<SYMBOL>`. */
  cooldownMs: z.number().int().min(0),
  notionalFloorQuote: NonNeg,
  maxOrderNotionalQuote: Pos,
  vwapBandBp: Pos,
});
/** One traded symbol's rules and limits. */
export type RiskSymbol = z.infer<typeof RiskSymbol>;

/**
 * The portfolio-risk actor's settings: the symbols (sorted by name), the portfolio budget
 * (`config.risk`), the starting quote balance, the order style (`config.execution.orderStyle`),
 * and from which minute (open time, ms) on it writes equity rows.
 */
export const RiskActorConfig = z.object({
  symbols: z.array(RiskSymbol).min(1),
  budget: z.object({
    globalNotionalBudgetQuote: Pos,
    maxGrossExposureFraction: Pos,
    globalCooldownMs: z.number().int().min(0),
    /** The DD guard's trailing window of the peak, ms; absent: the all-time peak. */
    drawdownWindowMs: z.number().int().positive().optional(),
    maxDrawdown: z.object({
      defaultFraction: Pos,
      byState: z.record(z.string(), Pos),
    }),
    correlation: z.object({
      ewmaHalfLifeBars: Pos,
      maxCorrelation: z.number().min(-1).max(1),
      maxPortfolioVolBp: Pos,
    }),
  }),
  cashQuote: NonNeg,
  orderStyle: z.enum(["limit", "market"]),
  recordFrom: z.number().int(),
  /** @default {60000} */
  intervalMs: z.number().int().positive().default(60_000),
});
/** A parsed portfolio-risk configuration. */
export type RiskActorConfig = z.output<typeof RiskActorConfig>;
/** The portfolio-risk configuration as a caller writes it. */
export type RiskActorConfigInput = z.input<typeof RiskActorConfig>;

/** Evaluate an intent against the book and the portfolio guards (request). */
export const IntentEvaluate = z.object({
  type: z.literal("intent.evaluate"),
  ts: Ts,
  intent: IntentProposed,
  /** The touch of the symbol's book now. */
  bestBid: z.number(),
  bestAsk: z.number(),
  /** True for a second look after a cancel: a further cancel is not asked for. */
  retry: z.boolean(),
});
/** A parsed intent evaluation request. */
export type IntentEvaluate = z.infer<typeof IntentEvaluate>;

/** The answer to `intent.evaluate`: at most one of order and cancel; a guard row when one fired. */
export const RiskVerdict = z.object({
  order: OrderSubmit.nullable(),
  /** Cancel the symbol's resting orders on this side first, then evaluate again. */
  cancel: OrderSide.nullable(),
  guard: GuardRecorded.nullable(),
});
/** The answer to `intent.evaluate`. */
export type RiskVerdict = z.infer<typeof RiskVerdict>;

/**
 * The market moved through some minutes (`market.advanced` fields) and the execution actor
 * reported what happened meanwhile (`report`, each event tagged with its minute): apply them in
 * order and answer with the equity rows of those minutes (request).
 */
export const BookAdvance = z.object({
  type: z.literal("book.advance"),
  ts: Ts,
  symbols: z.array(SymbolName).min(1),
  openTime: z.instanceof(Float64Array),
  ohlcv: z.instanceof(Float64Array),
  report: ExecutionReported,
});
/** A parsed book advance. */
export type BookAdvance = z.infer<typeof BookAdvance>;

/**
 * The kill switch (request): `on` blocks every order from then on with reason `KILL` (exits
 * included) until it is turned off. The book's snapshot keeps it, so a restart stays killed.
 */
export const KillSet = z.object({
  type: z.literal("kill.set"),
  ts: Ts,
  on: z.boolean(),
});
/** A parsed kill switch command. */
export type KillSet = z.infer<typeof KillSet>;

/** What the book holds now (request), for `GET /status`. */
export const BookStatusRequest = z.object({ type: z.literal("book.status") });
/** A parsed book status request. */
export type BookStatusRequest = z.infer<typeof BookStatusRequest>;

/**
 * The answer to `kill.set` and `book.status`: the kill switch, cash and equity (quote asset), and
 * every symbol's position (base quantity; value at its last mark, 0 before the first one).
 */
export const BookStatus = z.object({
  killed: z.boolean(),
  cash: z.number(),
  equity: z.number(),
  positions: z.array(z.object({ symbol: SymbolName, qty: z.number(), value: z.number() })),
});
/** The book as `book.status` reports it. */
export type BookStatus = z.infer<typeof BookStatus>;

/** Everything the portfolio-risk actor accepts. */
export const RiskInbox = z.discriminatedUnion("type", [
  IntentEvaluate,
  BookAdvance,
  ExecutionReported,
  KillSet,
  BookStatusRequest,
]);
/** A parsed portfolio-risk message. */
export type RiskInbox = z.infer<typeof RiskInbox>;

/** The portfolio-risk actor's state. */
export const RiskSnapshot = z.object({
  book: RiskBookSnapshot,
  covariance: CovarianceSnapshot,
  prevClose: z.array(z.number().nullable()),
  /** Per symbol: decision time and count of the last orders (client order ids). */
  orderKeys: z.record(z.string(), z.tuple([z.number(), z.number().int()])),
});
/** The portfolio-risk actor's state. */
export type RiskSnapshot = z.infer<typeof RiskSnapshot>;

/**
 * The portfolio-risk actor: keeps the `RiskBook` (cash, positions, resting quantities, marks,
 * peak equity) and the EWMA return covariance of the symbols, and turns intents into orders.
 *
 * - `intent.evaluate`: `orderFromTarget` (target vs position and resting orders; a resting order
 *   on the other side is cancelled first), a limit price anchored to the session VWAP band
 *   (`anchorLimitPrice`; exits join the touch) or the close for a MARKET order, then
 *   `checkPortfolioGuards`. A block answers with its guard row; a pass records the order in the
 *   book and answers with the `order.submit` (client id `sh-<symbol>-<ts b36>-<n>`) and, when the
 *   order was scaled, the scale row.
 * - `book.advance`: per minute, applies the execution events of that minute (fills, and releases
 *   of cancelled, expired or rejected remainders), marks each symbol at its close, updates the
 *   covariance with the 1-minute log returns, and from `recordFrom` on writes one equity row.
 * - `execution.reported`: applies execution events outside market minutes (order placement).
 * - `kill.set`: the kill switch on or off; `book.status`: positions, cash, equity, kill switch.
 */
export const portfolioRiskActor = defineActor({
  name: "portfolio-risk",
  url: import.meta.url,
  inbox: RiskInbox,
  config: RiskActorConfig,
  snapshot: RiskSnapshot,
  outbox: z.never(),
  replies: {
    "intent.evaluate": RiskVerdict,
    "book.advance": EquityRecorded,
    "kill.set": BookStatus,
    "book.status": BookStatus,
  },
  create(config) {
    const symbols = config.symbols.map((s) => s.symbol);
    const bySymbol = new Map(config.symbols.map((s) => [s.symbol, s]));
    let book = new RiskBook({
      cashQuote: config.cashQuote,
      drawdownWindowMs: config.budget.drawdownWindowMs,
    });
    let covariance = new CovarianceTracker(symbols, {
      halfLifeBars: config.budget.correlation.ewmaHalfLifeBars,
    });
    const prevClose = new Float64Array(symbols.length).fill(Number.NaN);
    const returns = new Float64Array(symbols.length);
    let orderKeys: Record<string, [number, number]> = {};

    const apply = (e: ExecutionEvent) => {
      const s = bySymbol.get(e.symbol);
      if (s === undefined) return;
      const side = e.side === "BUY" ? PolicySide.BUY : PolicySide.SELL;
      if (e.type === "fill.received") {
        book.applyFill({
          symbol: e.symbol,
          side,
          qty: Number(e.qty),
          price: Number(e.price),
          fee: Number(e.fee),
          feeAsset: e.feeAsset === s.baseAsset ? FeeAsset.BASE : FeeAsset.QUOTE,
          ts: e.ts,
        });
        return;
      }
      if (e.status === "CANCELED" || e.status === "EXPIRED" || e.status === "REJECTED") {
        book.orderReleased(e.symbol, side, Math.max(0, Number(e.qty) - Number(e.executedQty)));
      }
    };

    const advance = (msg: BookAdvance): EquityRecorded => {
      const S = symbols.length, M = msg.openTime.length;
      if (msg.symbols.join() !== symbols.join()) {
        throw new TypeError(`Cannot advance the book: symbols are ${msg.symbols}, not ${symbols}`);
      }
      const events = msg.report.events, tags = msg.report.minute;
      let next = 0;
      const rows = { ts: [] as number[], cash: [] as number[], pv: [] as number[] };
      const extra = { dd: [] as number[], gross: [] as number[], net: [] as number[] };
      for (let i = 0; i < M; i++) {
        while (next < events.length && tags[next] <= i) apply(events[next++]);
        const t = msg.openTime[i], closeTs = t + config.intervalMs - 1;
        for (let j = 0; j < S; j++) {
          const close = msg.ohlcv[(i * S + j) * OHLCV_FIELDS + 3];
          if (Number.isNaN(close)) {
            returns[j] = Number.NaN;
            continue;
          }
          returns[j] = Number.isNaN(prevClose[j]) ? Number.NaN : Math.log(close / prevClose[j]);
          prevClose[j] = close;
          book.setMark(symbols[j], close, closeTs);
        }
        covariance.update(returns);
        if (t < config.recordFrom) continue;
        const row = book.equityRow(closeTs);
        rows.ts.push(closeTs);
        rows.cash.push(row.cash);
        rows.pv.push(row.positionsValue);
        extra.dd.push(row.drawdown);
        extra.gross.push(row.grossExposure);
        extra.net.push(row.netExposure);
      }
      while (next < events.length) apply(events[next++]);
      return {
        type: "equity.recorded",
        ts: msg.ts,
        rows: rows.ts.length,
        barTs: Float64Array.from(rows.ts),
        cash: Float64Array.from(rows.cash),
        positionsValue: Float64Array.from(rows.pv),
        drawdown: Float64Array.from(extra.dd),
        grossExposure: Float64Array.from(extra.gross),
        netExposure: Float64Array.from(extra.net),
      };
    };

    const evaluate = (msg: IntentEvaluate): RiskVerdict => {
      const intent = msg.intent;
      const none: RiskVerdict = { order: null, cancel: null, guard: null };
      const s = bySymbol.get(intent.symbol);
      if (s === undefined) return none;
      const pos = book.position(intent.symbol);
      const target = orderFromTarget({
        targetQty: intent.targetQty,
        positionQty: pos.qty,
        openBuyQty: pos.openBuyQty,
        openSellQty: pos.openSellQty,
        stepSize: s.stepSize,
        minQty: s.lotMinQty,
        maxQty: s.lotMaxQty,
      });
      if (target.kind === "none") return none;
      if (target.kind === "cancel") {
        return msg.retry ? none : { ...none, cancel: target.side === "buy" ? "BUY" : "SELL" };
      }
      const ts = msg.ts;
      const exit = target.side === PolicySide.SELL;
      let price = intent.price;
      if (config.orderStyle === "limit") {
        const anchor = anchorLimitPrice(target.side, {
          bestBid: msg.bestBid,
          bestAsk: msg.bestAsk,
          vwap: intent.vwap,
          bandBp: s.vwapBandBp,
          tickSize: s.tickSize,
        }, { exit });
        if (anchor.kind === "none") {
          const decision = blockOrPass([{
            code: anchor.reason,
            value: 1,
            threshold: 0,
            detail: anchor.detail,
          }]);
          return { ...none, guard: row(decision, ts, intent.symbol) };
        }
        price = anchor.price;
      }
      const check = checkPortfolioGuards({
        symbol: intent.symbol,
        side: target.side,
        qty: target.qty,
        price,
        ts,
        state: intent.state,
      }, {
        book,
        limits: {
          cooldownMs: s.cooldownMs,
          notionalFloorQuote: s.notionalFloorQuote,
          maxOrderNotionalQuote: s.maxOrderNotionalQuote,
          stepSize: s.stepSize,
          minNotionalQuote: s.minNotionalQuote,
        },
        budget: config.budget,
        covariance,
      });
      const guard = row(check.decision, ts, intent.symbol);
      if (check.decision.kind === "block") return { ...none, guard };
      book.orderPlaced(intent.symbol, target.side, check.qty, price, ts);
      const key = orderKeys[intent.symbol];
      const n = key !== undefined && key[0] === ts ? key[1] + 1 : 0;
      orderKeys[intent.symbol] = [ts, n];
      const order: OrderSubmit = {
        type: "order.submit",
        ts,
        symbol: intent.symbol,
        clientOrderId: clientOrderIdFor(intent.symbol, ts, n),
        side: target.side === PolicySide.BUY ? "BUY" : "SELL",
        orderType: config.orderStyle === "limit" ? "LIMIT" : "MARKET",
        timeInForce: "GTC",
        qty: check.qty,
        price: config.orderStyle === "limit" ? price : null,
        modelVersion: intent.modelVersion,
        state: intent.state,
        macroState: intent.macroState,
        conf: intent.conf,
      };
      return { order, cancel: null, guard };
    };

    const status = (): BookStatus => {
      const positions = symbols.map((symbol) => {
        const p = book.position(symbol);
        return {
          symbol,
          qty: p.qty,
          value: p.qty === 0 || !Number.isFinite(p.mark) ? 0 : p.qty * p.mark,
        };
      });
      const value = positions.reduce((v, p) => v + p.value, 0);
      return { killed: book.killed, cash: book.cash, equity: book.cash + value, positions };
    };

    return {
      handle(msg: RiskInbox) {
        switch (msg.type) {
          case "intent.evaluate":
            return evaluate(msg);
          case "book.advance":
            return advance(msg);
          case "execution.reported":
            for (const e of msg.events) apply(e);
            return;
          case "kill.set":
            book.setKill(msg.on);
            return status();
          case "book.status":
            return status();
          default:
            return assertNever(msg);
        }
      },
      snapshot: () => ({
        book: book.snapshot(),
        covariance: covariance.snapshot(),
        prevClose: Array.from(prevClose, (x) => (Number.isNaN(x) ? null : x)),
        orderKeys: structuredClone(orderKeys),
      }),
      restore(snapshot) {
        book = RiskBook.restore(snapshot.book);
        covariance = CovarianceTracker.restore(snapshot.covariance);
        snapshot.prevClose.forEach((x, i) => (prevClose[i] = x ?? Number.NaN));
        orderKeys = structuredClone(snapshot.orderKeys);
      },
    };
  },
});

function row(decision: RiskDecision, ts: number, symbol: string): GuardRecorded | null {
  const r = guardrailRow(decision, { ts, symbol });
  return r === null ? null : { type: "guard.recorded", level: "portfolio", ...r };
}

function assertNever(value: never): never {
  throw new TypeError(`Cannot handle portfolio-risk message: ${JSON.stringify(value)}`);
}
