import type { ActorStartContext } from "../actors/actor_ref.ts";
import type { Child, ChildSpec, RestartType } from "./child.ts";

/** Anything startable as a supervised actor: an `ActorRef` from `workerActor`/`localActor`. */
export interface StartableActor {
  readonly id: string;
  start(ctx?: ActorStartContext): Promise<Child>;
}

/**
 * The child spec of an actor: its id is the ref's id and every (re)start starts a new incarnation
 * of the same ref, which resumes from the ref's last snapshot and replays what came after, so
 * callers keep using the one `ActorRef` across restarts. The supervisor's chaos policy is passed
 * on to the actor.
 */
export function actorChild(
  ref: StartableActor,
  options: { restart?: RestartType; shutdownMs?: number } = {},
): ChildSpec {
  return {
    id: ref.id,
    restart: options.restart,
    shutdownMs: options.shutdownMs,
    start: (ctx) => ref.start({ chaos: ctx.chaos }),
  };
}
