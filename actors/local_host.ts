import type { AnyActorDefinition } from "./actor_definition.ts";
import { type ActorOptions, ActorRef } from "./actor_ref.ts";
import { inProcessTransportPair } from "./transport.ts";
import { serveActor } from "./_actor_runner.ts";

/**
 * An actor that runs in this thread, not started yet: the very same definition, runner and
 * envelopes as in a Worker, over an in-process transport that structured-clones every message,
 * so tests see Worker semantics without paying for Workers. It cannot survive a handler stuck in
 * a synchronous loop (that blocks the whole thread), so heartbeats are off by default.
 */
export function localActor<D extends AnyActorDefinition>(
  definition: D,
  options: ActorOptions<D>,
): ActorRef<D> {
  return new ActorRef(
    definition,
    () => {
      const [host, actor] = inProcessTransportPair();
      serveActor(actor, (url, name) => {
        if (url !== definition.url || name !== definition.name) {
          return Promise.reject(
            new TypeError(
              `Cannot load actor ${name} from ${url}: this host serves ${definition.name}`,
            ),
          );
        }
        return Promise.resolve(definition);
      });
      return host;
    },
    { ...options, heartbeatMs: options.heartbeatMs ?? 0 },
  );
}

/** `localActor` then `start()`: an unsupervised in-process actor, ready to receive. */
export async function spawnLocalActor<D extends AnyActorDefinition>(
  definition: D,
  options: ActorOptions<D>,
): Promise<ActorRef<D>> {
  const ref = localActor(definition, options);
  await ref.start();
  return ref;
}
