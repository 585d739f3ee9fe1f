import { z } from "zod";
import { SeededRng } from "../models/seeded_rng.ts";

/**
 * Fault injection for resilience runs (`--chaos-crash-rate`): the actors named in `actors`
 * throw inside their handler on about `crashRate` of the events they handle (an event is one bar
 * of a market batch, or a whole message for actors that do not mark events). Crossing into a
 * Worker with the actor's `init`, it is validated there like any other envelope field.
 */
export const ChaosPolicySchema = z.object({
  /** Seeds every decision; the same seed crashes the same events. */
  seed: z.number().int(),
  /** Fraction of events that crash, in [0, 1]. */
  crashRate: z.number().min(0).max(1),
  /** Ids of the actors (their `ActorRef.id`) that crash; others are untouched. */
  actors: z.array(z.string()),
});
/** A parsed chaos policy. */
export type ChaosPolicy = z.infer<typeof ChaosPolicySchema>;

/** True when `policy` can crash the actor `actorId` at all (so callers skip it cheaply when not). */
export function chaosAppliesTo(policy: ChaosPolicy | null | undefined, actorId: string): boolean {
  return policy !== null && policy !== undefined && policy.crashRate > 0 &&
    policy.actors.includes(actorId);
}

/**
 * Whether the chaos policy crashes actor `actorId` at event `event` (0-based) of the message
 * numbered `seq`. An event is what the actor marks with `ActorContext.beginEvent()` (one bar of a
 * market batch); a message whose handler marks none is one event. Pure and deterministic in
 * (seed, actorId, seq, event), so the crash points of a run are fixed by its seed: the runtime
 * crashes each point once and, after the restart, resumes past it (see `ChaosResume`), so a run
 * with `crashRate` r over N events restarts about r·N times and always finishes. The four keys are
 * hashed (FNV-1a for the id, murmur3's fmix32 to mix) into the seed of a `SeededRng`, whose first
 * draw is compared with `crashRate`. Returns false for an actor the policy does not name and
 * always for `crashRate` 0.
 */
export function chaosCrashesAt(
  policy: ChaosPolicy,
  key: { actorId: string; seq: number; event: number },
): boolean {
  if (!chaosAppliesTo(policy, key.actorId)) return false;
  let h = fmix32((policy.seed ^ Math.trunc(policy.seed / 4294967296)) >>> 0);
  h = fmix32((h ^ fnv1a(key.actorId)) >>> 0);
  h = fmix32((h ^ (key.seq >>> 0)) >>> 0);
  h = fmix32((h ^ Math.trunc(key.seq / 4294967296)) >>> 0);
  h = fmix32((h ^ (key.event >>> 0)) >>> 0);
  return new SeededRng(h).next() < policy.crashRate;
}

/**
 * Where a restarted incarnation resumes chaos: messages up to `doneSeq` finished before (a replay
 * of them never crashes again), and in message `seq` the events below `fromEvent` already crashed
 * once. Sent by the host with every `init`.
 */
export const ChaosResumeSchema = z.object({
  doneSeq: z.number().int().nonnegative(),
  seq: z.number().int().nonnegative(),
  fromEvent: z.number().int().nonnegative(),
});
/** A parsed chaos resume point. */
export type ChaosResume = z.infer<typeof ChaosResumeSchema>;

/** The resume point of a fresh actor: nothing finished, nothing crashed. */
export const NO_CHAOS_RESUME: ChaosResume = Object.freeze({ doneSeq: 0, seq: 0, fromEvent: 0 });

/** Whether an event may still crash under `resume` (it has not finished or crashed before). */
export function chaosMayCrash(resume: ChaosResume, seq: number, event: number): boolean {
  if (seq <= resume.doneSeq) return false;
  return seq !== resume.seq || event >= resume.fromEvent;
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}
