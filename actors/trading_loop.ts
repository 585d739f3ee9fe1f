import type { Gateway } from "../data/gateway.ts";
import type { BarBatch } from "../data/market_replay.ts";
import type { RunInfo, RunSummary } from "../data/run_summary.ts";
import { fixed8ToNumber } from "../data/sim/fixed8.ts";
import type { ShoalConfig } from "../ops/config.ts";
import { localActor } from "./local_host.ts";
import { workerActor } from "./worker_host.ts";
import { actorChild } from "../supervisors/actor_child.ts";
import { startSupervisor, supervisorChild } from "../supervisors/supervisor.ts";
import type { SupervisorEvent } from "../supervisors/supervisor_event.ts";
import type { DecisionBatch } from "./messages/decision_batch.ts";
import type { EquityRecorded } from "./messages/equity_recorded.ts";
import type { ExecutionReported } from "./messages/execution_reported.ts";
import type { GuardRecorded } from "./messages/guard_recorded.ts";
import type { IntentProposed } from "./messages/intent_proposed.ts";
import { OHLCV_FIELDS } from "./messages/market_advanced.ts";
import { executionActor } from "./execution_actor.ts";
import { portfolioRiskActor, type RiskActorConfigInput } from "./portfolio_risk_actor.ts";
import { recorderActor } from "./recorder_actor.ts";
import { symbolActor, type SymbolActorConfigInput } from "./symbol_actor.ts";
import { symbolActorSettings } from "./symbol_actor_settings.ts";
import type { TradingLoopControl } from "./trading_loop_control.ts";
import { registerLocalDep, releaseLocalDep } from "./_local_deps.ts";

/** One symbol's bars in a feed batch: a `replayBars` entry plus the QA flag byte of each bar. */
export interface FeedBars extends BarBatch {
  /** `QaFlag` bits per bar, length `length`. */
  flags: Uint8Array;
}

/** The next bars of every symbol, in event time (`replayBars` batches with QA flags). */
export interface FeedBatch {
  /** 0, 1, 2, … */
  seq: number;
  /** One entry per symbol of the run, sorted by symbol name (`length` may be 0). */
  bars: FeedBars[];
}

/**
 * Where market events come from: recorded data replayed as fast as possible (backtest), or live
 * bars as they close (paper). Batches come in event time; a batch holds whole minutes.
 */
export type Feed = AsyncIterable<FeedBatch>;

/** What the loop reports after each batch (for a progress line, the ops server, metrics). */
export interface LoopProgress {
  /** Close time of the batch's last minute (event time). */
  ts: number;
  batches: number;
  /** Market events (bars) sent to the symbol actors so far. */
  events: number;
  orders: number;
  fills: number;
  /** Equity of the last equity row, or null before the traded span. */
  equity: number | null;
  restarts: number;
}

/** Hooks a later ops integration subscribes to; each is optional and must not throw. */
export interface TradingLoopObserver {
  /** A market batch, just before it goes to the symbol actors. */
  batch?(batch: FeedBatch): void;
  progress?(progress: LoopProgress): void;
  supervisor?(event: SupervisorEvent): void;
  decisions?(batch: DecisionBatch): void;
  execution?(report: ExecutionReported): void;
  guard?(row: GuardRecorded): void;
  equity?(rows: EquityRecorded): void;
}

