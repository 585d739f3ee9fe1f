import type { ActorBehavior, ActorContext, AnyActorDefinition } from "./actor_definition.ts";
import { type Clock, ManualClock, WallClock } from "./clock.ts";
import { HostEnvelope, type InitEnvelope } from "./envelope.ts";
import type { Transport } from "./transport.ts";
import { zodReason } from "./_zod_reason.ts";
import {
  chaosAppliesTo,
  chaosCrashesAt,
  chaosMayCrash,
  type ChaosResume,
  NO_CHAOS_RESUME,
} from "../supervisors/chaos_policy.ts";

/** Finds the definition named `name` exported by the module at `url`. */
export type DefinitionResolver = (url: string, name: string) => Promise<AnyActorDefinition>;

/** Hooks for the place that runs the actor (the Worker entry) to report what only it sees. */
export interface ActorRunner {
  /** An uncaught error outside a handler: reported as a crash with reason `error`. */
  fail(message: string): void;
  /** The actor side is closing itself without being asked: reported as `closed`. */
  closing(): void;
}

type Work = Extract<HostEnvelope, { k: "tell" | "ask" | "stop" }>;
type Delivery = Extract<HostEnvelope, { k: "tell" | "ask" }>;

/**
 * Serves one actor over `transport`, on the actor's side: waits for `init`, loads and builds the
 * definition, restores the snapshot, then handles messages one at a time in `seq` order. Every
 * envelope is validated once on receipt; an unreadable envelope is reported as `dead_letter`, an
 * invalid actor message is answered with `done` carrying `dead` (and the actor carries on). A
 * throwing handler ends this incarnation with `crashed`; the host terminates it. The same code
 * runs inside a Worker (`actor_worker.ts`) and in-process (`local_host.ts`).
 */
