import assert from "node:assert/strict";
import { counterActor, type CounterOutbox } from "../tests/fixtures/counter_actor.ts";
import { AskTimeoutError } from "./ask_timeout_error.ts";
import { ManualClock } from "./clock.ts";
import { spawnWorkerActor, workerActor } from "./worker_host.ts";

// Real Workers: the same behaviours as in local_host_test.ts across a Worker boundary, and how
// each way a Worker can fail is detected. Heartbeats are short (25 ms) but tolerant (8 misses).
const fast = { heartbeatMs: 25, missedHeartbeats: 8 } as const;

Deno.test("ActorRef.ask() across a Worker resolves with the typed reply", async () => {
  const ref = await spawnWorkerActor(counterActor, { config: { label: "eth" }, ...fast });
  await ref.tell({ type: "add", n: 5 });
  const reply = await ref.ask({ type: "get" });
  assert.deepEqual(reply, {
    count: 1,
    sum: 5,
    hash: Math.imul(0x811c9dc5 ^ 5, 0x01000193) | 0,
    label: "eth",
  });
  await ref.stop();
});

Deno.test("ActorRef across a Worker dead-letters an invalid message and processes the next one", async () => {
  const ref = await spawnWorkerActor(counterActor, {
    config: { label: "x" },
    clock: new ManualClock(7),
    ...fast,
  });
  await ref.tell({ type: "add", n: 1.5 } as never);
  await ref.tell({ type: "add", n: 3 });
  const state = await ref.ask({ type: "get" });
  assert.deepEqual([state.count, state.sum], [1, 3]);
  assert.deepEqual(ref.deadLetters(), [{
    ts: 7,
    direction: "inbound",
    seq: 1,
    reason: "n: Invalid input: expected int, received number",
  }]);
  assert.equal(ref.stats().deadLetters, 1);
  await ref.stop();
});

Deno.test("ActorRef.tellBatch() across a Worker posts one message and transfers the columns", async () => {
  const outputs: Array<[number, CounterOutbox]> = [];
  const ref = await spawnWorkerActor(counterActor, {
    config: { label: "x" },
    onEmit: (message, seq) => outputs.push([seq, message]),
    ...fast,
  });
  const price = Float64Array.from({ length: 1000 }, (_, i) => 1 + i / 1000);
  const qty = new Float64Array(1000).fill(2);
  let notional = 0;
  for (let i = 0; i < 1000; i++) notional += price[i] * qty[i];
  const sent = ref.tellBatch({ type: "market.batch", ts: 1, price, qty });
  assert.deepEqual([price.byteLength, qty.byteLength], [0, 0], "detached as soon as posted");
  await sent;
  const state = await ref.ask({ type: "get" });
  assert.equal(state.sum, notional);
  assert.deepEqual(outputs, [[1, { type: "batch.summed", n: 1000, notional }]]);
  await ref.stop();
});

Deno.test("ActorRef across a Worker reports a handler that threw as crashed with reason exception", async () => {
  const ref = workerActor(counterActor, { config: { label: "x" }, ...fast });
  const child = await ref.start();
  await ref.tell({ type: "boom", onAttempt: 0 });
  assert.deepEqual(await child.exited, {
    kind: "crashed",
    reason: "exception",
    message: "RangeError: boom requested by the test",
  });
});

Deno.test("ActorRef across a Worker reports an uncaught error outside a handler as crashed with reason error", async () => {
  const ref = workerActor(counterActor, { config: { label: "x" }, ...fast });
  const child = await ref.start();
  await ref.tell({ type: "throw.later", onAttempt: 0 });
  const exit = await child.exited;
  assert.equal(exit.kind === "crashed" && exit.reason, "error");
});

Deno.test("ActorRef.kill() terminates the Worker and reports it as terminated", async () => {
  const ref = workerActor(counterActor, { config: { label: "x" }, ...fast });
  const child = await ref.start();
  ref.kill();
  assert.equal(ref.running, false);
  assert.deepEqual(await child.exited, {
    kind: "crashed",
    reason: "terminated",
    message: "actor counter was killed",
  });
});

Deno.test("ActorRef.start() throws a RangeError while an incarnation is running", async () => {
  const ref = await spawnWorkerActor(counterActor, { config: { label: "x" }, ...fast });
  await assert.rejects(ref.start(), RangeError);
  await ref.stop();
});

Deno.test("ActorRef across a Worker reports a Worker that closed itself as terminated", async () => {
  const ref = workerActor(counterActor, { config: { label: "x" }, ...fast });
  const child = await ref.start();
  await ref.tell({ type: "close.self", onAttempt: 0 });
  assert.deepEqual(await child.exited, {
    kind: "crashed",
    reason: "terminated",
    message: "actor counter closed its side",
  });
});

Deno.test("ActorRef across a Worker finds a handler stuck in a loop by its missed heartbeats", async () => {
  const ref = workerActor(counterActor, { config: { label: "x" }, ...fast });
  const child = await ref.start();
  await ref.tell({ type: "hang", onAttempt: 0, ms: 1500 });
  assert.deepEqual(await child.exited, {
    kind: "crashed",
    reason: "hung",
    message: "actor counter missed 8 heartbeats of 25 ms",
  });
});

Deno.test("ActorRef.ask() across a Worker rejects with AskTimeoutError and ends the Worker as ask_timeout", async () => {
  const ref = workerActor(counterActor, { config: { label: "x" }, ...fast });
  const child = await ref.start();
  await assert.rejects(
    ref.ask({ type: "stall", onAttempt: 0 }, { timeoutMs: 50 }),
    AskTimeoutError,
  );
  const exit = await child.exited;
  assert.equal(exit.kind === "crashed" && exit.reason, "ask_timeout");
});

Deno.test("ActorRef restarts a Worker actor from its snapshot and replays what came after, emitting nothing twice", async () => {
  const outputs: number[] = [];
  const ref = workerActor(counterActor, {
    config: { label: "x", emitEvery: 1 },
    snapshotEvery: 4,
    onEmit: (message) => message.type === "sum.changed" && outputs.push(message.count),
    ...fast,
  });
  let child = await ref.start();
  for (let n = 1; n <= 10; n++) await ref.tell({ type: "add", n });
  await ref.tell({ type: "boom", onAttempt: 0 });
  await child.exited;
  for (let n = 11; n <= 12; n++) await ref.tell({ type: "add", n }); // wait while it is down
  child = await ref.start();
  const state = await ref.ask({ type: "get" });
  assert.deepEqual([state.count, state.sum], [12, 78]);
  assert.deepEqual(outputs, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  assert.deepEqual([ref.stats().restarts, ref.stats().replayed], [1, 2]);
  await ref.stop();
  assert.deepEqual(await child.exited, { kind: "normal" });
});
