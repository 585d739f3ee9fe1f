import { MismatchKind } from "../data/reconcile.ts";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { QA_RULES, type QaRule } from "../data/qa_report.ts";
import { ReasonCode } from "../models/reason_code.ts";
import type { RunMode } from "./run_mode.ts";

/** Order sides, as the `side` label. */
export const OrderSide = { buy: "buy", sell: "sell" } as const;
/** One order side. */
export type OrderSide = typeof OrderSide[keyof typeof OrderSide];

/** Order types Shoal sends, as the `type` label (Binance `MARKET`, `LIMIT`, `LIMIT_MAKER`). */
export const OrderType = { market: "market", limit: "limit", limit_maker: "limit_maker" } as const;
/** One order type. */
export type OrderType = typeof OrderType[keyof typeof OrderType];

/**
 * Order lifecycle steps counted by `shoal_orders_total`, as the `status` label: `submitted` when
 * sent, then the final status Binance reports (`FILLED`, `CANCELED`, `REJECTED`, `EXPIRED`).
 */
export const OrderStatus = {
  submitted: "submitted",
  filled: "filled",
  canceled: "canceled",
  rejected: "rejected",
  expired: "expired",
} as const;
/** One order status. */
export type OrderStatus = typeof OrderStatus[keyof typeof OrderStatus];

/** Maker or taker side of a fill, as the `liquidity` label. */
export const Liquidity = { maker: "maker", taker: "taker" } as const;
/** One liquidity side. */
export type Liquidity = typeof Liquidity[keyof typeof Liquidity];

/** What a symbol actor decided on a bar, as the `action` label of `shoal_decisions_total`. */
export const DecisionAction = { buy: "buy", sell: "sell", hold: "hold" } as const;
/** One decision action. */
export type DecisionAction = typeof DecisionAction[keyof typeof DecisionAction];

/**
 * What a reconciliation pass found out of line with the exchange, as the `kind` label: the
 * journal's mismatch kinds (`data/reconcile.ts`).
 */
export const ReconciliationKind = MismatchKind;
/** One reconciliation mismatch kind. */
export type ReconciliationKind = MismatchKind;

/** Model kinds in the model store, as the `kind` label of `shoal_model_info`. */
export const ModelKind = { hmm: "hmm", h2: "h2", policy: "policy", mlp: "mlp" } as const;
/** One model kind. */
export type ModelKind = typeof ModelKind[keyof typeof ModelKind];

/** Where the live-update counters come from (a `LiveUpdateHub`). */
export interface LiveUpdateStats {
  /** WebSocket clients connected now. */
  readonly clientCount: number;
  /** Updates not sent to a client because it was too slow, since start. */
  readonly droppedCount: number;
}

/** Options of {@link ShoalMetrics}. */
export interface ShoalMetricsOptions {
  /** Traded symbols: their per-symbol counters are exported at 0 from the start. @default {[]} */
  symbols?: readonly string[];
  /** Actor ids of the tree: their health series are exported from the start. @default {[]} */
  actors?: readonly string[];
  /** Exchange WebSocket streams whose reconnects are counted. @default {["market", "user"]} */
  streams?: readonly string[];
  /** Registry to define the metrics in. @default {a new Registry} */
  registry?: Registry;
}

/** Decision latency buckets (seconds): 100 µs to 2.5 s, tick → intent crosses worker hops. */
const LATENCY_BUCKETS = [
  0.0001,
  0.00025,
  0.0005,
  0.001,
  0.0025,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
];
/** Slippage buckets (basis points, signed: positive is adverse, negative is improvement). */
const SLIPPAGE_BUCKETS = [-20, -10, -5, -2, -1, 0, 1, 2, 5, 10, 20, 50, 100];