/** Everything a run of the trading path needs. */
export interface TradingLoopOptions {
  /** Market batches in event time. */
  feed: Feed;
  /** The venue the execution actor owns (a `SimulatedVenue` is also fed the bars). */
  gateway: Gateway;
  config: ShoalConfig;
  /** The model file text of every traded symbol (`config.run.symbols`). */
  models: Readonly<Record<string, string>>;
  /** First bar open time decided and recorded; earlier bars only warm features and the venue. */
  tradeFrom: number;
  /** The run directory. */
  outDir: string;
  /** What `summary.json` says besides the counts. */
  info: RunInfo;
  /** `--chaos-crash-rate`: symbol actors crash on that fraction of bars (events). @default {null} */
  chaos?: { crashRate: number; seed: number } | null;
  /** Where symbol actors run: `worker` (one Web Worker each) or `local` (tests). @default {"worker"} */
  symbolHost?: "worker" | "local";
  /** Market batches sent to the symbol actors ahead of the one being traded. @default {2} */
  lookahead?: number;
  /** Write the daily Parquet rollups. @default {true} */
  parquet?: boolean;
  /** Rows reach the CSVs as they are recorded (paper, live), not buffered. @default {false} */
  writeThrough?: boolean;
  observer?: TradingLoopObserver;
  /** Operator commands (kill, resume) and the status port; see {@link TradingLoopControl}. */
  control?: TradingLoopControl;
}

interface Prepared {
  batch: FeedBatch;
  /** Symbols (indexes) that were sent bars, i.e. that owe a decision batch. */
  sent: number[];
  openTime: Float64Array;
  ohlcv: Float64Array;
}

interface Waiter {
  resolve: (b: DecisionBatch) => void;
  reject: (e: Error) => void;
}

/**
 * Runs the trading path over a feed: symbol actors (Workers under the `symbols` supervisor,
 * one_for_one), the portfolio-risk, execution and recorder actors (in-process), and returns the
 * run's summary once `summary.json` is written. Shared by backtest and paper trading: a paper run
 * passes a live `Feed` and a ccxt `Gateway`.
 *
 * Lockstep, so that the outputs depend on the data, the config and the seed only (never on
 * timing or restarts):
 * 1. each feed batch is sent to the symbol actors (`tellBatch`, up to `lookahead` batches ahead:
 *    they never wait for fills, so this is safe) and their `decision.batch`es are collected
 *    (exactly once each, in order, across restarts);
 * 2. the batch's minutes are walked in event time, in segments that end at every minute with an
 *    intent, a symbol-guard row or a resting order's TTL: the segment's bars go to the execution
 *    actor (a simulated venue fills resting orders from them; TTL cancels), then to the
 *    portfolio-risk actor with what was executed (fills, marks, covariance, one equity row per
 *    minute of the traded span);
 * 3. at the segment's last minute, symbol-guard rows are recorded, symbols whose order was just
 *    cancelled by TTL re-evaluate their standing intent, and the minute's intents are evaluated
 *    in symbol order: risk → (cancel the other side, evaluate again) → order → execution →
 *    fills/updates to risk and recorder.
 *
 * The recorder writes everything in the order it happens. A crash of the risk, execution or
 * recorder actor, a supervisor escalation or a dropped symbol batch fails the run (rejects).
 */
