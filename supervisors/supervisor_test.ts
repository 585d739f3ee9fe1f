import assert from "node:assert/strict";
import { ManualClock } from "../actors/clock.ts";
import { SeededRng } from "../models/seeded_rng.ts";
import { EventRecorder } from "../tests/fixtures/event_recorder.ts";
import { StubChildren } from "../tests/fixtures/stub_child.ts";
import { backoffDelay } from "./backoff_delay.ts";
import type { ChildSpec } from "./child.ts";
import { startSupervisor, supervisorChild } from "./supervisor.ts";
import type { SupervisorFlagsInput } from "./supervisor_flags.ts";

// Stub children, no Workers: these tests pin the supervisor's decisions and event sequences.
function setup(children: (stubs: StubChildren) => ChildSpec[], flags: SupervisorFlagsInput = {}) {
  const stubs = new StubChildren();
  const recorder = new EventRecorder();
  const clock = new ManualClock(1000);
  const start = () =>
    startSupervisor({
      name: "root",
      children: children(stubs),
      flags: { intensity: 3, periodMs: 1000, backoff: { baseMs: 0, jitter: 0 }, ...flags },
      clock,
      observer: recorder.observer,
    });
  return { stubs, recorder, clock, start };
}

const abc = (stubs: StubChildren) => ["a", "b", "c"].map((id) => stubs.spec(id));

Deno.test("Supervisor starts children in spec order and stops them in reverse order", async () => {
  const { stubs, recorder, start } = setup(abc);
  const sup = await start();
  assert.deepEqual(sup.runningChildren(), ["a", "b", "c"]);
  await sup.stop();
  assert.deepEqual(stubs.journal, [
    "start a#0",
    "start b#0",
    "start c#0",
    "stop c#0",
    "stop b#0",
    "stop a#0",
  ]);
  assert.deepEqual(recorder.lines(), [
    "child.started a",
    "child.started b",
    "child.started c",
    "supervisor.started",
    "child.stopped c",
    "child.stopped b",
    "child.stopped a",
    "supervisor.stopped",
  ]);
  assert.deepEqual(await sup.exited, { kind: "normal" });
  assert.ok(recorder.events.every((event) => event.ts === 1000 && event.supervisor === "root"));
});

Deno.test("Supervisor with one_for_one restarts only the crashed child", async () => {
  const { stubs, recorder, start } = setup(abc, { strategy: "one_for_one" });
  const sup = await start();
  stubs.crash("b");
  await recorder.waitFor("child.restarted", { child: "b" });
  assert.deepEqual(recorder.lines({ from: 4 }), [
    "child.crashed b exception",
    "child.restarting b 0ms",
    "child.restarted b",
  ]);
  assert.deepEqual(stubs.journal.slice(3), ["start b#1"]);
  await sup.stop();
});

Deno.test("Supervisor with one_for_all stops the others in reverse order, then restarts all in order", async () => {
  const { stubs, recorder, start } = setup(abc, { strategy: "one_for_all" });
  const sup = await start();
  stubs.crash("b");
  await recorder.waitFor("child.restarted", { child: "c" });
  assert.deepEqual(recorder.lines({ from: 4 }), [
    "child.crashed b exception",
    "child.stopped c",
    "child.stopped a",
    "child.restarting b 0ms",
    "child.restarted a",
    "child.restarted b",
    "child.restarted c",
  ]);
  assert.deepEqual(stubs.journal.slice(3), [
    "stop c#0",
    "stop a#0",
    "start a#1",
    "start b#1",
    "start c#1",
  ]);
  await sup.stop();
});

Deno.test("Supervisor with rest_for_one restarts the crashed child and those started after it", async () => {
  const { stubs, recorder, start } = setup(
    (s) => ["a", "b", "c", "d"].map((id) => s.spec(id)),
    { strategy: "rest_for_one" },
  );
  const sup = await start();
  stubs.crash("b");
  await recorder.waitFor("child.restarted", { child: "d" });
  assert.deepEqual(recorder.lines({ from: 5 }), [
    "child.crashed b exception",
    "child.stopped d",
    "child.stopped c",
    "child.restarting b 0ms",
    "child.restarted b",
    "child.restarted c",
    "child.restarted d",
  ]);
  assert.deepEqual(stubs.journal.slice(4), [
    "stop d#0",
    "stop c#0",
    "start b#1",
    "start c#1",
    "start d#1",
  ]);
  await sup.stop();
});