/**
 * Every Prometheus metric of a Shoal process, defined once in its own `Registry` (never the
 * global default), behind methods the trading path calls, so no other file knows a metric name.
 * Naming: `shoal_` prefix, unit in the name (`_seconds`, `_quote` for amounts in the quote asset,
 * `_bp` for basis points, `_ratio`, `_nats`), counters end in `_total`. Label values come from
 * closed sets or from the run's symbols and actor ids, never from order ids or free text.
 *
 * Series whose label values are known up front (per-symbol counters for the `symbols` option,
 * guard reasons, data QA rules, reconciliation kinds, stream reconnects, actor health) are
 * exported at 0 from the start, so a dashboard shows a flat line rather than "No data".
 * Per-bar gauges (HMM state, posteriors, drift) appear with a symbol's first filtered bar.
 *
 * | metric | type | labels |
 * | --- | --- | --- |
 * | `shoal_run_info` | gauge (=1) | mode, run_id |
 * | `shoal_events_processed_total` | counter | actor |
 * | `shoal_decision_latency_seconds` | histogram | symbol |
 * | `shoal_mailbox_depth` | gauge | actor |
 * | `shoal_actor_up` | gauge (0/1) | actor |
 * | `shoal_actor_last_event_age_seconds` | gauge | actor |
 * | `shoal_actor_restarts_total` | counter | actor |
 * | `shoal_decisions_total` | counter | symbol, action |
 * | `shoal_intent_target_quote` | gauge | symbol |
 * | `shoal_guard_blocks_total` | counter | symbol, reason |
 * | `shoal_orders_total` | counter | symbol, side, type, status |
 * | `shoal_fills_total` | counter | symbol, side, liquidity |
 * | `shoal_filled_quote_total` | counter | symbol, side |
 * | `shoal_slippage_bp` | histogram | symbol |
 * | `shoal_fees_quote_total` | counter | symbol |
 * | `shoal_equity_quote` | gauge | |
 * | `shoal_drawdown_ratio` | gauge | |
 * | `shoal_exposure_quote` | gauge | kind (gross, net) |
 * | `shoal_position_quote` | gauge | symbol |
 * | `shoal_hmm_state` | gauge | symbol |
 * | `shoal_hmm_posterior` | gauge | symbol, state |
 * | `shoal_macro_state` | gauge | symbol |
 * | `shoal_macro_state_bars_total` | counter | symbol, state |
 * | `shoal_transition_kl_nats` | gauge | symbol |
 * | `shoal_transition_drift_active` | gauge (0/1) | symbol |
 * | `shoal_data_qa_findings_total` | counter | symbol, reason, rule |
 * | `shoal_reconciliation_mismatches_total` | counter | kind |
 * | `shoal_exchange_ws_reconnects_total` | counter | stream |
 * | `shoal_exchange_used_weight` | gauge | |
 * | `shoal_exchange_weight_limit` | gauge | |
 * | `shoal_kill_switch_active` | gauge (0/1) | |
 * | `shoal_model_info` | gauge (=1) | symbol, kind, model_version |
 * | `shoal_live_clients` | gauge | |
 * | `shoal_live_updates_dropped_total` | counter | |
 */
export class ShoalMetrics {
  /** The registry every metric lives in; `GET /metrics` renders it. */
  readonly registry: Registry;
  readonly #runInfo: Gauge<"mode" | "run_id">;
  readonly #events: Counter<"actor">;
  readonly #latency: Histogram<"symbol">;
  readonly #mailbox: Gauge<"actor">;
  readonly #actorUp: Gauge<"actor">;
  readonly #eventAge: Gauge<"actor">;
  readonly #restarts: Counter<"actor">;
  readonly #decisions: Counter<"symbol" | "action">;
  readonly #intentTarget: Gauge<"symbol">;
  readonly #guardBlocks: Counter<"symbol" | "reason">;
  readonly #orders: Counter<"symbol" | "side" | "type" | "status">;
  readonly #fills: Counter<"symbol" | "side" | "liquidity">;
  readonly #filledQuote: Counter<"symbol" | "side">;
  readonly #slippage: Histogram<"symbol">;
  readonly #fees: Counter<"symbol">;
  readonly #equity: Gauge;
  readonly #drawdown: Gauge;
  readonly #exposure: Gauge<"kind">;
  readonly #position: Gauge<"symbol">;
  readonly #hmmState: Gauge<"symbol">;
  readonly #posterior: Gauge<"symbol" | "state">;
  readonly #macroState: Gauge<"symbol">;
  readonly #macroBars: Counter<"symbol" | "state">;
  readonly #kl: Gauge<"symbol">;
  readonly #drift: Gauge<"symbol">;
  readonly #dataQa: Counter<"symbol" | "reason" | "rule">;
  readonly #reconciliation: Counter<"kind">;
  readonly #reconnects: Counter<"stream">;
  readonly #usedWeight: Gauge;
  readonly #weightLimit: Gauge;
  readonly #kill: Gauge;
  readonly #modelInfo: Gauge<"symbol" | "kind" | "model_version">;
  readonly #liveClients: Gauge;
  readonly #liveDropped: Counter;
  readonly #modelVersions = new Map<string, string>();
  readonly #posteriorStates = new Map<string, number>();
  #runLabels: { mode: string; run_id: string } | null = null;
  #liveStats: LiveUpdateStats | null = null;
  #liveDroppedSeen = 0;

