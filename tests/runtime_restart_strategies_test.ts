/**
 * Each restart strategy with real Workers, crashed three ways in turn — the Worker terminated
 * from outside, a handler that throws, a handler stuck in a loop — asserting the exact sequence
 * of lifecycle events each time, and that every actor's state survived (snapshot + replay).
 */
import assert from "node:assert/strict";
import { ManualClock } from "../actors/clock.ts";
import { workerActor } from "../actors/worker_host.ts";
import { actorChild } from "../supervisors/actor_child.ts";
import { startSupervisor } from "../supervisors/supervisor.ts";
import type { RestartStrategy } from "../supervisors/supervisor_flags.ts";
import { counterActor } from "./fixtures/counter_actor.ts";
import { EventRecorder } from "./fixtures/event_recorder.ts";

async function crashThreeWays(
  strategy: RestartStrategy,
  expected: (reason: string, delayMs: number) => string[],
) {
  const refs = ["a", "b", "c"].map((id) =>
    workerActor(counterActor, {
      id,
      config: { label: id },
      snapshotEvery: 2,
      heartbeatMs: 25,
      missedHeartbeats: 8,
    })
  );
  const [a, b, c] = refs;
  const recorder = new EventRecorder();
  const sup = await startSupervisor({
    name: "root",
    children: refs.map((ref) => actorChild(ref)),
    flags: {
      strategy,
      intensity: 5,
      periodMs: 60_000,
      backoff: { baseMs: 10, factor: 2, maxMs: 1000, jitter: 0 },
    },
    clock: new ManualClock(0),
    observer: recorder.observer,
  });
  assert.deepEqual(recorder.lines(), [
    "child.started a",
    "child.started b",
    "child.started c",
    "supervisor.started",
  ]);
  for (const [ref, n] of [[a, 100], [b, 1], [b, 2], [b, 3], [c, 1000]] as const) {
    await ref.tell({ type: "add", n });
  }
  await b.ask({ type: "get" });

  const lastRestarted = strategy === "one_for_one" ? "b" : "c";
  const crashes: Array<[string, () => Promise<void>]> = [
    ["terminated", () => Promise.resolve(b.kill())],
    ["exception", () => b.tell({ type: "boom", onAttempt: 1 })],
    ["hung", () => b.tell({ type: "hang", onAttempt: 2, ms: 1500 })],
  ];
  for (const [i, [reason, crash]] of crashes.entries()) {
    const from = recorder.events.length;
    await crash();
    await recorder.waitFor("child.restarted", { child: lastRestarted, count: i + 1 });
    assert.deepEqual(recorder.lines({ from }), expected(reason, 10 * 2 ** i), `crash by ${reason}`);
  }

  for (const [ref, count, sum] of [[a, 1, 100], [b, 3, 6], [c, 1, 1000]] as const) {
    const state = await ref.ask({ type: "get" });
    assert.deepEqual([state.count, state.sum], [count, sum], `state of ${ref.id}`);
  }
  const from = recorder.events.length;
  await sup.stop();
  assert.deepEqual(recorder.lines({ from }), [
    "child.stopped c",
    "child.stopped b",
    "child.stopped a",
    "supervisor.stopped",
  ]);
}

Deno.test("one_for_one with Workers restarts only the crashed actor, whether terminated, thrown or hung", async () => {
  await crashThreeWays("one_for_one", (reason, delayMs) => [
    `child.crashed b ${reason}`,
    `child.restarting b ${delayMs}ms`,
    "child.restarted b",
  ]);
});

Deno.test("one_for_all with Workers stops the others in reverse order and restarts all three in order", async () => {
  await crashThreeWays("one_for_all", (reason, delayMs) => [
    `child.crashed b ${reason}`,
    "child.stopped c",
    "child.stopped a",
    `child.restarting b ${delayMs}ms`,
    "child.restarted a",
    "child.restarted b",
    "child.restarted c",
  ]);
});

Deno.test("rest_for_one with Workers restarts the crashed actor and the ones started after it", async () => {
  await crashThreeWays("rest_for_one", (reason, delayMs) => [
    `child.crashed b ${reason}`,
    "child.stopped c",
    `child.restarting b ${delayMs}ms`,
    "child.restarted b",
    "child.restarted c",
  ]);
});
