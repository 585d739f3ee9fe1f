import { z } from "zod";
import { ChaosPolicySchema, ChaosResumeSchema } from "../supervisors/chaos_policy.ts";

/**
 * The envelopes that cross the transport between a host (the `ActorRef` side) and the runner
 * that serves an actor (inside a Worker, or in-process). Each side validates what it receives
 * once, with these schemas; the actor's own message inside `m` is then validated once by the
 * actor's inbox schema. Field `k` (kind) discriminates, so that an actor message's own `type`
 * never collides with it.
 *
 * Sequence numbers: the host numbers every message it delivers to an actor 1, 2, 3, …; the
 * numbering continues across restarts, so a `seq` names one message for the actor's lifetime.
 */
const Seq = z.number().int().positive();

/** Starts the actor: which definition to load, its config, where to resume from. */
export const InitEnvelope = z.object({
  k: z.literal("init"),
  id: z.string().min(1),
  url: z.string().min(1),
  name: z.string().min(1),
  attempt: z.number().int().nonnegative(),
  config: z.unknown(),
  snapshot: z.object({ seq: z.number().int().nonnegative(), at: z.number(), state: z.unknown() })
    .nullable(),
  chaos: ChaosPolicySchema.nullable(),
  /** Where chaos resumes after earlier incarnations crashed (see `ChaosResume`). */
  chaosResume: ChaosResumeSchema,
  snapshotEvery: z.number().int().nonnegative(),
  clock: z.enum(["wall", "event"]),
});
/** A parsed `init` envelope. */
export type InitEnvelope = z.infer<typeof InitEnvelope>;

/** Everything a host sends to an actor. */
export const HostEnvelope = z.discriminatedUnion("k", [
  InitEnvelope,
  /** A message without a reply. Batches are tells whose typed arrays were transferred. */
  z.object({ k: z.literal("tell"), seq: Seq, m: z.unknown() }),
  /** A message whose handler's return value is the reply. */
  z.object({ k: z.literal("ask"), seq: Seq, m: z.unknown() }),
  /**
   * Sent to a spare Worker before it is needed: import the definition now, so that a restart
   * only has to send `init` (see `workerActor`'s `warmSpare`). Unanswered; a failure to load
   * shows at `init`.
   */
  z.object({ k: z.literal("preload"), url: z.string().min(1), name: z.string().min(1) }),
  /** Heartbeat; answered with `pong` between two messages. */
  z.object({ k: z.literal("ping"), n: z.number().int() }),
  /** Stop after the messages already sent: final snapshot, then `stopped`. */
  z.object({ k: z.literal("stop") }),
]);
/** A parsed host envelope. */
export type HostEnvelope = z.infer<typeof HostEnvelope>;

/** Everything an actor sends to its host. */
export const ActorEnvelope = z.discriminatedUnion("k", [
  /** Initialised; `seq` is the last message applied (the snapshot's, 0 when fresh). */
  z.object({ k: z.literal("ready"), seq: z.number().int().nonnegative() }),
  /**
   * Message `seq` is finished: its outputs in emit order, its reply (asks), the handler time in
   * ms, or `dead` with the reason it was dead-lettered instead. Doubles as the acknowledgement.
   */
  z.object({
    k: z.literal("done"),
    seq: Seq,
    ms: z.number().nonnegative(),
    out: z.array(z.unknown()),
    reply: z.unknown().optional(),
    dead: z.string().optional(),
  }),
  /** The state after message `seq`; `at` is the actor clock then (restored with it). */
  z.object({
    k: z.literal("snapshot"),
    seq: z.number().int().nonnegative(),
    at: z.number(),
    state: z.unknown(),
  }),
  z.object({ k: z.literal("pong"), n: z.number().int() }),
  /**
   * The actor crashed: `exception` from a handler (message `seq`, 0 when none), `error` for an
   * uncaught error elsewhere or a failed start. `chaos` marks an injected crash.
   */
  z.object({
    k: z.literal("crashed"),
    reason: z.enum(["exception", "error"]),
    message: z.string(),
    seq: z.number().int().nonnegative(),
    chaos: z.boolean(),
    /** For an injected crash: the event of message `seq` it crashed at. */
    event: z.number().int().nonnegative().optional(),
  }),
  /** Stopped normally (asked to, or `ctx.stop()`), after message `seq`. */
  z.object({ k: z.literal("stopped"), seq: z.number().int().nonnegative() }),
  /** The actor's side closed itself without being asked (e.g. `self.close()` in the Worker). */
  z.object({ k: z.literal("closed") }),
  /** An envelope from the host that the actor could not read at all. */
  z.object({ k: z.literal("dead_letter"), reason: z.string() }),
]);
/** A parsed actor envelope. */
export type ActorEnvelope = z.infer<typeof ActorEnvelope>;
