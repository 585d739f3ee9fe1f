import { z } from "zod";
import { ReasonCode, ReasonCodeSchema } from "../models/reason_code.ts";
import { RunModeSchema } from "./run_mode.ts";

const Ts = z.number().int().nonnegative(); // event time, ms since epoch, from the data
const SymbolName = z.string().regex(/^[A-Z0-9]{2,20}$/);
const Finite = z.number().finite();

/** A symbol actor's policy decision on a bar: what it would like to hold. */
export const DecisionUpdate = z.object({
  type: z.literal("decision"),
  ts: Ts,
  symbol: SymbolName,
  modelVersion: z.string(),
  action: z.enum(["buy", "sell", "hold"]),
  /** Target position value, in the quote asset. */
  targetQuote: Finite,
  conf: Finite,
  edge: Finite,
});
/** A policy decision; see {@link DecisionUpdate}. */
export type DecisionUpdate = z.infer<typeof DecisionUpdate>;

/** A fill the execution actor received. */
export const FillUpdate = z.object({
  type: z.literal("fill"),
  ts: Ts,
  symbol: SymbolName,
  side: z.enum(["buy", "sell"]),
  price: z.number().positive(),
  qty: z.number().positive(),
  /** Fee converted to the quote asset. */
  feeQuote: Finite,
  liquidity: z.enum(["maker", "taker"]),
  /** Against the mid at decision time; positive is adverse. */
  slippageBp: Finite,
});
/** A fill; see {@link FillUpdate}. */
export type FillUpdate = z.infer<typeof FillUpdate>;

/** A guardrail blocked or scaled an intent, for one or more reasons. */
export const GuardUpdate = z.object({
  type: z.literal("guard"),
  ts: Ts,
  symbol: SymbolName,
  action: z.enum(["block", "scale"]),
  reasons: z.array(ReasonCodeSchema).min(1),
  /** `key=value` pairs, e.g. "used=0.021, limit=0.020". */
  detail: z.string(),
});
/** A guardrail outcome; see {@link GuardUpdate}. */
export type GuardUpdate = z.infer<typeof GuardUpdate>;

/** The account after a mark or a fill: amounts in the quote asset, drawdown a fraction. */
export const EquityUpdate = z.object({
  type: z.literal("equity"),
  ts: Ts,
  equity: Finite,
  cash: Finite,
  drawdown: z.number().min(0).max(1),
  grossExposure: Finite,
  netExposure: Finite,
  positions: z.array(z.object({ symbol: SymbolName, qty: Finite, value: Finite })),
});
/** The account; see {@link EquityUpdate}. */
export type EquityUpdate = z.infer<typeof EquityUpdate>;

/** A symbol's filtered HMM state on a bar (micro state, macro state, micro posteriors). */
export const StateUpdate = z.object({
  type: z.literal("state"),
  ts: Ts,
  symbol: SymbolName,
  modelVersion: z.string(),
  state: z.number().int().nonnegative(),
  macroState: z.number().int().nonnegative().nullable(),
  /** Probabilities (not logs), index = state. */
  posteriors: z.array(z.number().min(0).max(1)),
});
/** A symbol's HMM state; see {@link StateUpdate}. */
export type StateUpdate = z.infer<typeof StateUpdate>;

/** A symbol's transition drift: KL divergence (nats) and whether it is over the threshold. */
export const DriftUpdate = z.object({
  type: z.literal("drift"),
  ts: Ts,
  symbol: SymbolName,
  klNats: z.number().nonnegative(),
  drift: z.boolean(),
});
/** A drift reading; see {@link DriftUpdate}. */
export type DriftUpdate = z.infer<typeof DriftUpdate>;

/** The kill switch changed (the ops server publishes it after `POST /kill` and `/resume`). */
export const KillUpdate = z.object({
  type: z.literal("kill"),
  ts: Ts,
  active: z.boolean(),
  reason: z.string().optional(),
});
/** A kill switch change; see {@link KillUpdate}. */
export type KillUpdate = z.infer<typeof KillUpdate>;

/** Everything published to the live-update hub and sent to `/ws` clients as JSON. */
export const LiveUpdate = z.discriminatedUnion("type", [
  DecisionUpdate,
  FillUpdate,
  GuardUpdate,
  EquityUpdate,
  StateUpdate,
  DriftUpdate,
  KillUpdate,
]);
/** One live update; see {@link LiveUpdate}. */
export type LiveUpdate = z.infer<typeof LiveUpdate>;
/** The `type` of a live update. */
export type LiveUpdateType = LiveUpdate["type"];

/**
 * The first message a `/ws` client receives: the run it is watching, the guard block totals by
 * reason since the start of the run (counted over every `guard` update with action `block`), and
 * how many backlog updates follow before live ones (the totals already include those backlog
 * updates, so a client counts only `guard` updates after them).
 */
export const LiveHello = z.object({
  type: z.literal("hello"),
  mode: RunModeSchema,
  runId: z.string(),
  symbols: z.array(z.string()),
  guardTotals: z.record(z.enum(ReasonCode), z.number().int().nonnegative()),
  backlog: z.number().int().nonnegative(),
});
/** The greeting of a `/ws` client; see {@link LiveHello}. */
export type LiveHello = z.infer<typeof LiveHello>;

/** Every message a `/ws` client can receive, parsed once by a client. */
export const LiveMessage = z.discriminatedUnion("type", [
  LiveHello,
  DecisionUpdate,
  FillUpdate,
  GuardUpdate,
  EquityUpdate,
  StateUpdate,
  DriftUpdate,
  KillUpdate,
]);
/** One message from `/ws`; see {@link LiveMessage}. */
export type LiveMessage = z.infer<typeof LiveMessage>;
