import { QaFlag } from "../data/qa_report.ts";
import { columnIndex } from "../models/features/feature_schema.ts";
import { FeatureEngine } from "../models/features/feature_engine.ts";
import type { FeatureBar } from "../models/features/feature_bar.ts";
import type { MacroMicroFeatures } from "../models/features/macro_micro_features.ts";
import { FeatureStatus } from "../models/features/feature_status.ts";
import type { OnlineH2Filter } from "../models/hmm/h2_filter.ts";
import { TransitionMonitor } from "../models/hmm/transition_monitor.ts";
import { type ModelRuntime, modelRuntime, parseModelFile } from "../models/model_file.ts";
import { Policy } from "../models/policy/policy.ts";
import { emptyPolicyDecision, PolicySide } from "../models/policy/policy_decision.ts";
import { checkSymbolGuards } from "../models/risk/check_symbol_guards.ts";
import { guardrailRow } from "../models/risk/guardrail_row.ts";
import type { SymbolGuardLimits } from "../models/risk/check_symbol_guards.ts";
import type { RiskBiasScaling } from "../models/risk/risk_bias_thresholds.ts";
import { barSpreadBp, type SpreadBar } from "./_bar_spread_bp.ts";
import { type DecisionBatch, SYMBOL_GUARD_BITS } from "./messages/decision_batch.ts";
import type { GuardRecorded } from "./messages/guard_recorded.ts";
import type { IntentProposed } from "./messages/intent_proposed.ts";
import type { MarketBatch } from "./messages/market_batch.ts";
import type { SymbolActorConfig, SymbolActorSnapshot } from "./symbol_actor.ts";

const DATA_FLAGS = QaFlag.gap | QaFlag.volume_outlier;
const STALE_FLAGS = QaFlag.stale | QaFlag.stream_stopped;
const GUARD_BIT = new Map<string, number>(SYMBOL_GUARD_BITS.map((code, i) => [code, 1 << i]));

/**
 * The symbol actor's whole logic for one symbol, without the messaging: per bar of a market
 * batch, feature update → (from the traded span's start, when the features are ready) filter
 * step → transition monitor → policy → symbol guards, and one `DecisionBatch` per market batch.
 * Deterministic: the same state and the same batch give the same state and the same output, which
 * is what makes a restart from a snapshot plus a replay exact.
 *
 * Intents: the decider remembers the position it last proposed (`desiredQty`, 0 at start) and
 * hands it to the policy as `heldQty`, so the policy's entry/exit hysteresis and minimum holding
 * time follow what was actually proposed (a blocked entry leaves the policy flat). The policy also
 * gets the macro posterior, so the risk bias it sizes with, and that scales the symbol guards'
 * thresholds, is the posterior-weighted one. A bar proposes an intent when the policy trades (no
 * NOTIONAL/DATA reason) and its target differs from `desiredQty` by at least
 * `notionalFloorQuote` at the bar's close and by at least `retargetFraction` of the larger of the
 * two (a hysteresis: the sized target moves with the posterior every bar), or one of them is 0
 * and the other not; and only when the symbol guards pass. A reduction (target below
 * `desiredQty`) is an exit for the guards (DATA and STALE only). A blocked change is recorded as one symbol-level
 * guard row per episode: a new row only when the side or the reasons change, or after an intent
 * passed, so a guard that keeps firing bar after bar writes one row, not one per minute.
 */
export class SymbolDecider {
  readonly runtime: ModelRuntime;
  readonly #config: SymbolActorConfig;
  readonly #pipeline: FeatureEngine | MacroMicroFeatures;
  readonly #filter: OnlineH2Filter;
  readonly #monitor: TransitionMonitor;
  readonly #policy: Policy;
  readonly #limits: SymbolGuardLimits;
  readonly #scaling: RiskBiasScaling;
  readonly #rvColumn: number;
  readonly #raw: Float64Array;
  readonly #z: Float64Array;
  readonly #bar: FeatureBar = { openTime: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  readonly #decision = emptyPolicyDecision();
  readonly #tradeFrom: number;
  #desiredQty = 0;
  #episode: string | null = null;
  #prev: SpreadBar | null = null;
  #decisions = 0;
  #firstDecisionTs: number | null = null;