export async function runTradingLoop(options: TradingLoopOptions): Promise<RunSummary> {
  const { config, gateway, observer = {} } = options;
  const symbols = [...config.run.symbols].sort();
  const S = symbols.length;
  const interval = config.exchange.barIntervalMs;
  const lookahead = options.lookahead ?? 2;
  const chaos = options.chaos ?? null;

  let fatal: Error | null = null;
  const queues = symbols.map(() => ({ items: [] as DecisionBatch[], waiters: [] as Waiter[] }));
  const fail = (error: Error) => {
    if (fatal !== null) return;
    fatal = error;
    for (const q of queues) for (const w of q.waiters.splice(0)) w.reject(error);
  };

  const local = options.symbolHost === "local";
  const symbolRefs = symbols.map((symbol, i) =>
    (local ? localActor : workerActor)(symbolActor, {
      id: `symbol.${symbol}`,
      config: symbolActorConfig(options, symbol),
      snapshotEvery: 1,
      actorClock: "event",
      capacity: 16,
      window: 8,
      missedHeartbeats: 10,
      startTimeoutMs: 30_000,
      // Under chaos the symbol actors restart hundreds of times: keep a Worker ready.
      ...(local ? {} : { warmSpare: chaos !== null }),
      onEmit: (batch) => {
        const q = queues[i];
        const w = q.waiters.shift();
        if (w !== undefined) w.resolve(batch);
        else q.items.push(batch);
      },
    })
  );
  const risk = localActor(portfolioRiskActor, {
    id: "portfolio-risk",
    config: riskActorConfig(options, symbols),
    snapshotEvery: 0,
    askTimeoutMs: 120_000,
  });
  const token = registerLocalDep("gateway", gateway);
  const execution = localActor(executionActor, {
    id: "execution",
    config: {
      gateway: token,
      limitTtlMs: config.execution.limitTtlMs,
      maxOrderNotionalQuote: config.execution.maxOrderNotionalQuote,
    },
    snapshotEvery: 0,
    askTimeoutMs: 120_000,
  });
  const recorder = localActor(recorderActor, {
    id: "recorder",
    config: {
      dir: options.outDir,
      parquet: options.parquet ?? true,
      writeThrough: options.writeThrough ?? false,
    },
    snapshotEvery: 0,
    askTimeoutMs: 600_000,
  });
  const symbolIds = new Set(symbolRefs.map((r) => r.id));
  const root = await startSupervisor({
    name: "root",
    seed: config.run.seed,
    chaos: chaos === null ? null : { ...chaos, actors: [...symbolIds] },
    flags: { intensity: 0, periodMs: 1000 },
    observer: (event) => {
      observer.supervisor?.(event);
      if (event.type === "supervisor.escalated") {
        fail(new Error(`Cannot continue the run: supervisor ${event.supervisor} escalated`));
      } else if (event.type === "child.crashed" && !symbolIds.has(event.child)) {
        fail(new Error(`Cannot continue the run: actor ${event.child} crashed: ${event.message}`));
      }
    },
    children: [
      supervisorChild("data", {
        children: [actorChild(recorder, { restart: "temporary" })],
        flags: { intensity: 0, periodMs: 1000 },
      }),
      supervisorChild("symbols", {
        children: symbolRefs.map((r) => actorChild(r)),
        flags: {
          strategy: "one_for_one",
          intensity: 10_000,
          periodMs: 60_000,
          backoff: { baseMs: 0, maxMs: 0, jitter: 0 },
        },
      }),
      actorChild(risk, { restart: "temporary" }),
      actorChild(execution, { restart: "temporary" }),
    ],
  });

  let events = 0, batches = 0, orders = 0, fills = 0;
  let lastEquity: number | null = null;
  let lastTs = options.tradeFrom;
  const lastQuotes = new Map<string, { bid: number; ask: number }>();
  const standing = new Map<string, IntentProposed>();
  /** Open LIMIT orders: client id → [symbol, time from which the TTL cancels it]. */
  const ttlDue = new Map<string, [string, number]>();
  const restarts = () => symbolRefs.reduce((n, r) => n + r.stats().restarts, 0);
  const check = () => {
    if (fatal !== null) throw fatal;
  };

  const nextDecision = (i: number): Promise<DecisionBatch> => {
    check();
    const q = queues[i];
    const ready = q.items.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    const ref = symbolRefs[i];
    const seen = ref.stats().deadLetters;
    return new Promise((resolve, reject) => {
      const timer = setInterval(() => {
        if (ref.stats().deadLetters > seen) {
          const last = ref.deadLetters().at(-1);
          fail(
            new Error(`Cannot continue the run: ${ref.id} dropped a batch: ${last?.reason ?? "?"}`),
          );
        }
      }, 1000);
      q.waiters.push({
        resolve: (b) => {
          clearInterval(timer);
          resolve(b);
        },
        reject: (e) => {
          clearInterval(timer);
          reject(e);
        },
      });
    });
  };

  const prepare = async (batch: FeedBatch): Promise<Prepared> => {
    const minuteSet = new Set<number>();
    for (const b of batch.bars) for (let k = 0; k < b.length; k++) minuteSet.add(b.openTime[k]);
    const openTime = Float64Array.from([...minuteSet].sort((a, b) => a - b));
    const index = new Map<number, number>();
    openTime.forEach((t, i) => index.set(t, i));
    const ohlcv = new Float64Array(openTime.length * S * OHLCV_FIELDS).fill(Number.NaN);
    const sent: number[] = [];
    for (const b of batch.bars) {
      const j = symbols.indexOf(b.symbol);
      if (j < 0) throw new RangeError(`Cannot replay ${b.symbol}: not a symbol of the run`);
      for (let k = 0; k < b.length; k++) {
        const o = (index.get(b.openTime[k])! * S + j) * OHLCV_FIELDS;
        ohlcv[o] = b.open[k];
        ohlcv[o + 1] = b.high[k];
        ohlcv[o + 2] = b.low[k];
        ohlcv[o + 3] = b.close[k];
        ohlcv[o + 4] = b.volume[k];
      }
    }
    observer.batch?.(batch);
    for (const b of batch.bars) {
      if (b.length === 0) continue;
      const j = symbols.indexOf(b.symbol);
      sent.push(j);
      events += b.length;
      await symbolRefs[j].tellBatch({
        type: "market.batch",
        symbol: b.symbol,
        seq: batch.seq,
        ts: b.openTime[b.length - 1] + interval - 1,
        openTime: own(b.openTime),
        open: own(b.open),
        high: own(b.high),
        low: own(b.low),
        close: own(b.close),
        volume: own(b.volume),
        flags: own(b.flags),
        length: b.length,
      });
    }
    return { batch, sent, openTime, ohlcv };
  };

  const deliver = async (report: ExecutionReported) => {
    if (report.events.length === 0) return;
    for (const e of report.events) {
      if (e.type === "fill.received") {
        fills++;
        continue;
      }
      if (e.status === "NEW") {
        orders++;
        if (e.orderType === "LIMIT") {
          ttlDue.set(e.clientOrderId, [e.symbol, e.ts + config.execution.limitTtlMs]);
        }
      } else if (e.status !== "PARTIALLY_FILLED") {
        ttlDue.delete(e.clientOrderId);
      }
    }
    await risk.tell(report);
    await recorder.tell(report);
    observer.execution?.(report);
  };

  const advance = async (p: Prepared, i0: number, i1: number): Promise<Set<string>> => {
    const ttlCancelled = new Set<string>();
    if (i1 < i0) return ttlCancelled;
    const openTime = p.openTime.slice(i0, i1 + 1);
    const ohlcv = p.ohlcv.slice(i0 * S * OHLCV_FIELDS, (i1 + 1) * S * OHLCV_FIELDS);
    const ts = openTime[openTime.length - 1] + interval - 1;
    const report = await execution.ask({ type: "market.advanced", ts, symbols, openTime, ohlcv });
    for (const q of report.quotes) {
      lastQuotes.set(q.symbol, { bid: Number(q.bestBid), ask: Number(q.bestAsk) });
    }
    for (const e of report.events) {
      if (e.type === "order.updated" && e.status === "CANCELED" && e.reason === "ttl") {
        ttlCancelled.add(e.symbol);
      }
    }
    const equity = await risk.ask({
      type: "book.advance",
      ts,
      symbols,
      openTime,
      ohlcv,
      report,
    });
    if (report.events.length > 0) {
      for (const e of report.events) {
        if (e.type === "fill.received") fills++;
        else if (e.status !== "NEW" && e.status !== "PARTIALLY_FILLED") {
          ttlDue.delete(e.clientOrderId);
        }
      }
      await recorder.tell(report);
      observer.execution?.(report);
    }
    if (equity.rows > 0) {
      lastEquity = equity.cash[equity.rows - 1] + equity.positionsValue[equity.rows - 1];
      await recorder.tell(equity);
      observer.equity?.(equity);
    }
    return ttlCancelled;
  };

  const evaluate = async (intent: IntentProposed, ts: number) => {
    const q = lastQuotes.get(intent.symbol) ?? { bid: Number.NaN, ask: Number.NaN };
    const ask = (retry: boolean) =>
      risk.ask({
        type: "intent.evaluate",
        ts,
        intent,
        bestBid: Number.isFinite(q.bid) ? q.bid : 0,
        bestAsk: Number.isFinite(q.ask) ? q.ask : 0,
        retry,
      });
    let verdict = await ask(false);
    if (verdict.guard !== null) await guard(verdict.guard);
    if (verdict.cancel !== null) {
      const report = await execution.ask({
        type: "orders.cancel",
        ts,
        symbol: intent.symbol,
        side: verdict.cancel,
        reason: "retarget",
      });
      await deliver(report);
      verdict = await ask(true);
      if (verdict.guard !== null) await guard(verdict.guard);
    }
    if (verdict.order !== null) await deliver(await execution.ask(verdict.order));
  };

  const guard = async (row: GuardRecorded) => {
    await recorder.tell(row);
    observer.guard?.(row);
  };

  /** Applies the operator's queued commands at event time `ts` (a drain point). */
  const drain = async (ts: number) => {
    const control = options.control;
    if (control === undefined) return;
    for (const command of control.take()) {
      await risk.ask({ type: "kill.set", ts, on: command.kind === "kill" });
      if (command.kind === "kill") {
        for (const symbol of symbols) {
          const report = await execution.ask({
            type: "orders.cancel",
            ts,
            symbol,
            side: null,
            reason: "kill",
          });
          const n = report.events.filter((e) =>
            e.type === "order.updated" && e.status === "CANCELED"
          ).length;
          await deliver(report);
          await guard({
            type: "guard.recorded",
            ts,
            symbol,
            level: "portfolio",
            action: "cancel",
            reasons: "KILL",
            value: n,
            threshold: 0,
            detail: `kill switch on (${command.reason}): ${n} open orders cancelled`,
          });
        }
      }
      control.applied(command, ts);
      if (command.kind === "resume") {
        // back to what the policy wants now: each symbol's standing intent is evaluated again
        for (const symbol of [...standing.keys()].sort()) await evaluate(standing.get(symbol)!, ts);
      }
    }
  };

  const trade = async (p: Prepared) => {
    await drain(lastTs);
    const decided: DecisionBatch[] = [];
    for (const j of p.sent) {
      const d = await nextDecision(j);
      if (d.seq !== p.batch.seq) {
        throw new RangeError(
          `Cannot trade batch ${p.batch.seq}: ${symbols[j]} answered batch ${d.seq}`,
        );
      }
      decided.push(d);
      observer.decisions?.(d);
    }
    const M = p.openTime.length;
    lastTs = p.openTime[M - 1] + interval - 1;
    await recorder.tell({ type: "decisions.recorded", ts: lastTs, batches: decided });
    const intents = new Map<number, IntentProposed[]>();
    const guards = new Map<number, GuardRecorded[]>();
    for (const d of decided) {
      for (const it of d.intents) push(intents, it.ts, it);
      for (const g of d.guards) push(guards, g.ts, g);
    }
    let start = 0;
    for (let i = 0; i < M; i++) {
      const t = p.openTime[i], closeTs = t + interval - 1;
      let due = false;
      for (const [, [, at]] of ttlDue) {
        if (at <= t) {
          due = true;
          break;
        }
      }
      const here = intents.get(closeTs), rows = guards.get(closeTs);
      if (!due && here === undefined && rows === undefined && i < M - 1) continue;
      const cancelled = await advance(p, start, i);
      start = i + 1;
      check();
      for (const g of rows ?? []) await guard(g);
      await drain(closeTs);
      const fresh = new Set((here ?? []).map((it) => it.symbol));
      for (const symbol of [...cancelled].sort()) {
        const s = standing.get(symbol);
        if (s !== undefined && !fresh.has(symbol)) await evaluate(s, closeTs);
      }
      for (const it of (here ?? []).sort((a, b) => (a.symbol < b.symbol ? -1 : 1))) {
        standing.set(it.symbol, it);
        await evaluate(it, closeTs);
      }
      await drain(closeTs);
      check();
    }
    batches++;
    options.control?.traded(lastTs);
    observer.progress?.({
      ts: lastTs,
      batches,
      events,
      orders,
      fills,
      equity: lastEquity,
      restarts: restarts(),
    });
  };

  const actorRefs = [...symbolRefs, risk, execution, recorder];
  options.control?.attach({
    book: () => risk.ask({ type: "book.status" }),
    actors: () => actorRefs.map((r) => ({ id: r.id, alive: r.running, stats: r.stats() })),
  });
  try {
    await recorder.ask({ type: "run.start", ts: options.tradeFrom });
    const pending: Prepared[] = [];
    for await (const batch of options.feed) {
      check();
      pending.push(await prepare(batch));
      if (pending.length > lookahead) await trade(pending.shift()!);
    }
    while (pending.length > 0) await trade(pending.shift()!);
    check();
    return await recorder.ask({
      type: "run.finish",
      ts: lastTs,
      info: options.info,
      events,
      restarts: restarts(),
    });
  } finally {
    options.control?.attach(null);
    await root.stop();
    releaseLocalDep(token);
  }
}

