import type { Clock } from "../actors/clock.ts";
import type { ChaosPolicy } from "./chaos_policy.ts";
import type { SupervisorEvent } from "./supervisor_event.ts";

/** When a supervisor restarts a child that exited (OTP restart types). */
export const RestartType = {
  /** Always restarted, whatever the exit. */
  permanent: "permanent",
  /** Restarted only after an abnormal exit (a crash); a normal exit is final. */
  transient: "transient",
  /** Never restarted. */
  temporary: "temporary",
} as const;
/** One of `RestartType`. */
export type RestartType = typeof RestartType[keyof typeof RestartType];

/** Why a child ended abnormally. */
export const CrashReason = {
  /** An uncaught error outside a handler, or the Worker's `error` event. */
  error: "error",
  /** A handler threw (or its promise rejected), including a chaos-injected crash. */
  exception: "exception",
  /** Missed heartbeats: the child stopped answering (e.g. a handler stuck in a loop). */
  hung: "hung",
  /** The child's Worker was terminated or closed itself without being asked to stop. */
  terminated: "terminated",
  /** An `ask` to the child timed out: treated as hung. */
  ask_timeout: "ask_timeout",
  /** A child supervisor exceeded its restart intensity and failed to its parent. */
  escalated: "escalated",
  /** A (re)start did not complete. */
  start_failed: "start_failed",
} as const;
/** One of `CrashReason`. */
export type CrashReason = typeof CrashReason[keyof typeof CrashReason];

/** How one incarnation of a child ended. */
export type ChildExit =
  | { kind: "normal" }
  | { kind: "crashed"; reason: CrashReason; message: string };

/**
 * One running incarnation of a child, as its supervisor sees it. Actor refs and supervisors both
 * produce one from `start`.
 */
export interface Child {
  /** Settles once, when this incarnation has ended (never rejects). */
  readonly exited: Promise<ChildExit>;
  /**
   * Asks the incarnation to stop; after `graceMs` it is terminated. Resolves once it has ended.
   */
  stop(graceMs: number): Promise<void>;
}

/** What a supervisor hands to `ChildSpec.start`. */
export interface ChildContext {
  /** The child's id. */
  readonly id: string;
  /** The supervisor's name (a path such as `root/symbols` for nested supervisors). */
  readonly supervisor: string;
  /** The supervisor's clock. */
  readonly clock: Clock;
  /** The chaos policy of the tree, or null. */
  readonly chaos: ChaosPolicy | null;
  /** The observer of lifecycle events, for a child that is itself a supervisor. */
  readonly observer: (event: SupervisorEvent) => void;
  /** A seed derived from the supervisor's seed and the child id, for a child supervisor's RNG. */
  readonly seed: number;
}

/** A child described by data: started in spec order, stopped in reverse. */
export interface ChildSpec {
  /** Unique among siblings; names the child in events, logs and metrics. */
  readonly id: string;
  /** Starts a fresh incarnation; called again on every restart. Rejects if it cannot start. */
  start(ctx: ChildContext): Promise<Child>;
  /** @default {"permanent"} */
  readonly restart?: RestartType;
  /** Grace period for `stop()` before the child is terminated. @default {5000} */
  readonly shutdownMs?: number;
}