  /**
   * Builds the model runtime from the model file text. Throws `RangeError` when `tradeFrom` is
   * before the model's `tradableFrom` (it would trade its own training data: look-ahead) or when
   * the model's prior horizon is not `policy.horizonBars` (the edge thresholds would mean another
   * thing), and what `parseModelFile` throws for a bad file.
   */
  constructor(config: SymbolActorConfig) {
    this.#config = config;
    const file = parseModelFile(config.modelText);
    if (file.manifest.symbol !== config.symbol) {
      throw new TypeError(
        `Cannot run model ${file.manifest.id} for ${config.symbol}: it was trained on ${file.manifest.symbol}`,
      );
    }
    const rt = modelRuntime(file);
    if (config.tradeFrom < rt.tradableFrom) {
      throw new RangeError(
        `Cannot trade ${config.symbol} from ${config.tradeFrom} with model ${rt.id}: it was trained until ${rt.tradableFrom} (look-ahead)`,
      );
    }
    if (rt.horizon !== config.policy.horizonBars) {
      throw new RangeError(
        `Cannot run model ${rt.id} for ${config.symbol}: its state priors are over ${rt.horizon} bars, the config's priorHorizonBars is ${config.policy.horizonBars} (train with --horizon ${config.policy.horizonBars})`,
      );
    }
    this.runtime = rt;
    this.#tradeFrom = config.tradeFrom;
    this.#pipeline = rt.createPipeline();
    this.#filter = rt.createFilter();
    this.#monitor = new TransitionMonitor(rt.flat.model.transmat, {
      threshold: config.drift.threshold,
      clearBelow: config.drift.clearBelow,
      forgetting: config.drift.forgetting,
      priorWeight: config.drift.priorWeight,
      warmup: config.drift.warmup,
    });
    this.#policy = new Policy({
      symbol: config.symbol,
      modelVersion: rt.id,
      statePriors: rt.statePriors,
      riskBias: rt.riskBias,
      k: config.sizing.k,
      maxQty: config.sizing.maxQty,
      minQty: config.sizing.minQty,
      notionalFloor: config.sizing.notionalFloorQuote,
      minVolBp: config.sizing.minVolBp,
      edgeHalfLifeBars: config.policy.edgeHalfLifeBars,
      entryEdgeBp: config.policy.entryEdgeBp,
      exitEdgeBp: config.policy.exitEdgeBp,
      minHoldBars: config.policy.minHoldBars,
      earlyExitEdgeBp: config.policy.earlyExitEdgeBp,
    });
    this.#limits = config.guards;
    this.#scaling = config.scaling;
    const fast = rt.schema.kind === "bars" ? rt.schema : rt.schema.fast;
    const rv = `rv_${Math.max(...fast.params.rvWindows)}`;
    this.#rvColumn = columnIndex(rt.schema, rt.schema.kind === "bars" ? rv : `fast.${rv}`);
    this.#raw = new Float64Array(this.#pipeline.dimension);
    this.#z = new Float64Array(this.#pipeline.dimension);
  }

  /** Bars decided so far. */
  get decisions(): number {
    return this.#decisions;
  }

  /** Decision time of the first decided bar, or null before it. */
  get firstDecisionTs(): number | null {
    return this.#firstDecisionTs;
  }

  /**
   * Decides every bar of `batch` (see the class comment) and returns the batch's output.
   * `beginBar` is called before each bar touches the state (the actor passes
   * `ctx.beginEvent`, so chaos can crash between two bars).
   */
  decide(batch: MarketBatch, beginBar?: () => void): DecisionBatch {
    const n = batch.length, K = this.runtime.states, cfg = this.#config;
    const interval = cfg.intervalMs;
    const barTs = new Float64Array(n), state = new Int32Array(n), macroState = new Int32Array(n);
    const conf = new Float64Array(n), riskBias = new Float64Array(n), edge = new Float64Array(n);
    const klDrift = new Float64Array(n), drift = new Uint8Array(n);
    const posteriors = new Float64Array(n * K), targetQty = new Float64Array(n);
    const guardBits = new Uint16Array(n);
    const intents: IntentProposed[] = [];
    const guards: GuardRecorded[] = [];
    let rows = 0, warmupBars = 0, rejectedBars = 0;
    const bar = this.#bar, out = this.#decision;

    for (let i = 0; i < n; i++) {
      beginBar?.();
      bar.openTime = batch.openTime[i];
      bar.open = batch.open[i];
      bar.high = batch.high[i];
      bar.low = batch.low[i];
      bar.close = batch.close[i];
      bar.volume = batch.volume[i];
      const status = this.#pipeline.update(bar, this.#raw, this.#z);
      if (status === FeatureStatus.REJECTED) {
        rejectedBars++;
        continue;
      }
      const spreadBp = barSpreadBp(this.#prev, bar, {
        tickSize: cfg.tickSize,
        capBp: cfg.spreadCapBp,
        gapAdjust: cfg.gapAdjust,
      });
      this.#prev = { high: bar.high, low: bar.low, close: bar.close };
      if (bar.openTime < this.#tradeFrom) {
        warmupBars++;
        continue;
      }
      if (status !== FeatureStatus.READY) continue;

      const ts = bar.openTime + interval - 1;
      const filter = this.#filter;
      filter.step(this.#z);
      const kl = this.#monitor.observe(filter.microPosterior);
      const m = filter.macroState();
      const realizedVol = this.#raw[this.#rvColumn];
      this.#policy.decide(
        {
          logPosterior: filter.flatFilter.logPosterior,
          macroState: m,
          macroPosterior: filter.macroPosterior,
          realizedVol,
          price: bar.close,
          heldQty: this.#desiredQty,
        },
        out,
      );
      const bias = out.riskBias;
      const volBp = realizedVol * 1e4;
      if (this.#firstDecisionTs === null) this.#firstDecisionTs = ts;
      this.#decisions++;

      const want = out.targetQty;
      const trades = out.reason === null;
      const desired = this.#desiredQty;
      const reducing = want < desired || out.side === PolicySide.SELL;
      const flag = batch.flags[i];
      const check = checkSymbolGuards(
        {
          ts,
          barCloseTs: ts,
          conf: out.conf,
          spreadBp,
          volBp,
          riskBias: bias,
          reducing,
          dataFlagged: (flag & DATA_FLAGS) !== 0,
          staleFlagged: (flag & STALE_FLAGS) !== 0,
        },
        this.#limits,
        { scaling: this.#scaling },
      );
      let bits = 0;
      for (const hit of check.hits) bits |= GUARD_BIT.get(hit.code) ?? 0;

      barTs[rows] = ts;
      state[rows] = out.state;
      macroState[rows] = m;
      conf[rows] = out.conf;
      riskBias[rows] = bias;
      edge[rows] = out.edge;
      klDrift[rows] = kl > 0 ? kl : 0; // a rate within rounding of 0 can read -1e-17
      drift[rows] = this.#monitor.drift ? 1 : 0;
      posteriors.set(filter.microPosterior, rows * K);
      targetQty[rows] = want;
      guardBits[rows] = check.kind === "block" ? bits : 0;
      rows++;

      const step = Math.abs(want - desired);
      const changed = trades && ((want === 0) !== (desired === 0) ||
        (step * bar.close >= cfg.sizing.notionalFloorQuote &&
          step >= cfg.retargetFraction * Math.max(want, desired)));
      if (!changed) continue;
      const side = want > desired ? PolicySide.BUY : PolicySide.SELL;
      if (check.kind === "pass") {
        intents.push({
          type: "intent.proposed",
          ts,
          symbol: cfg.symbol,
          modelVersion: this.runtime.id,
          side,
          targetQty: want,
          edge: out.edge,
          conf: out.conf,
          state: out.state,
          macroState: m,
          riskBias: bias,
          price: bar.close,
          vwap: this.#vwap(),
          spreadBp,
          volBp,
        });
        this.#desiredQty = want;
        this.#episode = null;
        continue;
      }
      const row = guardrailRow(check, { ts, symbol: cfg.symbol })!;
      const episode = `${side}:${row.reasons}`;
      if (episode === this.#episode) continue;
      this.#episode = episode;
      guards.push({ type: "guard.recorded", level: "symbol", ...row });
    }

    const cut = <T extends { slice(a: number, b: number): T }>(a: T, w = 1) =>
      rows === n ? a : a.slice(0, rows * w);
    return {
      type: "decision.batch",
      symbol: cfg.symbol,
      seq: batch.seq,
      ts: batch.ts,
      modelVersion: this.runtime.id,
      states: K,
      rows,
      barTs: cut(barTs),
      state: cut(state),
      macroState: cut(macroState),
      conf: cut(conf),
      riskBias: cut(riskBias),
      edge: cut(edge),
      klDrift: cut(klDrift),
      drift: cut(drift),
      posteriors: cut(posteriors, K),
      targetQty: cut(targetQty),
      guardBits: cut(guardBits),
      intents,
      guards,
      warmupBars,
      rejectedBars,
    };
  }

  /** The whole state as plain data (see `SymbolActorSnapshot`). */
  snapshot(): SymbolActorSnapshot {
    return {
      pipeline: this.#pipeline.snapshot(),
      filter: this.#filter.flatFilter.snapshot(),
      monitor: this.#monitor.snapshot(),
      policy: this.#policy.snapshot(),
      desiredQty: this.#desiredQty,
      episode: this.#episode,
      prev: this.#prev === null ? null : [this.#prev.high, this.#prev.low, this.#prev.close],
      decisions: this.#decisions,
      firstDecisionTs: this.#firstDecisionTs,
    };
  }

  /** Continues from a `snapshot()` of a decider with the same config. */
  restore(s: SymbolActorSnapshot): void {
    if (this.#pipeline instanceof FeatureEngine) {
      if ("slow" in s.pipeline) throw new TypeError("Cannot restore a bars pipeline from h2 state");
      this.#pipeline.restore(s.pipeline);
    } else {
      if (!("slow" in s.pipeline)) {
        throw new TypeError("Cannot restore a macro/micro pipeline from bars state");
      }
      this.#pipeline.restore(s.pipeline);
    }
    this.#filter.flatFilter.restore(s.filter);
    this.#monitor.restore(s.monitor);
    this.#policy.restore(s.policy);
    this.#desiredQty = s.desiredQty;
    this.#episode = s.episode;
    this.#prev = s.prev === null ? null : { high: s.prev[0], low: s.prev[1], close: s.prev[2] };
    this.#decisions = s.decisions;
    this.#firstDecisionTs = s.firstDecisionTs;
  }

  #vwap(): number {
    const p = this.#pipeline;
    return p instanceof FeatureEngine ? p.session.vwap : p.fast.session.vwap;
  }
}