Deno.test("Supervisor restarts permanent children always, transient ones after a crash only, temporary never", async () => {
  const { stubs, recorder, start } = setup((s) => [
    s.spec("p"),
    s.spec("t1", { restart: "transient" }),
    s.spec("t2", { restart: "transient" }),
    s.spec("x", { restart: "temporary" }),
  ]);
  const sup = await start();
  stubs.exit("t1");
  stubs.crash("x");
  stubs.crash("t2");
  stubs.exit("p");
  // Failures are handled in the order they happened: once p is back, all four were decided.
  await recorder.waitFor("child.restarted", { child: "p" });
  assert.deepEqual(recorder.lines({ from: 5 }), [
    "child.exited t1",
    "child.crashed x exception",
    "child.crashed t2 exception",
    "child.exited p",
    "child.restarting t2 0ms",
    "child.restarted t2",
    "child.restarting p 0ms",
    "child.restarted p",
  ]);
  assert.deepEqual(sup.runningChildren(), ["p", "t2"]);
  await sup.stop();
  assert.deepEqual(recorder.lines().slice(-3), [
    "child.stopped t2",
    "child.stopped p",
    "supervisor.stopped",
  ]);
});

Deno.test("Supervisor past its restart intensity stops its children in reverse and escalates", async () => {
  const { stubs, recorder, start } = setup(abc, { intensity: 2 });
  const sup = await start();
  for (let n = 1; n <= 2; n++) {
    stubs.crash("a");
    await recorder.waitFor("child.restarted", { child: "a", count: n });
  }
  stubs.crash("a");
  const exit = await sup.exited;
  assert.deepEqual(recorder.lines({ from: 4 }), [
    "child.crashed a exception",
    "child.restarting a 0ms",
    "child.restarted a",
    "child.crashed a exception",
    "child.restarting a 0ms",
    "child.restarted a",
    "child.crashed a exception",
    "child.stopped c",
    "child.stopped b",
    "supervisor.escalated",
  ]);
  assert.equal(exit.kind, "crashed");
  assert.equal(exit.kind === "crashed" && exit.reason, "escalated");
  assert.deepEqual(sup.runningChildren(), []);
  await sup.stop(); // a no-op once failed
  assert.equal(recorder.lines().at(-1), "supervisor.escalated");
});

Deno.test("Supervisor does not escalate when restarts are further apart than periodMs", async () => {
  const { stubs, recorder, clock, start } = setup(abc, { intensity: 1, periodMs: 1000 });
  const sup = await start();
  for (let n = 1; n <= 5; n++) {
    clock.advance(1001);
    stubs.crash("a");
    await recorder.waitFor("child.restarted", { child: "a", count: n });
  }
  assert.equal(recorder.events.some((event) => event.type === "supervisor.escalated"), false);
  await sup.stop();
});

Deno.test("Supervisor escalation reaches the parent, which restarts the child supervisor by its own strategy", async () => {
  const { stubs, recorder, start } = setup((s) => [
    s.spec("feed"),
    supervisorChild("symbols", {
      children: [s.spec("btc"), s.spec("eth")],
      flags: { intensity: 1, periodMs: 1000, backoff: { baseMs: 0, jitter: 0 } },
    }),
    s.spec("risk"),
  ]);
  const sup = await start();
  stubs.crash("btc");
  await recorder.waitFor("child.restarted", { child: "btc" });
  stubs.crash("btc");
  await recorder.waitFor("child.restarted", { child: "symbols" });
  assert.deepEqual(recorder.lines({ withSupervisor: true }), [
    "root child.started feed",
    "root/symbols child.started btc",
    "root/symbols child.started eth",
    "root/symbols supervisor.started",
    "root child.started symbols",
    "root child.started risk",
    "root supervisor.started",
    "root/symbols child.crashed btc exception",
    "root/symbols child.restarting btc 0ms",
    "root/symbols child.restarted btc",
    "root/symbols child.crashed btc exception",
    "root/symbols child.stopped eth",
    "root/symbols supervisor.escalated",
    "root child.crashed symbols escalated",
    "root child.restarting symbols 0ms",
    "root/symbols child.started btc",
    "root/symbols child.started eth",
    "root/symbols supervisor.started",
    "root child.restarted symbols",
  ]);
  assert.deepEqual(stubs.journal.filter((line) => line.startsWith("start")), [
    "start feed#0",
    "start btc#0",
    "start eth#0",
    "start risk#0",
    "start btc#1",
    "start btc#2",
    "start eth#1",
  ]);
  await sup.stop();
  assert.deepEqual(recorder.lines({ withSupervisor: true }).slice(-7), [
    "root child.stopped risk",
    "root/symbols child.stopped eth",
    "root/symbols child.stopped btc",
    "root/symbols supervisor.stopped",
    "root child.stopped symbols",
    "root child.stopped feed",
    "root supervisor.stopped",
  ]);
});

