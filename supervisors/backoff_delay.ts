import type { SeededRng } from "../models/seeded_rng.ts";
import type { BackoffFlags } from "./supervisor_flags.ts";

/**
 * The delay in whole ms before restart number `attempt` (1 = the first restart of that child
 * within the intensity period): `baseMs × factor^(attempt−1)` capped at `maxMs`, then spread by
 * ± `jitter` with one draw `u` from `rng` as `× (1 + jitter × (2u − 1))`, rounded, and never above
 * `maxMs`. Exactly one draw per call, so a seeded RNG gives the same delays on every run.
 * Throws a RangeError for an attempt below 1.
 */
export function backoffDelay(attempt: number, backoff: BackoffFlags, rng: SeededRng): number {
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new RangeError(
      `Cannot compute a backoff delay before the first attempt: attempt is ${attempt}`,
    );
  }
  const u = rng.next();
  const raw = Math.min(backoff.maxMs, backoff.baseMs * Math.pow(backoff.factor, attempt - 1));
  return Math.min(backoff.maxMs, Math.max(0, Math.round(raw * (1 + backoff.jitter * (2 * u - 1)))));
}
