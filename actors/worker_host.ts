import type { AnyActorDefinition } from "./actor_definition.ts";
import { type ActorOptions, ActorRef } from "./actor_ref.ts";
import { workerTransport } from "./transport.ts";

const WORKER_ENTRY = new URL("./actor_worker.ts", import.meta.url).href;

/**
 * An actor that runs in its own Web Worker, not started yet: hand it to a supervisor with
 * `actorChild(ref)`, or call `ref.start()`. Every (re)start spawns a fresh Worker running
 * `actor_worker.ts`, which imports `definition.url` and serves the definition. Heartbeats are on
 * by default (1000 ms, 3 misses), which is how a handler stuck in a loop is found.
 */
export function workerActor<D extends AnyActorDefinition>(
  definition: D,
  options: ActorOptions<D>,
): ActorRef<D> {
  return new ActorRef(
    definition,
    (id) => workerTransport(new Worker(WORKER_ENTRY, { type: "module", name: id })),
    { ...options, heartbeatMs: options.heartbeatMs ?? 1000 },
  );
}

/** `workerActor` then `start()`: an unsupervised Worker actor, ready to receive. */
export async function spawnWorkerActor<D extends AnyActorDefinition>(
  definition: D,
  options: ActorOptions<D>,
): Promise<ActorRef<D>> {
  const ref = workerActor(definition, options);
  await ref.start();
  return ref;
}