  /** Defines every metric in `options.registry` (a fresh one by default). */
  constructor(options: ShoalMetricsOptions = {}) {
    const registry = options.registry ?? new Registry();
    this.registry = registry;
    const registers = [registry];
    this.#runInfo = new Gauge({
      name: "shoal_run_info",
      help: "Constant 1, labelled with the run mode and run id of this process.",
      labelNames: ["mode", "run_id"],
      registers,
    });
    this.#events = new Counter({
      name: "shoal_events_processed_total",
      help:
        "Events processed by each actor: market bars for a symbol actor (its id names the symbol), messages for the others.",
      labelNames: ["actor"],
      registers,
    });
    this.#latency = new Histogram({
      name: "shoal_decision_latency_seconds",
      help: "Wall time from a market tick's arrival to the intent it produced, in seconds.",
      labelNames: ["symbol"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#mailbox = new Gauge({
      name: "shoal_mailbox_depth",
      help: "Messages waiting in each actor's mailbox.",
      labelNames: ["actor"],
      registers,
    });
    this.#actorUp = new Gauge({
      name: "shoal_actor_up",
      help: "1 while the actor is alive, 0 while it is down or restarting.",
      labelNames: ["actor"],
      registers,
    });
    this.#eventAge = new Gauge({
      name: "shoal_actor_last_event_age_seconds",
      help: "Seconds since the actor last handled a message, as its supervisor last saw it.",
      labelNames: ["actor"],
      registers,
    });
    this.#restarts = new Counter({
      name: "shoal_actor_restarts_total",
      help: "Restarts of each actor by its supervisor.",
      labelNames: ["actor"],
      registers,
    });
    this.#decisions = new Counter({
      name: "shoal_decisions_total",
      help: "Policy decisions of each symbol actor, by action (buy, sell, hold).",
      labelNames: ["symbol", "action"],
      registers,
    });
    this.#intentTarget = new Gauge({
      name: "shoal_intent_target_quote",
      help: "Target position value of the symbol's latest intent, in the quote asset.",
      labelNames: ["symbol"],
      registers,
    });
    this.#guardBlocks = new Counter({
      name: "shoal_guard_blocks_total",
      help: "Intents or orders blocked by a guardrail, by reason code.",
      labelNames: ["symbol", "reason"],
      registers,
    });
    this.#orders = new Counter({
      name: "shoal_orders_total",
      help: "Orders by lifecycle step: submitted, then their final status.",
      labelNames: ["symbol", "side", "type", "status"],
      registers,
    });
    this.#fills = new Counter({
      name: "shoal_fills_total",
      help: "Fills (trades) received, by side and liquidity (maker, taker).",
      labelNames: ["symbol", "side", "liquidity"],
      registers,
    });
    this.#filledQuote = new Counter({
      name: "shoal_filled_quote_total",
      help: "Traded value of all fills, in the quote asset.",
      labelNames: ["symbol", "side"],
      registers,
    });
    this.#slippage = new Histogram({
      name: "shoal_slippage_bp",
      help: "Fill price against the mid at decision time, in basis points; positive is adverse.",
      labelNames: ["symbol"],
      buckets: SLIPPAGE_BUCKETS,
      registers,
    });
    this.#fees = new Counter({
      name: "shoal_fees_quote_total",
      help: "Fees paid, converted to the quote asset.",
      labelNames: ["symbol"],
      registers,
    });
    this.#equity = new Gauge({
      name: "shoal_equity_quote",
      help: "Account equity (cash plus positions at mark), in the quote asset.",
      registers,
    });
    this.#drawdown = new Gauge({
      name: "shoal_drawdown_ratio",
      help: "Drawdown of equity from its running peak, as a fraction in [0, 1].",
      registers,
    });
    this.#exposure = new Gauge({
      name: "shoal_exposure_quote",
      help:
        "Sum of absolute (kind=gross) or signed (kind=net) position values, in the quote asset.",
      labelNames: ["kind"],
      registers,
    });
    this.#position = new Gauge({
      name: "shoal_position_quote",
      help: "Position value at mark, in the quote asset.",
      labelNames: ["symbol"],
      registers,
    });
    this.#hmmState = new Gauge({
      name: "shoal_hmm_state",
      help: "Most probable micro HMM state (index) on the symbol's latest bar.",
      labelNames: ["symbol"],
      registers,
    });
    this.#posterior = new Gauge({
      name: "shoal_hmm_posterior",
      help: "Filtered posterior probability of each micro HMM state on the latest bar.",
      labelNames: ["symbol", "state"],
      registers,
    });
    this.#macroState = new Gauge({
      name: "shoal_macro_state",
      help: "Most probable macro HMM state (index) on the symbol's latest bar.",
      labelNames: ["symbol"],
      registers,
    });
    this.#macroBars = new Counter({
      name: "shoal_macro_state_bars_total",
      help: "Bars spent in each macro HMM state: the macro-state occupancy histogram.",
      labelNames: ["symbol", "state"],
      registers,
    });
    this.#kl = new Gauge({
      name: "shoal_transition_kl_nats",
      help: "KL divergence of recent state transitions from the model's matrix, in nats.",
      labelNames: ["symbol"],
      registers,
    });
    this.#drift = new Gauge({
      name: "shoal_transition_drift_active",
      help: "1 while the transition KL is above its drift threshold, else 0.",
      labelNames: ["symbol"],
      registers,
    });
    this.#dataQa = new Counter({
      name: "shoal_data_qa_findings_total",
      help: "Data QA findings by reason code (DATA, STALE) and rule (data/qa_report.ts QaRule).",
      labelNames: ["symbol", "reason", "rule"],
      registers,
    });
    this.#reconciliation = new Counter({
      name: "shoal_reconciliation_mismatches_total",
      help: "Differences found between our books and the exchange when reconciling, by kind.",
      labelNames: ["kind"],
      registers,
    });
    this.#reconnects = new Counter({
      name: "shoal_exchange_ws_reconnects_total",
      help: "Reconnects of the exchange WebSocket streams.",
      labelNames: ["stream"],
      registers,
    });
    this.#usedWeight = new Gauge({
      name: "shoal_exchange_used_weight",
      help: "Request weight used in the current minute, as the exchange last reported it.",
      registers,
    });
    this.#weightLimit = new Gauge({
      name: "shoal_exchange_weight_limit",
      help: "Request weight the exchange allows per minute.",
      registers,
    });
    this.#kill = new Gauge({
      name: "shoal_kill_switch_active",
      help: "1 while the kill switch is on (no new orders, reason KILL), else 0.",
      registers,
    });
    this.#modelInfo = new Gauge({
      name: "shoal_model_info",
      help: "Constant 1, labelled with the model version each symbol trades, by model kind.",
      labelNames: ["symbol", "kind", "model_version"],
      registers,
    });
    const liveClients = () => this.#liveStats?.clientCount;
    const liveDroppedSinceLastScrape = () => {
      if (this.#liveStats === null) return 0;
      const delta = this.#liveStats.droppedCount - this.#liveDroppedSeen;
      this.#liveDroppedSeen = this.#liveStats.droppedCount;
      return Math.max(0, delta);
    };
    this.#liveClients = new Gauge({
      name: "shoal_live_clients",
      help: "WebSocket clients connected to the ops server's /ws.",
      registers,
      collect() {
        const clients = liveClients();
        if (clients !== undefined) this.set(clients);
      },
    });
    this.#liveDropped = new Counter({
      name: "shoal_live_updates_dropped_total",
      help: "Live updates not sent to a /ws client because it was too slow to read them.",
      registers,
      collect() {
        const delta = liveDroppedSinceLastScrape();
        if (delta > 0) this.inc(delta);
      },
    });
    this.#initialise(options);
  }

  #initialise(options: ShoalMetricsOptions): void {
    this.#kill.set(0);
    this.#usedWeight.set(0);
    this.#equity.set(0);
    this.#drawdown.set(0);
    this.#exposure.set({ kind: "gross" }, 0);
    this.#exposure.set({ kind: "net" }, 0);
    for (const kind of Object.values(ReconciliationKind)) this.#reconciliation.inc({ kind }, 0);
    for (const stream of options.streams ?? ["market", "user"]) {
      this.#reconnects.inc({ stream }, 0);
    }
    for (const actor of options.actors ?? []) {
      this.#actorUp.set({ actor }, 0);
      this.#mailbox.set({ actor }, 0);
      this.#restarts.inc({ actor }, 0);
      this.#events.inc({ actor }, 0);
    }
    for (const symbol of options.symbols ?? []) {
      this.#latency.zero({ symbol });
      this.#slippage.zero({ symbol });
      this.#fees.inc({ symbol }, 0);
      this.#position.set({ symbol }, 0);
      this.#intentTarget.set({ symbol }, 0);
      for (const action of Object.values(DecisionAction)) {
        this.#decisions.inc({ symbol, action }, 0);
      }
      for (const reason of Object.values(ReasonCode)) this.#guardBlocks.inc({ symbol, reason }, 0);
      for (const rule of Object.keys(QA_RULES) as QaRule[]) {
        this.#dataQa.inc({ symbol, reason: QA_RULES[rule].code, rule }, 0);
      }
      for (const side of Object.values(OrderSide)) {
        this.#filledQuote.inc({ symbol, side }, 0);
        for (const liquidity of Object.values(Liquidity)) {
          this.#fills.inc({ symbol, side, liquidity }, 0);
        }
        for (const type of Object.values(OrderType)) {
          for (const status of Object.values(OrderStatus)) {
            this.#orders.inc({ symbol, side, type, status }, 0);
          }
        }
      }
    }
  }

  /** The text exposition of every metric (Prometheus text format 0.0.4). */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** The Content-Type header of {@link render}'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Labels the process with its run; replaces an earlier run's labels. */
  setRunInfo(mode: RunMode, runId: string): void {
    if (this.#runLabels !== null) this.#runInfo.remove(this.#runLabels);
    this.#runLabels = { mode, run_id: runId };
    this.#runInfo.set(this.#runLabels, 1);
  }

  /** Counts `count` market events handled by `actor` (ids such as "symbol:BTCUSDT", "feed"). */
  recordEvents(actor: string, count: number): void {
    this.#events.inc({ actor }, count);
  }

  /** Observes one tick → intent latency of `symbol`, in seconds. */
  observeDecisionLatency(symbol: string, seconds: number): void {
    this.#latency.observe({ symbol }, seconds);
  }

  /**
   * Sets an actor's health as its supervisor sees it: alive or not, mailbox depth (messages) and,
   * when known, seconds since it last handled a message.
   */
  setActorHealth(
    actor: string,
    health: { alive: boolean; mailboxDepth: number; lastEventAgeSeconds?: number },
  ): void {
    this.#actorUp.set({ actor }, health.alive ? 1 : 0);
    this.#mailbox.set({ actor }, health.mailboxDepth);
    if (health.lastEventAgeSeconds !== undefined) {
      this.#eventAge.set({ actor }, health.lastEventAgeSeconds);
    }
    this.#restarts.inc({ actor }, 0);
  }

  /** Counts one restart of `actor`. */
  recordActorRestart(actor: string): void {
    this.#restarts.inc({ actor });
  }

  /**
   * Counts `count` policy decisions of `action` and, when given, records the intent's target
   * position value (quote asset).
   */
  recordDecision(
    symbol: string,
    action: DecisionAction,
    targetQuote: number | null,
    count = 1,
  ): void {
    this.#decisions.inc({ symbol, action }, count);
    if (targetQuote !== null) this.#intentTarget.set({ symbol }, targetQuote);
  }

  /** Counts one block of an intent of `symbol`, once per reason code it was blocked for. */
  recordGuardBlock(symbol: string, reasons: readonly ReasonCode[]): void {
    for (const reason of reasons) this.#guardBlocks.inc({ symbol, reason });
  }

  /** Counts an order lifecycle step (`submitted` when sent, then its final status). */
  recordOrder(
    symbol: string,
    order: { side: OrderSide; type: OrderType; status: OrderStatus },
  ): void {
    this.#orders.inc({ symbol, side: order.side, type: order.type, status: order.status });
  }

  /**
   * Counts one fill: traded value and fee in the quote asset, slippage in basis points (positive
   * is adverse).
   */
  recordFill(
    symbol: string,
    fill: {
      side: OrderSide;
      liquidity: Liquidity;
      quoteQty: number;
      feeQuote: number;
      slippageBp: number;
    },
  ): void {
    this.#fills.inc({ symbol, side: fill.side, liquidity: fill.liquidity });
    this.#filledQuote.inc({ symbol, side: fill.side }, fill.quoteQty);
    this.#fees.inc({ symbol }, fill.feeQuote);
    this.#slippage.observe({ symbol }, fill.slippageBp);
  }

  /**
   * Sets the account gauges: equity, gross and net exposure in the quote asset, drawdown as a
   * fraction of the running peak.
   */
  setEquity(
    account: { equity: number; drawdown: number; grossExposure: number; netExposure: number },
  ): void {
    this.#equity.set(account.equity);
    this.#drawdown.set(account.drawdown);
    this.#exposure.set({ kind: "gross" }, account.grossExposure);
    this.#exposure.set({ kind: "net" }, account.netExposure);
  }

  /** Sets the value of the position in `symbol`, in the quote asset. */
  setPosition(symbol: string, valueQuote: number): void {
    this.#position.set({ symbol }, valueQuote);
  }

  /**
   * Sets the micro HMM state of `symbol`'s latest bar and its filtered posteriors (probabilities,
   * not logs; index = state). A model with fewer states than before drops the extra series.
   */
  setHmmState(symbol: string, state: number, posteriors: ArrayLike<number>): void {
    this.#hmmState.set({ symbol }, state);
    const before = this.#posteriorStates.get(symbol) ?? 0;
    for (let i = 0; i < posteriors.length; i++) {
      this.#posterior.set({ symbol, state: String(i) }, posteriors[i]);
    }
    for (let i = posteriors.length; i < before; i++) {
      this.#posterior.remove({ symbol, state: String(i) });
    }
    this.#posteriorStates.set(symbol, posteriors.length);
  }

  /** Sets the macro HMM state of `symbol`'s latest bar and counts the bar in its occupancy. */
  recordMacroState(symbol: string, state: number): void {
    this.#macroState.set({ symbol }, state);
    this.#macroBars.inc({ symbol, state: String(state) });
  }

  /** Sets the transition KL (nats) of `symbol` and whether it is flagged as drift. */
  setTransitionDrift(symbol: string, klNats: number, drifting: boolean): void {
    this.#kl.set({ symbol }, klNats);
    this.#drift.set({ symbol }, drifting ? 1 : 0);
  }

  /** Counts `count` data QA findings of `rule` for `symbol`, under the rule's reason code. */
  recordDataQa(symbol: string, rule: QaRule, count = 1): void {
    this.#dataQa.inc({ symbol, reason: QA_RULES[rule].code, rule }, count);
  }

  /** Counts one reconciliation mismatch of `kind`. */
  recordReconciliationMismatch(kind: ReconciliationKind): void {
    this.#reconciliation.inc({ kind });
  }

  /** Counts one reconnect of the exchange WebSocket `stream` (a fixed name such as "market"). */
  recordExchangeReconnect(stream: string): void {
    this.#reconnects.inc({ stream });
  }

  /** Sets the exchange request weight used this minute and, when known, the limit. */
  setExchangeWeight(used: number, options: { limit?: number } = {}): void {
    this.#usedWeight.set(used);
    if (options.limit !== undefined) this.#weightLimit.set(options.limit);
  }

  /** Sets the kill switch gauge. */
  setKillSwitch(active: boolean): void {
    this.#kill.set(active ? 1 : 0);
  }

  /** Records the model version `symbol` trades for `kind`; the previous version's series goes. */
  setModelVersion(symbol: string, kind: ModelKind, version: string): void {
    const key = `${symbol}\0${kind}`;
    const before = this.#modelVersions.get(key);
    if (before !== undefined && before !== version) {
      this.#modelInfo.remove({ symbol, kind, model_version: before });
    }
    this.#modelVersions.set(key, version);
    this.#modelInfo.set({ symbol, kind, model_version: version }, 1);
  }

  /** Reads the live-update client count and drop counter from `stats` at every scrape. */
  trackLiveUpdates(stats: LiveUpdateStats): void {
    this.#liveStats = stats;
    this.#liveDroppedSeen = 0;
  }
}
