import { z } from "zod";

/** Which children a supervisor restarts when one of them fails (OTP strategies). */
export const RestartStrategy = {
  /** Only the failed child. */
  one_for_one: "one_for_one",
  /** Every child: the others are stopped (reverse order), then all start again in order. */
  one_for_all: "one_for_all",
  /** The failed child and the children started after it. */
  rest_for_one: "rest_for_one",
} as const;
/** One of `RestartStrategy`. */
export type RestartStrategy = typeof RestartStrategy[keyof typeof RestartStrategy];

/** Exponential backoff between a failure and the restart, with jitter. */
export const BackoffFlagsSchema = z.object({
  /** Delay before the first restart in a period, ms. */
  baseMs: z.number().nonnegative().default(100),
  /** The longest delay, ms. */
  maxMs: z.number().nonnegative().default(10_000),
  /** Growth per further restart of the same child within `periodMs` (>= 1). */
  factor: z.number().min(1).default(2),
  /** Spread as a fraction of the delay, in [0, 1]: 0.2 gives delay × [0.8, 1.2). */
  jitter: z.number().min(0).max(1).default(0.2),
});
/** Parsed backoff flags. */
export type BackoffFlags = z.infer<typeof BackoffFlagsSchema>;

/**
 * How a supervisor restarts: strategy, restart intensity (at most `intensity` restarts within
 * `periodMs`, one more and the supervisor fails to its parent) and backoff. Config files parse
 * with this schema; omitted fields take the defaults shown.
 */
export const SupervisorFlagsSchema = z.object({
  strategy: z.enum(RestartStrategy).default("one_for_one"),
  /** R: restarts allowed within `periodMs`. */
  intensity: z.number().int().nonnegative().default(3),
  /** T: the sliding window of the intensity, ms. */
  periodMs: z.number().positive().default(5000),
  backoff: BackoffFlagsSchema.default(BackoffFlagsSchema.parse({})),
});
/** Parsed supervisor flags. */
export type SupervisorFlags = z.infer<typeof SupervisorFlagsSchema>;
/** Supervisor flags as a caller writes them: every field optional. */
export type SupervisorFlagsInput = z.input<typeof SupervisorFlagsSchema>;
