import type { FeedBatch, LoopProgress, TradingLoopObserver } from "../actors/trading_loop.ts";
import type { TradingLoopControl } from "../actors/trading_loop_control.ts";
import type { BookStatus } from "../actors/portfolio_risk_actor.ts";
import type { DecisionBatch } from "../actors/messages/decision_batch.ts";
import type { EquityRecorded } from "../actors/messages/equity_recorded.ts";
import type { ExecutionReported } from "../actors/messages/execution_reported.ts";
import type { GuardRecorded } from "../actors/messages/guard_recorded.ts";
import { QaFlag, type QaRule } from "../data/qa_report.ts";
import type { ReconcileReport } from "../data/reconcile.ts";
import { ReasonCodeSchema } from "../models/reason_code.ts";
import type { SupervisorEvent } from "../supervisors/supervisor_event.ts";
import { LiveUpdateHub } from "./live_update_hub.ts";
import { type ModelKind, type OrderStatus, ShoalMetrics } from "./metrics.ts";
import { type OpsServer, startOpsServer } from "./ops_server.ts";
import type { OpsStatus } from "./ops_status.ts";
import type { RetrainOutcome, RetrainRequest } from "./ops_requests.ts";
import { resolveOpsToken } from "./ops_token.ts";
import { UsageError } from "./_train_flags.ts";
import type { RunMode } from "./run_mode.ts";

/** What the ops layer needs to know about a run that is about to trade. */
export interface RunContext {
  mode: RunMode;
  runId: string;
  /** The run directory (`runs/<run-id>`): the CSVs served and the `ops-token` file. */
  dir: string;
  symbols: readonly string[];
  /** The model each symbol trades. */
  models: readonly { symbol: string; kind: ModelKind; id: string }[];
  /** The loop's control: kill, resume, and the status port once it runs. */
  control: TradingLoopControl;
  /** Starting equity, quote asset (what `/status` says before the book answers). */
  startingEquityQuote: number;
  /**
   * Exchange figures (paper and live): request weight used in the current window and its limit,
   * and the reconnects so far per WebSocket stream.
   */
  exchange?: () => { usedWeight: number; weightLimit: number; reconnects: Record<string, number> };
  /** `POST /retrain`; when missing, retraining is refused (409) with `retrainRefusal`. */
  retrain?: (request: RetrainRequest) => RetrainOutcome | Promise<RetrainOutcome>;
  /** Why a run without `retrain` refuses it. */
  retrainRefusal?: string;
}

/** Where the ops server listens and how it reports. */
export interface RunOpsOptions {
  /** @default {"127.0.0.1"} */
  host?: string;
  /** 0 picks a free port. @default {9464} */
  port?: number;
  log: (line: string) => void;
  /** `SHOAL_OPS_TOKEN` (tests pass it; "" means generate). @default {Deno.env.get} */
  tokenEnv?: string;
}

/** Stream names of `shoal_exchange_ws_reconnects_total` (the ccxt gateway's and the feed's). */
export const EXCHANGE_STREAMS = ["user", "book", "market"] as const;

const QA_FLAG_RULES: readonly [number, QaRule][] = [
  [QaFlag.gap, "gap"],
  [QaFlag.volume_outlier, "volume_outlier"],
  [QaFlag.stale, "stale"],
  [QaFlag.stream_stopped, "stream_stopped"],
];

const STATUS_LABEL: Record<string, OrderStatus | undefined> = {
  FILLED: "filled",
  CANCELED: "canceled",
  REJECTED: "rejected",
  EXPIRED: "expired",
};

/**
 * The ops side of a running paper, live or `backtest --ops` run: the Prometheus metrics, the
 * live-update hub and the ops server, fed by the trading loop's observer hooks (`observer`) and
 * steering it through its `TradingLoopControl`. Observer hooks never throw into the loop: a
 * metrics failure is logged once and the run goes on.
 */
