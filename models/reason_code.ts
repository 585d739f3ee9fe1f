import { z } from "zod";

/**
 * Why a guardrail blocked or scaled an intent: one closed set of stable strings, written into
 * `guardrails.csv`, metrics labels and messages. Never rename one; add new ones at the end.
 */
export const ReasonCode = {
  CONF: "CONF",
  SPREAD: "SPREAD",
  VOL: "VOL",
  STALE: "STALE",
  DATA: "DATA",
  BUDGET: "BUDGET",
  NOTIONAL: "NOTIONAL",
  COOLDOWN: "COOLDOWN",
  COOLDOWN_GLOBAL: "COOLDOWN_GLOBAL",
  DD: "DD",
  CORR: "CORR",
  KILL: "KILL",
  LEARNER: "LEARNER",
} as const;
/** One guardrail reason code. */
export type ReasonCode = typeof ReasonCode[keyof typeof ReasonCode];
/** Parses a reason code at a boundary. */
export const ReasonCodeSchema = z.enum(ReasonCode);
