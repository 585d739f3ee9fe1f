/**
 * The exactness promise of the runtime: a deterministic actor in a Worker, crashed at random
 * points by the chaos policy (between messages and between the events of a batch) until it has
 * been restarted at least 100 times, ends in exactly the
 * state — and has emitted exactly the output sequence — of a clean run over the same messages.
 * Restarts resume from the last snapshot and replay the buffered messages; outputs of replayed
 * messages are not forwarded twice. Slow-ish by nature: about 100+ Worker starts.
 */
import assert from "node:assert/strict";
import type { ActorRef } from "../actors/actor_ref.ts";
import { ManualClock } from "../actors/clock.ts";
import { spawnWorkerActor, workerActor } from "../actors/worker_host.ts";
import { SeededRng } from "../models/seeded_rng.ts";
import { actorChild } from "../supervisors/actor_child.ts";
import { chaosCrashesAt } from "../supervisors/chaos_policy.ts";
import { startSupervisor } from "../supervisors/supervisor.ts";
import { counterActor, type CounterInbox, type CounterOutbox } from "./fixtures/counter_actor.ts";
import { EventRecorder } from "./fixtures/event_recorder.ts";

const CRASHES = 100;

/** The same message stream every time: mostly `add`, every 50th a 100-event batch. */
function* stream(): Generator<CounterInbox> {
  const rng = new SeededRng(5);
  for (let i = 1;; i++) {
    if (i % 50 === 0) {
      const price = Float64Array.from({ length: 100 }, () => 100 + rng.next());
      const qty = Float64Array.from({ length: 100 }, () => rng.nextInt(10));
      yield { type: "market.batch", ts: i, price, qty };
    } else {
      yield { type: "add", n: rng.nextInt(1000) - 500 };
    }
  }
}

/** Sends messages of `stream()` until `enough()` says so (checked every 100); returns how many. */
async function feed(
  ref: ActorRef<typeof counterActor>,
  enough: (sent: number) => boolean,
): Promise<number> {
  let sent = 0;
  for (const message of stream()) {
    if (sent % 100 === 0 && enough(sent)) return sent;
    if (message.type === "market.batch") await ref.tellBatch(message);
    else await ref.tell(message);
    sent++;
  }
  return sent;
}

Deno.test("a deterministic Worker actor crashed by chaos over 100 times ends exactly as a clean run", async () => {
  const policy = { seed: 2024, crashRate: 0.03, actors: ["chaotic"] };
  const common = {
    id: "chaotic",
    capacity: 32,
    config: { label: "chaotic", emitEvery: 7 },
    heartbeatMs: 50,
    missedHeartbeats: 10,
  };

  const outputs: Array<[number, CounterOutbox]> = [];
  const chaotic = workerActor(counterActor, {
    ...common,
    warmSpare: true, // restarts take a prepared Worker; the clean run below starts cold
    snapshotEvery: 10,
    window: 4,
    onEmit: (message, seq) => outputs.push([seq, message]),
  });
  const recorder = new EventRecorder();
  const sup = await startSupervisor({
    name: "root",
    children: [actorChild(chaotic)],
    flags: { intensity: 1_000_000, periodMs: 1000, backoff: { baseMs: 0, maxMs: 0, jitter: 0 } },
    clock: new ManualClock(0),
    observer: recorder.observer,
    chaos: policy,
  });
  // Keep feeding until the actor has been crashed at least CRASHES times.
  const sent = await feed(chaotic, () => chaotic.stats().restarts >= CRASHES);
  const state = await chaotic.ask({ type: "get" }, { timeoutMs: 60_000 });
  await sup.stop();

  const cleanOutputs: Array<[number, CounterOutbox]> = [];
  const clean = await spawnWorkerActor(counterActor, {
    ...common,
    onEmit: (message, seq) => cleanOutputs.push([seq, message]),
  });
  await feed(clean, (n) => n === sent);
  const cleanState = await clean.ask({ type: "get" }, { timeoutMs: 60_000 });
  await clean.stop();

  const crashes = recorder.events.filter((event) => event.type === "child.crashed");
  assert.ok(crashes.length >= CRASHES, `only ${crashes.length} crashes`);
  assert.ok(
    crashes.every((event) => event.type === "child.crashed" && event.reason === "exception"),
  );
  assert.equal(chaotic.stats().restarts, crashes.length);
  // Each chaos point (message, event) crashes exactly once: the restarts are fixed by the seed.
  let points = 0;
  for (let seq = 1; seq <= sent + 1; seq++) {
    const events = seq <= sent && seq % 50 === 0 ? 100 : 1;
    for (let event = 0; event < events; event++) {
      if (chaosCrashesAt(policy, { actorId: "chaotic", seq, event })) points++;
    }
  }
  assert.equal(crashes.length, points);
  assert.deepEqual(state, cleanState);
  assert.equal(outputs.length, cleanOutputs.length);
  assert.deepEqual(outputs, cleanOutputs);
  assert.equal(chaotic.stats().processed, sent + 1);
  assert.ok(chaotic.stats().replayed > 0);
});