export class RunOps {
  readonly metrics: ShoalMetrics;
  readonly hub: LiveUpdateHub;
  readonly server: OpsServer;
  readonly observer: TradingLoopObserver;
  readonly #ctx: RunContext;
  readonly #log: (line: string) => void;
  /** Wall time (ms) each market batch went to the symbol actors, by `symbol:seq`. */
  readonly #sentAt = new Map<string, number>();
  /** The book as the last refresh saw it (`/status` reads it rather than asking the actor). */
  #book: BookStatus | null = null;
  readonly #reconnectsSeen = new Map<string, number>();
  readonly #restartsSeen = new Map<string, number>();
  /** Messages processed by the in-process actors at the last look (their events counter). */
  readonly #processedSeen = new Map<string, number>();
  #lastEquity: { ts: number; row: number; eq: EquityRecorded } | null = null;
  #refreshing = false;
  #failed = false;

  private constructor(
    ctx: RunContext,
    metrics: ShoalMetrics,
    hub: LiveUpdateHub,
    server: OpsServer,
    log: (line: string) => void,
  ) {
    this.#ctx = ctx;
    this.metrics = metrics;
    this.hub = hub;
    this.server = server;
    this.#log = log;
    const safe = <A extends unknown[]>(f: (...a: A) => void) => (...a: A) => {
      try {
        f(...a);
      } catch (cause) {
        this.#fault(cause);
      }
    };
    this.observer = {
      batch: safe((b) => this.#onBatch(b)),
      progress: safe((p) => this.#onProgress(p)),
      supervisor: safe((e) => this.#onSupervisor(e)),
      decisions: safe((d) => this.#onDecisions(d)),
      execution: safe((r) => this.#onExecution(r)),
      guard: safe((g) => this.#onGuard(g)),
      equity: safe((e) => this.#onEquity(e)),
    };
  }

  /**
   * Resolves the token (`SHOAL_OPS_TOKEN`, else generated into `<dir>/ops-token`), builds the
   * metrics and the hub and starts the ops server. Rejects when the address cannot be bound.
   */
  static async start(ctx: RunContext, options: RunOpsOptions): Promise<RunOps> {
    // a token belongs to one process: a resumed (or repeated) run issues a new one
    await Deno.remove(`${ctx.dir}/ops-token`).catch(() => {});
    let resolved;
    try {
      resolved = await resolveOpsToken(
        ctx.dir,
        options.tokenEnv === undefined ? {} : { env: options.tokenEnv },
      );
    } catch (cause) {
      if (cause instanceof RangeError) throw new UsageError(cause.message);
      throw cause;
    }
    const { token, path } = resolved;
    const actors = [
      ...ctx.symbols.map((s) => `symbol.${s}`),
      "portfolio-risk",
      "execution",
      "recorder",
    ];
    const metrics = new ShoalMetrics({
      symbols: ctx.symbols,
      actors,
      streams: ctx.exchange === undefined ? [] : EXCHANGE_STREAMS,
    });
    const hub = new LiveUpdateHub({ backlogPerType: 500 });
    metrics.trackLiveUpdates(hub);
    metrics.setRunInfo(ctx.mode, ctx.runId);
    metrics.setEquity({
      equity: ctx.startingEquityQuote,
      drawdown: 0,
      grossExposure: 0,
      netExposure: 0,
    });
    for (const m of ctx.models) metrics.setModelVersion(m.symbol, m.kind, m.id);
    // the ops server binds before the run trades, so a port in use fails the run at once
    let self: RunOps | null = null;
    const host = options.host ?? "127.0.0.1", port = options.port ?? 9464;
    const server = await startOpsServer({
      token,
      runDir: ctx.dir,
      metrics: {
        render: async () => {
          await self?.refresh();
          return await metrics.render();
        },
        get contentType() {
          return metrics.contentType;
        },
      },
      hub,
      now: () => ctx.control.eventTs,
      status: () => self!.status(),
      kill: (reason) => {
        ctx.control.requestKill(reason);
        metrics.setKillSwitch(true);
      },
      resume: () => {
        ctx.control.requestResume();
        metrics.setKillSwitch(ctx.control.kill.active);
      },
      retrain: (request) =>
        ctx.retrain?.(request) ??
          { accepted: false, reason: ctx.retrainRefusal ?? "retraining is not available" },
    }, { host, port, log: options.log }).catch((cause) => {
      throw opsAddressError(cause, host, port);
    });
    options.log(
      path === null
        ? "ops: bearer token from SHOAL_OPS_TOKEN"
        : `ops: bearer token in ${path} (mode 0600)`,
    );
    self = new RunOps(ctx, metrics, hub, server, options.log);
    return self;
  }

  /** The run's status for `GET /status`. */
  async status(): Promise<OpsStatus> {
    const ctx = this.#ctx;
    const port = ctx.control.port;
    const book = port === null ? null : this.#book ?? await port.book();
    const now = Date.now();
    const actors = port === null ? [] : port.actors().map((a) => ({
      id: a.id,
      alive: a.alive,
      restarts: a.stats.restarts,
      mailboxDepth: a.stats.mailboxDepth,
      lastEventAgeMs: a.stats.lastProcessedAt === null
        ? null
        : Math.max(0, now - a.stats.lastProcessedAt),
    }));
    return {
      mode: ctx.mode,
      runId: ctx.runId,
      symbols: [...ctx.symbols],
      actors,
      positions: book?.positions ??
        ctx.symbols.map((symbol) => ({ symbol, qty: 0, value: 0 })),
      equity: book?.equity ?? ctx.startingEquityQuote,
      modelVersions: Object.fromEntries(ctx.models.map((m) => [m.symbol, m.id])),
      kill: ctx.control.kill,
      asOf: ctx.control.eventTs,
    };
  }

  /**
   * Brings the polled gauges up to date: actor health, positions, exchange weight and
   * reconnects, the kill switch. Called at every scrape and after every market batch.
   */
  async refresh(): Promise<void> {
    if (this.#refreshing) return;
    this.#refreshing = true;
    try {
      const m = this.metrics, ctx = this.#ctx, port = ctx.control.port;
      m.setKillSwitch(ctx.control.kill.active);
      if (ctx.exchange !== undefined) {
        const x = ctx.exchange();
        m.setExchangeWeight(x.usedWeight, { limit: x.weightLimit });
        for (const [stream, n] of Object.entries(x.reconnects)) {
          const before = this.#reconnectsSeen.get(stream) ?? 0;
          for (let i = before; i < n; i++) m.recordExchangeReconnect(stream);
          this.#reconnectsSeen.set(stream, Math.max(before, n));
        }
      }
      if (port === null) return;
      const now = Date.now();
      for (const a of port.actors()) {
        const at = a.stats.lastProcessedAt;
        m.setActorHealth(a.id, {
          alive: a.alive,
          mailboxDepth: a.stats.mailboxDepth,
          ...(at === null ? {} : { lastEventAgeSeconds: Math.max(0, now - at) / 1000 }),
        });
        if (!a.id.startsWith("symbol.")) {
          const counted = this.#processedSeen.get(a.id) ?? 0;
          if (a.stats.processed > counted) m.recordEvents(a.id, a.stats.processed - counted);
          this.#processedSeen.set(a.id, Math.max(counted, a.stats.processed));
        }
        // restarts come from the supervisor's events; the counters catch any it did not report
        const before = this.#restartsSeen.get(a.id) ?? 0;
        for (let i = before; i < a.stats.restarts; i++) m.recordActorRestart(a.id);
        this.#restartsSeen.set(a.id, Math.max(before, a.stats.restarts));
      }
      const book = await port.book();
      this.#book = book;
      for (const p of book.positions) m.setPosition(p.symbol, p.value);
      const last = this.#lastEquity;
      if (last !== null) {
        const e = last.eq, i = last.row;
        this.hub.publish({
          type: "equity",
          ts: last.ts,
          equity: e.cash[i] + e.positionsValue[i],
          cash: e.cash[i],
          drawdown: Math.min(1, Math.max(0, e.drawdown[i])),
          grossExposure: e.grossExposure[i],
          netExposure: e.netExposure[i],
          positions: book.positions,
        });
        this.#lastEquity = null;
      }
    } catch (cause) {
      this.#fault(cause);
    } finally {
      this.#refreshing = false;
    }
  }

  /** Counts a reconciliation pass's mismatches (paper and live). */
  onReconcile(report: ReconcileReport): void {
    try {
      for (const [kind, n] of Object.entries(report.mismatches)) {
        for (let i = 0; i < n; i++) {
          this.metrics.recordReconciliationMismatch(kind as keyof typeof report.mismatches);
        }
      }
    } catch (cause) {
      this.#fault(cause);
    }
  }

  /** Closes `/ws` clients and stops the server. */
  async close(): Promise<void> {
    await this.server.shutdown();
  }

  #fault(cause: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    const detail = cause instanceof Error ? cause.message : String(cause);
    this.#log(`ops: a metrics update failed (${detail}); the run goes on`);
  }

  #onBatch(batch: FeedBatch): void {
    const now = performance.now();
    for (const b of batch.bars) {
      if (b.length === 0) continue;
      this.#sentAt.set(`${b.symbol}:${batch.seq}`, now);
      for (let k = 0; k < b.length; k++) {
        const f = b.flags[k];
        if (f === 0) continue; // almost every bar: no finding
        for (const [bit, rule] of QA_FLAG_RULES) {
          if ((f & bit) !== 0) this.metrics.recordDataQa(b.symbol, rule);
        }
      }
    }
  }

  #onProgress(_p: LoopProgress): void {
    void this.refresh();
  }

  #onSupervisor(e: SupervisorEvent): void {
    if (e.type !== "child.restarted") return;
    const before = this.#restartsSeen.get(e.child) ?? 0;
    this.#restartsSeen.set(e.child, before + 1);
    this.metrics.recordActorRestart(e.child);
  }

  #onDecisions(d: DecisionBatch): void {
    const m = this.metrics, symbol = d.symbol, actor = `symbol.${symbol}`;
    m.recordEvents(actor, d.rows + d.warmupBars + d.rejectedBars);
    const key = `${symbol}:${d.seq}`;
    const sent = this.#sentAt.get(key);
    if (sent !== undefined) {
      this.#sentAt.delete(key);
      m.observeDecisionLatency(symbol, (performance.now() - sent) / 1000);
    }
    for (const it of d.intents) {
      const targetQuote = it.targetQty * it.price;
      m.recordDecision(symbol, it.side, targetQuote);
      this.hub.publish({
        type: "decision",
        ts: it.ts,
        symbol,
        modelVersion: it.modelVersion,
        action: it.side,
        targetQuote,
        conf: it.conf,
        edge: it.edge,
      });
    }
    if (d.rows > d.intents.length) {
      m.recordDecision(symbol, "hold", null, d.rows - d.intents.length);
    }
    if (d.rows === 0) return;
    for (let r = 0; r < d.rows; r++) m.recordMacroState(symbol, d.macroState[r]);
    const last = d.rows - 1, K = d.states;
    const posteriors = Array.from(
      d.posteriors.subarray(last * K, last * K + K),
      (p) => Math.min(1, Math.max(0, p)),
    );
    m.setHmmState(symbol, d.state[last], posteriors);
    const kl = d.klDrift[last];
    if (Number.isFinite(kl)) m.setTransitionDrift(symbol, Math.max(0, kl), d.drift[last] === 1);
    const ts = Math.round(d.barTs[last]);
    this.hub.publish({
      type: "state",
      ts,
      symbol,
      modelVersion: d.modelVersion,
      state: d.state[last],
      macroState: d.macroState[last],
      posteriors,
    });
    if (Number.isFinite(kl)) {
      this.hub.publish({
        type: "drift",
        ts,
        symbol,
        klNats: Math.max(0, kl),
        drift: d.drift[last] === 1,
      });
    }
  }

  #onExecution(report: ExecutionReported): void {
    const m = this.metrics;
    for (const e of report.events) {
      if (e.type === "fill.received") {
        const price = Number(e.price), qty = Number(e.qty), fee = Number(e.fee);
        const side = e.side === "BUY" ? "buy" : "sell";
        // the fee is charged in the asset received: base on a buy, quote on a sell
        const feeQuote = e.side === "BUY" ? fee * price : fee;
        m.recordFill(e.symbol, {
          side,
          liquidity: e.liquidity,
          quoteQty: Number(e.quoteQty),
          feeQuote,
          slippageBp: e.slippageBp,
        });
        this.hub.publish({
          type: "fill",
          ts: e.ts,
          symbol: e.symbol,
          side,
          price,
          qty,
          feeQuote,
          liquidity: e.liquidity,
          slippageBp: e.slippageBp,
        });
        continue;
      }
      const status = e.status === "NEW" ? "submitted" : STATUS_LABEL[e.status];
      if (status === undefined) continue;
      m.recordOrder(e.symbol, {
        side: e.side === "BUY" ? "buy" : "sell",
        type: e.orderType === "MARKET"
          ? "market"
          : e.orderType === "LIMIT"
          ? "limit"
          : "limit_maker",
        status,
      });
    }
  }

  #onGuard(g: GuardRecorded): void {
    if (g.action === "cancel") return;
    const reasons = g.reasons.split("|").map((r) => ReasonCodeSchema.parse(r));
    if (g.action === "block") this.metrics.recordGuardBlock(g.symbol, reasons);
    this.hub.publish({
      type: "guard",
      ts: g.ts,
      symbol: g.symbol,
      action: g.action,
      reasons,
      detail: g.detail,
    });
  }

  #onEquity(e: EquityRecorded): void {
    if (e.rows === 0) return;
    const i = e.rows - 1;
    this.metrics.setEquity({
      equity: e.cash[i] + e.positionsValue[i],
      drawdown: e.drawdown[i],
      grossExposure: e.grossExposure[i],
      netExposure: e.netExposure[i],
    });
    this.#lastEquity = { ts: Math.round(e.barTs[i]), row: i, eq: e };
  }
}