Deno.test("startSupervisor() rejects when a child fails to start, after stopping the started ones", async () => {
  const { stubs, recorder, start } = setup(abc);
  stubs.failStarts("b");
  await assert.rejects(start(), /child b did not start/);
  assert.deepEqual(stubs.journal, ["start a#0", "fail b#0", "stop a#0"]);
  assert.deepEqual(recorder.lines(), [
    "child.started a",
    "child.crashed b start_failed",
    "child.stopped a",
    "supervisor.stopped",
  ]);
});

Deno.test("Supervisor counts a failed restart as a crash and escalates when it keeps failing", async () => {
  const { stubs, recorder, start } = setup((s) => [s.spec("a"), s.spec("b")], { intensity: 2 });
  const sup = await start();
  stubs.failStarts("a");
  stubs.crash("a");
  await sup.exited;
  assert.deepEqual(recorder.lines({ from: 3 }), [
    "child.crashed a exception",
    "child.restarting a 0ms",
    "child.crashed a start_failed",
    "child.restarting a 0ms",
    "child.crashed a start_failed",
    "child.stopped b",
    "supervisor.escalated",
  ]);
});

Deno.test("Supervisor waits exponentially growing, seeded-jitter delays between restarts of a child", async () => {
  const backoff = { baseMs: 4, maxMs: 50, factor: 2, jitter: 0.5 };
  const stubs = new StubChildren();
  const recorder = new EventRecorder();
  const sup = await startSupervisor({
    name: "root",
    children: [stubs.spec("a")],
    flags: { intensity: 10, periodMs: 60_000, backoff },
    clock: new ManualClock(0),
    observer: recorder.observer,
    seed: 99,
  });
  for (let n = 1; n <= 4; n++) {
    stubs.crash("a");
    await recorder.waitFor("child.restarted", { child: "a", count: n });
  }
  const rng = new SeededRng(99);
  const expected = [1, 2, 3, 4].map((attempt) => backoffDelay(attempt, backoff, rng));
  const restarting = recorder.events.flatMap((event) =>
    event.type === "child.restarting" ? [[event.attempt, event.delayMs]] : []
  );
  assert.deepEqual(restarting, expected.map((delay, i) => [i + 1, delay]));
  await sup.stop();
});

Deno.test("Supervisor stop() cancels a restart waiting for its backoff", async () => {
  const { stubs, recorder, start } = setup(abc, {
    backoff: { baseMs: 60_000, maxMs: 60_000, jitter: 0 },
  });
  const sup = await start();
  stubs.crash("a");
  await recorder.waitFor("child.restarting", { child: "a" });
  await sup.stop();
  assert.deepEqual(recorder.lines({ from: 4 }), [
    "child.crashed a exception",
    "child.restarting a 60000ms",
    "child.stopped c",
    "child.stopped b",
    "supervisor.stopped",
  ]);
  assert.equal(stubs.journal.includes("start a#1"), false);
});

Deno.test("Supervisor restarts a child that crashed while later siblings were starting, once all started", async () => {
  let release = () => {};
  const { stubs, recorder, start } = setup((s) => {
    const slow = s.spec("slow");
    return [s.spec("a"), {
      ...slow,
      start: async (ctx) => {
        await new Promise<void>((resolve) => release = resolve);
        return slow.start(ctx);
      },
    }];
  });
  const starting = start();
  await recorder.waitFor("child.started", { child: "a" });
  stubs.crash("a");
  await recorder.waitFor("child.crashed", { child: "a" });
  release();
  const sup = await starting;
  await recorder.waitFor("child.restarted", { child: "a" });
  assert.deepEqual(recorder.lines(), [
    "child.started a",
    "child.crashed a exception",
    "child.started slow",
    "supervisor.started",
    "child.restarting a 0ms",
    "child.restarted a",
  ]);
  await sup.stop();
});