/** A typed array as one over a plain (transferable) ArrayBuffer. */
function own<T extends Float64Array | Uint8Array>(
  a: T,
): T extends Float64Array ? Float64Array<ArrayBuffer> : Uint8Array<ArrayBuffer> {
  if (!(a.buffer instanceof ArrayBuffer)) {
    throw new TypeError("Cannot send columns in shared memory");
  }
  return a as never;
}

function push<T>(map: Map<number, T[]>, key: number, value: T): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function symbolActorConfig(options: TradingLoopOptions, symbol: string): SymbolActorConfigInput {
  const tick = options.gateway.symbolRules(symbol)?.priceFilter?.tickSize;
  const modelText = options.models[symbol];
  if (tick === undefined || modelText === undefined) {
    throw new RangeError(`Cannot trade ${symbol}: no exchange rules or model`);
  }
  return symbolActorSettings(options.config, symbol, {
    modelText,
    tickSize: fixed8ToNumber(tick),
    tradeFrom: options.tradeFrom,
  });
}

function riskActorConfig(options: TradingLoopOptions, symbols: string[]): RiskActorConfigInput {
  const c = options.config;
  const quote = options.info.quoteAsset;
  return {
    symbols: symbols.map((symbol) => {
      const s = c.symbols[symbol];
      const r = options.gateway.symbolRules(symbol);
      if (r === undefined || r.priceFilter === null || r.lotSize === null) {
        throw new RangeError(`Cannot trade ${symbol}: the venue lists no price or lot rules`);
      }
      const maxNotional = r.notional?.maxNotional;
      return {
        symbol,
        baseAsset: r.baseAsset,
        quoteAsset: r.quoteAsset,
        tickSize: fixed8ToNumber(r.priceFilter.tickSize),
        stepSize: fixed8ToNumber(r.lotSize.stepSize),
        lotMinQty: fixed8ToNumber(r.lotSize.minQty),
        lotMaxQty: fixed8ToNumber(r.lotSize.maxQty),
        minNotionalQuote: r.notional === null ? 0 : fixed8ToNumber(r.notional.minNotional),
        cooldownMs: s.cooldownMs,
        notionalFloorQuote: s.notionalFloorQuote,
        maxOrderNotionalQuote: maxNotional === null || maxNotional === undefined
          ? s.maxOrderNotionalQuote
          : Math.min(s.maxOrderNotionalQuote, fixed8ToNumber(maxNotional)),
        vwapBandBp: s.vwapBandBp,
      };
    }),
    budget: c.risk,
    cashQuote: c.exchange.startingBalances[quote] === undefined
      ? 0
      : Number(c.exchange.startingBalances[quote]),
    orderStyle: c.execution.orderStyle,
    recordFrom: options.tradeFrom,
    intervalMs: c.exchange.barIntervalMs,
  };
}
