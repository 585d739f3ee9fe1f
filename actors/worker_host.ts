import type { AnyActorDefinition } from "./actor_definition.ts";
import { type ActorOptions, ActorRef } from "./actor_ref.ts";
import { workerTransport } from "./transport.ts";

const WORKER_ENTRY = new URL("./actor_worker.ts", import.meta.url).href;

/** Options of a Worker actor: the actor's options plus how its Workers are started. */
export interface WorkerActorOptions<D extends AnyActorDefinition> extends ActorOptions<D> {
  /**
   * Keep one spare Worker that has already imported the definition, so that a restart costs an
   * `init` instead of a Worker start and a module load (about 140 ms for a symbol actor, most of
   * it loading modules). Worth it when restarts are frequent (chaos runs); costs one idle Worker.
   * @default {false}
   */
  warmSpare?: boolean;
}

/**
 * An actor that runs in its own Web Worker, not started yet: hand it to a supervisor with
 * `actorChild(ref)`, or call `ref.start()`. Every (re)start runs a fresh Worker (`actor_worker.ts`,
 * which imports `definition.url` and serves the definition): a new one, or with `warmSpare` the
 * one prepared after the previous start. Heartbeats are on by default (1000 ms, 3 misses), which
 * is how a handler stuck in a loop is found.
 */
export function workerActor<D extends AnyActorDefinition>(
  definition: D,
  options: WorkerActorOptions<D>,
): ActorRef<D> {
  const { warmSpare = false, ...actorOptions } = options;
  const spawn = (id: string) => new Worker(WORKER_ENTRY, { type: "module", name: id });
  let spare: Worker | null = null;
  const launch = Object.assign(
    (id: string) => {
      const worker = spare ?? spawn(id);
      spare = null;
      if (warmSpare) {
        spare = spawn(id);
        spare.postMessage({ k: "preload", url: definition.url, name: definition.name });
      }
      return workerTransport(worker);
    },
    {
      dispose: () => {
        spare?.terminate();
        spare = null;
      },
    },
  );
  return new ActorRef(definition, launch, {
    ...actorOptions,
    heartbeatMs: actorOptions.heartbeatMs ?? 1000,
  });
}

/** `workerActor` then `start()`: an unsupervised Worker actor, ready to receive. */
export async function spawnWorkerActor<D extends AnyActorDefinition>(
  definition: D,
  options: WorkerActorOptions<D>,
): Promise<ActorRef<D>> {
  const ref = workerActor(definition, options);
  await ref.start();
  return ref;
}
