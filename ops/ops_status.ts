import { z } from "zod";
import { RunModeSchema } from "./run_mode.ts";

/** One actor's health as its supervisor sees it. */
export const ActorHealth = z.object({
  /** Actor id in the tree, e.g. "symbol:BTCUSDT", "portfolio-risk", "execution". */
  id: z.string(),
  alive: z.boolean(),
  restarts: z.number().int().nonnegative(),
  mailboxDepth: z.number().int().nonnegative(),
  /** Milliseconds since the actor last handled a message; null before its first one. */
  lastEventAgeMs: z.number().nonnegative().nullable(),
});
/** One actor's health; see {@link ActorHealth}. */
export type ActorHealth = z.infer<typeof ActorHealth>;

/** A held position: quantity in the base asset, value at mark in the quote asset. */
export const PositionStatus = z.object({
  symbol: z.string(),
  qty: z.number().finite(),
  value: z.number().finite(),
});
/** A held position; see {@link PositionStatus}. */
export type PositionStatus = z.infer<typeof PositionStatus>;

/** The kill switch: on since `since` (event time, ms) for `reason`, or off. */
export const KillStatus = z.object({
  active: z.boolean(),
  reason: z.string().optional(),
  since: z.number().int().nonnegative().optional(),
});
/** The kill switch; see {@link KillStatus}. */
export type KillStatus = z.infer<typeof KillStatus>;

/**
 * The body of `GET /status`: what an operator checks first. `equity` is in the quote asset;
 * `modelVersions` maps each symbol to the model version it trades.
 */
export const OpsStatus = z.object({
  mode: RunModeSchema,
  runId: z.string(),
  symbols: z.array(z.string()),
  actors: z.array(ActorHealth),
  positions: z.array(PositionStatus),
  equity: z.number().finite(),
  modelVersions: z.record(z.string(), z.string()),
  kill: KillStatus,
  /** Event time of the last market minute traded (ms since epoch; 0 before the first). */
  asOf: z.number().int().nonnegative(),
});
/** The body of `GET /status`; see {@link OpsStatus}. */
export type OpsStatus = z.infer<typeof OpsStatus>;