export function serveActor(transport: Transport, resolve: DefinitionResolver): ActorRunner {
  let phase: "waiting" | "starting" | "running" | "busy" | "ended" = "waiting";
  let def: AnyActorDefinition | null = null;
  let behavior: ActorBehavior<{ type: string }, unknown> | null = null;
  let actorId = "";
  let attempt = 0;
  let snapshotEvery = 0;
  let eventClock: ManualClock | null = null;
  let clock: Clock = new WallClock();
  let chaos: InitEnvelope["chaos"] = null;
  let chaosResume: ChaosResume = NO_CHAOS_RESUME;
  // Events marked in the message being handled, and the injected crash if one fired there (kept
  // even if the handler swallowed the throw: the crash happens all the same).
  let eventIndex = 0;
  let injectedAt = -1;
  let applied = 0;
  let lastSnapshotSeq = 0;
  let handlingSeq = 0;
  let outputs: unknown[] | null = null;
  let stopRequested = false;
  const queue: Work[] = [];

  const post = (message: unknown): boolean => {
    try {
      transport.post(message);
      return true;
    } catch (error) {
      // Only a value that cannot be structured-cloned lands here: the actor's bug.
      crash("exception", error, handlingSeq, false);
      return false;
    }
  };

  const crash = (
    reason: "exception" | "error",
    error: unknown,
    seq: number,
    chaos: boolean,
    event?: number,
  ) => {
    if (phase === "ended") return;
    phase = "ended";
    queue.length = 0;
    outputs = null;
    const envelope: Record<string, unknown> = {
      k: "crashed",
      reason,
      message: describe(error),
      seq,
      chaos,
    };
    if (event !== undefined) envelope.event = event;
    transport.post(envelope);
  };

  // Throws the injected crash when chaos picks event `event` of the message being handled.
  const chaosPoint = (event: number) => {
    if (
      injectedAt < 0 && chaosMayCrash(chaosResume, handlingSeq, event) &&
      chaosCrashesAt(chaos!, { actorId, seq: handlingSeq, event })
    ) {
      injectedAt = event;
      throw new Error(
        `Chaos crash injected into actor ${actorId}: seq=${handlingSeq}, event=${event}`,
      );
    }
  };

  const ctx: ActorContext<unknown> = {
    get id() {
      return actorId;
    },
    get attempt() {
      return attempt;
    },
    get clock() {
      return clock;
    },
    emit(message) {
      if (outputs === null) {
        throw new TypeError(
          `Cannot emit from actor ${actorId} outside handle(): no message is being handled`,
        );
      }
      outputs.push(message);
    },
    stop() {
      stopRequested = true;
      if (phase === "running" && outputs === null) queueMicrotask(() => finishIfStopRequested());
    },
    beginEvent() {
      if (chaos === null || outputs === null) return;
      chaosPoint(eventIndex++);
    },
  };

  // After the handler: a message that marked no event is one event (event 0). Returns false when
  // chaos crashed this message (the crash is already reported).
  const chaosAfter = (seq: number): boolean => {
    if (chaos === null) return true;
    if (injectedAt < 0 && eventIndex === 0) {
      try {
        chaosPoint(0);
      } catch {
        // reported below
      }
    }
    if (injectedAt < 0) return true;
    crash("exception", new Error(`Chaos crash injected`), seq, true, injectedAt);
    return false;
  };

  const takeSnapshot = (seq: number): boolean => {
    let state: unknown;
    try {
      state = behavior!.snapshot();
    } catch (error) {
      crash("exception", error, seq, false);
      return false;
    }
    lastSnapshotSeq = seq;
    return post({ k: "snapshot", seq, at: clock.now(), state });
  };

  const finishStop = () => {
    if (phase === "ended") return;
    if (snapshotEvery > 0 && applied > lastSnapshotSeq && !takeSnapshot(applied)) return;
    phase = "ended";
    queue.length = 0;
    transport.post({ k: "stopped", seq: applied });
    transport.close();
  };

  const finishIfStopRequested = () => {
    if (stopRequested && phase === "running") finishStop();
  };

  const complete = (work: Delivery, t0: number, out: unknown[], reply: unknown) => {
    applied = work.seq;
    const done: Record<string, unknown> = {
      k: "done",
      seq: work.seq,
      ms: performance.now() - t0,
      out,
    };
    if (work.k === "ask") done.reply = reply;
    if (!post(done)) return;
    if (snapshotEvery > 0 && work.seq - lastSnapshotSeq >= snapshotEvery) {
      if (!takeSnapshot(work.seq)) return;
    }
    if (stopRequested) finishStop();
  };

  // Handles one message; returns a promise when the handler is asynchronous.
  const process = (work: Delivery): Promise<void> | undefined => {
    const seq = work.seq;
    const t0 = performance.now();
    if (seq <= applied) {
      post({ k: "done", seq, ms: 0, out: [] }); // delivered twice: already in the state
      return undefined;
    }
    const parsed = def!.inbox.safeParse(work.m);
    if (!parsed.success) {
      applied = seq;
      post({ k: "done", seq, ms: performance.now() - t0, out: [], dead: zodReason(parsed.error) });
      return undefined;
    }
    const message = parsed.data;
    const out: unknown[] = [];
    outputs = out;
    handlingSeq = seq;
    eventIndex = 0;
    injectedAt = -1;
    let result: unknown;
    try {
      if (eventClock !== null) {
        const ts = (message as { ts?: unknown }).ts;
        if (typeof ts === "number" && ts > eventClock.now()) eventClock.set(ts);
      }
      result = behavior!.handle(message);
    } catch (error) {
      if (injectedAt >= 0) crash("exception", error, seq, true, injectedAt);
      else crash("exception", error, seq, false);
      return undefined;
    }
    if (isThenable(result)) {
      return Promise.resolve(result).then(
        (reply) => {
          if (phase === "ended" || !chaosAfter(seq)) return;
          outputs = null;
          complete(work, t0, out, reply);
        },
        (error) => {
          if (injectedAt >= 0) crash("exception", error, seq, true, injectedAt);
          else crash("exception", error, seq, false);
        },
      );
    }
    if (!chaosAfter(seq)) return undefined;
    outputs = null;
    complete(work, t0, out, result);
    return undefined;
  };

  const pump = () => {
    while (phase === "running" && queue.length > 0) {
      const work = queue.shift()!;
      if (work.k === "stop") return finishStop();
      const pending = process(work);
      if (pending !== undefined) {
        phase = "busy";
        pending.then(() => {
          if (phase !== "busy") return;
          phase = "running";
          pump();
        });
        return;
      }
    }
  };

  const start = async (init: InitEnvelope) => {
    phase = "starting";
    actorId = init.id;
    attempt = init.attempt;
    snapshotEvery = init.snapshotEvery;
    try {
      def = await resolve(init.url, init.name);
      const config = def.config.safeParse(init.config);
      if (!config.success) {
        throw new TypeError(
          `Cannot start actor ${actorId}: invalid config: ${zodReason(config.error)}`,
        );
      }
      if (init.clock === "event") clock = eventClock = new ManualClock(0);
      behavior = def.create(config.data, ctx) as ActorBehavior<{ type: string }, unknown>;
      if (init.snapshot !== null) {
        const state = def.snapshot.safeParse(init.snapshot.state);
        if (!state.success) {
          throw new TypeError(
            `Cannot restore actor ${actorId}: invalid snapshot: ${zodReason(state.error)}`,
          );
        }
        behavior.restore(state.data);
        applied = lastSnapshotSeq = init.snapshot.seq;
        if (eventClock !== null && init.snapshot.at > 0) eventClock.set(init.snapshot.at);
      }
      chaos = chaosAppliesTo(init.chaos, actorId) ? init.chaos : null;
      chaosResume = init.chaosResume;
    } catch (error) {
      crash("error", error, 0, false);
      return;
    }
    if (phase !== "starting") return;
    phase = "running";
    transport.post({ k: "ready", seq: applied });
    pump();
  };

  transport.onFailure(() => {
    phase = "ended";
    queue.length = 0;
  });

  transport.onMessage((raw) => {
    if (phase === "ended") return;
    const parsed = HostEnvelope.safeParse(raw);
    if (!parsed.success) {
      transport.post({ k: "dead_letter", reason: zodReason(parsed.error) });
      return;
    }
    const envelope = parsed.data;
    switch (envelope.k) {
      case "init":
        if (phase !== "waiting") {
          transport.post({ k: "dead_letter", reason: "init: already initialised" });
          return;
        }
        start(envelope);
        return;
      case "preload":
        // Warms the module cache; `start` resolves the same URL again, then without a load.
        if (phase === "waiting") resolve(envelope.url, envelope.name).catch(() => {});
        return;
      case "ping":
        transport.post({ k: "pong", n: envelope.n });
        return;
      case "tell":
      case "ask":
      case "stop":
        queue.push(envelope);
        pump();
        return;
      default:
        return assertNever(envelope);
    }
  });

  return {
    fail(message) {
      crash("error", message, phase === "busy" ? handlingSeq : 0, false);
    },
    closing() {
      if (phase === "ended") return;
      phase = "ended";
      queue.length = 0;
      transport.post({ k: "closed" });
    },
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null &&
    typeof (value as { then?: unknown }).then === "function";
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function assertNever(value: never): never {
  throw new TypeError(`Cannot handle an unknown envelope kind: ${JSON.stringify(value)}`);
}
