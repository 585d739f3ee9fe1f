import type { CrashReason } from "./child.ts";

/**
 * A lifecycle event from a supervisor, in past tense, with event time `ts` from the supervisor's
 * clock and the supervisor's name. Tests assert exact sequences of these; a later issue turns them
 * into metrics and journal lines.
 */
export type SupervisorEvent =
  /** A child started during the supervisor's ordered start. */
  | { type: "child.started"; ts: number; supervisor: string; child: string }
  /** Every child started, in spec order. */
  | { type: "supervisor.started"; ts: number; supervisor: string }
  /** A child ended abnormally. */
  | {
    type: "child.crashed";
    ts: number;
    supervisor: string;
    child: string;
    reason: CrashReason;
    message: string;
  }
  /** A child ended normally on its own (not asked by the supervisor). */
  | { type: "child.exited"; ts: number; supervisor: string; child: string }
  /** The supervisor stopped a child (shutdown, a group restart, or escalation). */
  | { type: "child.stopped"; ts: number; supervisor: string; child: string }
  /** A restart of `child` (and of the children its strategy takes along) begins after `delayMs`. */
  | {
    type: "child.restarting";
    ts: number;
    supervisor: string;
    child: string;
    delayMs: number;
    attempt: number;
  }
  /** A child was started again. */
  | { type: "child.restarted"; ts: number; supervisor: string; child: string }
  /** More than `intensity` restarts in `periodMs`: children stopped, failing to the parent. */
  | { type: "supervisor.escalated"; ts: number; supervisor: string; restarts: number }
  /** The supervisor finished an ordered shutdown. */
  | { type: "supervisor.stopped"; ts: number; supervisor: string };

/** One of the `type` values of `SupervisorEvent`. */
export type SupervisorEventType = SupervisorEvent["type"];
