import { z } from "zod";
import { FeatureEngineSnapshot } from "../models/features/feature_engine.ts";
import { MacroMicroSnapshot } from "../models/features/macro_micro_features.ts";
import { PolicySnapshot } from "../models/policy/policy.ts";
import { defineActor } from "./actor_definition.ts";
import { SymbolName } from "./messages/_fields.ts";
import { DecisionBatch } from "./messages/decision_batch.ts";
import { MarketBatch } from "./messages/market_batch.ts";
import { SymbolDecider } from "./_symbol_decider.ts";

const NonNeg = z.number().min(0);
const Pos = z.number().positive();

/**
 * What a symbol actor is started with (structured-clone data, validated where it runs): the
 * symbol, the model file's text (parsed and checked again in the actor, so a Worker needs nothing
 * else), the symbol's sizing, policy, guard and drift monitor settings (fields of
 * `config.symbols.<SYMBOL>`), the risk bias scaling (`config.risk.riskBiasScaling`), the price
 * grid and spread cap of the exchange's derived book, and the first bar open time it may decide
 * (`tradeFrom` ≥ the model's `tradableFrom`, else it refuses to start). No defaults hide here
 * except the bar length: the run configuration names every setting.
 */
export const SymbolActorConfig = z.object({
  symbol: SymbolName,
  modelText: z.string().min(1),
  sizing: z.object({
    k: Pos,
    minQty: NonNeg,
    maxQty: Pos,
    minVolBp: Pos,
    notionalFloorQuote: NonNeg,
  }),
  /** The policy's hysteresis (see `Policy`); `horizonBars` must be the model's prior horizon. */
  policy: z.object({
    horizonBars: z.number().int().positive(),
    edgeHalfLifeBars: z.number().min(0),
    entryEdgeBp: z.number(),
    exitEdgeBp: z.number(),
    minHoldBars: z.number().int().nonnegative(),
    earlyExitEdgeBp: z.number(),
  }),
  guards: z.object({
    minConf: z.number().min(0).max(1),
    baseSpreadBp: NonNeg,
    spreadVolMultiplier: NonNeg,
    maxSpreadBp: Pos,
    maxVolBp: Pos,
    staleAfterMs: Pos,
  }),
  scaling: z.object({ confSensitivity: NonNeg, spreadSensitivity: NonNeg, maxLoosen: z.number() }),
  /** PRICE_FILTER tick size (quote). */
  tickSize: Pos,
  /** The derived book's `maxSpreadBp` (0: no cap). */
  spreadCapBp: NonNeg,
  /** The derived book's `gapAdjust`. */
  gapAdjust: z.boolean(),
  /** Bar length, ms. @default {60000} */
  intervalMs: z.number().int().positive().default(60_000),
  /**
   * Hysteresis of the proposed target: a new intent needs a change of at least this fraction of
   * the larger of the old and new target (entries and exits always pass).
   */
  retargetFraction: z.number().min(0).max(1),
  /** First bar open time (ms) that is decided; earlier bars only warm the features. */
  tradeFrom: z.number().int(),
  /** The transition monitor (drift of the live chain from the trained one). */
  drift: z.object({
    /** KL rate, nats per step, above which drift is flagged. */
    threshold: Pos,
    /** KL rate below which a flagged drift clears (< threshold). */
    clearBelow: NonNeg,
    /** Forgetting factor of the live counts per step. */
    forgetting: z.number().gt(0).lt(1),
    /** Pseudo-transitions per row from the trained matrix. */
    priorWeight: Pos,
    /** Transitions before drift may be flagged. */
    warmup: z.number().int().nonnegative(),
  }),
});
/** A symbol actor's configuration as a caller writes it. */
export type SymbolActorConfigInput = z.input<typeof SymbolActorConfig>;
/** A parsed symbol actor configuration. */
export type SymbolActorConfig = z.output<typeof SymbolActorConfig>;

/** The symbol actor's state: features, filter, monitor, policy and what it last proposed. */
export const SymbolActorSnapshot = z.object({
  pipeline: z.union([FeatureEngineSnapshot, MacroMicroSnapshot]),
  filter: z.object({
    steps: z.number().int().nonnegative(),
    logPosterior: z.array(z.number().nullable()),
  }),
  monitor: z.object({
    counts: z.array(z.number()),
    previous: z.array(z.number()).nullable(),
    transitions: z.number().int().nonnegative(),
    drift: z.boolean(),
    kl: z.number().nullable(),
  }),
  policy: PolicySnapshot,
  desiredQty: z.number().nonnegative(),
  episode: z.string().nullable(),
  prev: z.tuple([z.number(), z.number(), z.number()]).nullable(),
  decisions: z.number().int().nonnegative(),
  firstDecisionTs: z.number().nullable(),
});
/** The symbol actor's state. */
export type SymbolActorSnapshot = z.infer<typeof SymbolActorSnapshot>;

/** Everything a symbol actor accepts. */
export const SymbolInbox = z.discriminatedUnion("type", [MarketBatch]);
/** A parsed symbol actor message. */
export type SymbolInbox = z.infer<typeof SymbolInbox>;

/**
 * The symbol actor: one per traded symbol, in its own Worker (`workerActor`) under the symbol
 * supervisor. It owns the symbol's feature state, the online (H2) filter, the transition monitor
 * and the policy (`SymbolDecider`), takes one `market.batch` at a time and emits exactly one
 * `decision.batch` for it. It never waits for fills: what it proposes depends only on the market,
 * so the run loop can send it batches ahead while the portfolio-risk and execution actors work,
 * and a restart from a snapshot replays exactly. Snapshot it every batch (`snapshotEvery: 1`).
 */
export const symbolActor = defineActor({
  name: "symbol",
  url: import.meta.url,
  inbox: SymbolInbox,
  config: SymbolActorConfig,
  snapshot: SymbolActorSnapshot,
  outbox: DecisionBatch,
  replies: {},
  create(config, ctx) {
    const decider = new SymbolDecider(config);
    return {
      handle(msg: SymbolInbox) {
        switch (msg.type) {
          case "market.batch":
            ctx.emit(decider.decide(msg, ctx.beginEvent));
            return;
          default:
            return assertNever(msg.type);
        }
      },
      snapshot: () => decider.snapshot(),
      restore: (snapshot) => decider.restore(snapshot),
    };
  },
});

function assertNever(value: never): never {
  throw new TypeError(`Cannot handle symbol actor message: ${JSON.stringify(value)}`);
}