/** One observer that calls each of `observers` in order (hooks a run adds to the ops ones). */
export function combineObservers(...observers: TradingLoopObserver[]): TradingLoopObserver {
  const keys = [
    "batch",
    "progress",
    "supervisor",
    "decisions",
    "execution",
    "guard",
    "equity",
  ] as const;
  const out: Record<string, (x: never) => void> = {};
  for (const key of keys) {
    const fns = observers.map((o) => o[key]).filter((f) =>
      f !== undefined
    ) as ((x: never) => void)[];
    if (fns.length > 0) out[key] = (x: never) => fns.forEach((f) => f(x));
  }
  return out as TradingLoopObserver;
}

/** A bind failure of the ops server as one line for the operator (exit 2), else `cause`. */
function opsAddressError(cause: unknown, host: string, port: number): unknown {
  const where = `${host}:${port}`;
  if (cause instanceof Deno.errors.AddrInUse) {
    return new UsageError(
      `Cannot start the ops server on ${where}: the address is in use (another run?); ` +
        `pick a port with --ops-port (0 = any free port)`,
    );
  }
  if (
    cause instanceof Deno.errors.AddrNotAvailable || cause instanceof Deno.errors.PermissionDenied
  ) {
    return new UsageError(`Cannot start the ops server on ${where}: ${(cause as Error).message}`);
  }
  if (cause instanceof Error && /lookup|resolve|Name or service/i.test(cause.message)) {
    return new UsageError(
      `Cannot start the ops server on ${where}: unknown host (${cause.message})`,
    );
  }
  return cause;
}
