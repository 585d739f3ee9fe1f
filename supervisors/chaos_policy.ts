import { z } from "zod";
import { SeededRng } from "../models/seeded_rng.ts";

/**
 * Fault injection for resilience runs (`--chaos-crash-rate`): the actors named in `actors`
 * throw inside their handler on about `crashRate` of the messages they receive. Crossing into a
 * Worker with the actor's `init`, it is validated there like any other envelope field.
 */
export const ChaosPolicySchema = z.object({
  /** Seeds every decision; the same seed crashes the same messages. */
  seed: z.number().int(),
  /** Fraction of messages that crash, in [0, 1]. */
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
 * Whether the chaos policy crashes actor `actorId` on the message numbered `seq` during its
 * `attempt`-th incarnation (0 = first start). Pure and deterministic in (seed, actorId, seq,
 * attempt): the same run crashes at the same points, and because `attempt` is part of the key a
 * message replayed after a restart is decided afresh, so a replay does not crash at the same
 * message forever. The four keys are hashed (FNV-1a for the id, murmur3's fmix32 to mix) into the
 * seed of a `SeededRng`, whose first draw is compared with `crashRate`. Returns false for an actor
 * the policy does not name and always for `crashRate` 0.
 */
export function chaosShouldCrash(
  policy: ChaosPolicy,
  key: { actorId: string; seq: number; attempt: number },
): boolean {
  if (!chaosAppliesTo(policy, key.actorId)) return false;
  let h = fmix32((policy.seed ^ Math.trunc(policy.seed / 4294967296)) >>> 0);
  h = fmix32((h ^ fnv1a(key.actorId)) >>> 0);
  h = fmix32((h ^ (key.seq >>> 0)) >>> 0);
  h = fmix32((h ^ Math.trunc(key.seq / 4294967296)) >>> 0);
  h = fmix32((h ^ (key.attempt >>> 0)) >>> 0);
  return new SeededRng(h).next() < policy.crashRate;
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
