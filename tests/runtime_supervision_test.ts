/**
 * The supervisor tree with real Workers: escalation past the restart intensity to the parent,
 * restart types, and ordered start / reverse-order shutdown across nested supervisors.
 */
import assert from "node:assert/strict";
import { ManualClock } from "../actors/clock.ts";
import { workerActor } from "../actors/worker_host.ts";
import { actorChild } from "../supervisors/actor_child.ts";
import { startSupervisor, supervisorChild } from "../supervisors/supervisor.ts";
import { counterActor } from "./fixtures/counter_actor.ts";
import { EventRecorder } from "./fixtures/event_recorder.ts";

const quick = { baseMs: 5, factor: 1, maxMs: 5, jitter: 0 };

function counter(id: string) {
  return workerActor(counterActor, {
    id,
    config: { label: id },
    snapshotEvery: 2,
    heartbeatMs: 25,
    missedHeartbeats: 8,
  });
}

Deno.test("a supervisor past its restart intensity fails to its parent, which restarts the subtree", async () => {
  const [feed, btc, eth, risk] = ["feed", "btc", "eth", "risk"].map(counter);
  const recorder = new EventRecorder();
  const root = await startSupervisor({
    name: "root",
    children: [
      actorChild(feed),
      supervisorChild("symbols", {
        children: [actorChild(btc), actorChild(eth)],
        flags: { strategy: "one_for_one", intensity: 1, periodMs: 60_000, backoff: quick },
      }),
      actorChild(risk),
    ],
    flags: { strategy: "one_for_one", intensity: 3, periodMs: 60_000, backoff: quick },
    clock: new ManualClock(0),
    observer: recorder.observer,
  });
  await btc.tell({ type: "add", n: 21 });
  await btc.tell({ type: "boom", onAttempt: 0 });
  await recorder.waitFor("child.restarted", { child: "btc" });
  await btc.tell({ type: "boom", onAttempt: 1 }); // a 2nd restart within the period: too many
  await recorder.waitFor("child.restarted", { child: "symbols" });
  assert.deepEqual(recorder.lines({ from: 7, withSupervisor: true }), [
    "root/symbols child.crashed btc exception",
    "root/symbols child.restarting btc 5ms",
    "root/symbols child.restarted btc",
    "root/symbols child.crashed btc exception",
    "root/symbols child.stopped eth",
    "root/symbols supervisor.escalated",
    "root child.crashed symbols escalated",
    "root child.restarting symbols 5ms",
    "root/symbols child.started btc",
    "root/symbols child.started eth",
    "root/symbols supervisor.started",
    "root child.restarted symbols",
  ]);
  const state = await btc.ask({ type: "get" });
  assert.deepEqual([state.count, state.sum], [1, 21], "btc kept its state through it all");
  assert.deepEqual(root.runningChildren(), ["feed", "symbols", "risk"]);
  await root.stop();
});

Deno.test("a root supervisor past its restart intensity stops everything and reports escalated", async () => {
  const [a, b] = ["a", "b"].map(counter);
  const recorder = new EventRecorder();
  const root = await startSupervisor({
    name: "root",
    children: [actorChild(a), actorChild(b)],
    flags: { intensity: 0, periodMs: 60_000, backoff: quick },
    clock: new ManualClock(0),
    observer: recorder.observer,
  });
  b.kill();
  const exit = await root.exited;
  assert.equal(exit.kind === "crashed" && exit.reason, "escalated");
  assert.deepEqual(recorder.lines({ from: 3 }), [
    "child.crashed b terminated",
    "child.stopped a",
    "supervisor.escalated",
  ]);
  assert.equal(a.running || b.running, false);
});

Deno.test("Worker actors restart by type: permanent always, transient after a crash only, temporary never", async () => {
  const [p, t1, t2, x] = ["p", "t1", "t2", "x"].map(counter);
  const recorder = new EventRecorder();
  const root = await startSupervisor({
    name: "root",
    children: [
      actorChild(p),
      actorChild(t1, { restart: "transient" }),
      actorChild(t2, { restart: "transient" }),
      actorChild(x, { restart: "temporary" }),
    ],
    flags: { intensity: 10, periodMs: 60_000, backoff: quick },
    clock: new ManualClock(0),
    observer: recorder.observer,
  });
  await t1.tell({ type: "stop.requested" });
  await recorder.waitFor("child.exited", { child: "t1" });
  await x.tell({ type: "boom", onAttempt: 0 });
  await recorder.waitFor("child.crashed", { child: "x" });
  await t2.tell({ type: "boom", onAttempt: 0 });
  await recorder.waitFor("child.restarted", { child: "t2" });
  await p.tell({ type: "stop.requested" });
  await recorder.waitFor("child.restarted", { child: "p" });
  assert.deepEqual(recorder.lines({ from: 5 }), [
    "child.exited t1",
    "child.crashed x exception",
    "child.crashed t2 exception",
    "child.restarting t2 5ms",
    "child.restarted t2",
    "child.exited p",
    "child.restarting p 5ms",
    "child.restarted p",
  ]);
  assert.deepEqual(root.runningChildren(), ["p", "t2"]);
  await root.stop();
});

Deno.test("a supervisor tree starts children in spec order and shuts down in reverse, depth first", async () => {
  const [feed, btc, eth, risk] = ["feed", "btc", "eth", "risk"].map(counter);
  const recorder = new EventRecorder();
  const root = await startSupervisor({
    name: "root",
    children: [
      actorChild(feed),
      supervisorChild("symbols", { children: [actorChild(btc), actorChild(eth)] }),
      actorChild(risk),
    ],
    clock: new ManualClock(0),
    observer: recorder.observer,
  });
  await root.stop();
  assert.deepEqual(recorder.lines({ withSupervisor: true }), [
    "root child.started feed",
    "root/symbols child.started btc",
    "root/symbols child.started eth",
    "root/symbols supervisor.started",
    "root child.started symbols",
    "root child.started risk",
    "root supervisor.started",
    "root child.stopped risk",
    "root/symbols child.stopped eth",
    "root/symbols child.stopped btc",
    "root/symbols supervisor.stopped",
    "root child.stopped symbols",
    "root child.stopped feed",
    "root supervisor.stopped",
  ]);
  assert.equal([feed, btc, eth, risk].some((ref) => ref.running), false);
});
