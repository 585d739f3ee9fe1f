import type { SupervisorFlags } from "./supervisor_flags.ts";

/**
 * The restart log after one more restart at `now`, and whether that restart exceeds the restart
 * intensity: more than `flags.intensity` restarts within the last `flags.periodMs` (OTP's
 * MaxR/MaxT; a restart exactly `periodMs` ago has left the window). `log` holds earlier restart
 * times from the same clock, oldest first; it is not modified. With intensity 0 the first restart
 * already exceeds it.
 */
export function recordRestart(
  log: readonly number[],
  now: number,
  flags: Pick<SupervisorFlags, "intensity" | "periodMs">,
): { log: number[]; exceeded: boolean } {
  const kept = log.filter((t) => t > now - flags.periodMs);
  kept.push(now);
  return { log: kept, exceeded: kept.length > flags.intensity };
}
