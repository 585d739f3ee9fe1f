import assert from "node:assert/strict";
import { counterActor, type CounterOutbox } from "../tests/fixtures/counter_actor.ts";
import { AskTimeoutError } from "./ask_timeout_error.ts";
import { ManualClock } from "./clock.ts";
import { localActor, spawnLocalActor } from "./local_host.ts";

// The in-process host runs the same definition, runner and envelopes as a Worker, so these tests
// document the runtime's message-level behaviour without paying for Workers.

Deno.test("ActorRef.ask() resolves with the typed reply of the request", async () => {
  const ref = await spawnLocalActor(counterActor, { config: { label: "btc" } });
  await ref.tell({ type: "add", n: 2 });
  await ref.tell({ type: "add", n: 40 });
  const reply = await ref.ask({ type: "get" });
  assert.deepEqual(reply, { count: 2, sum: 42, hash: reply.hash, label: "btc" });
  assert.equal(ref.stats().processed, 3);
  await ref.stop();
});

Deno.test("ActorRef.tell() of an invalid message dead-letters it with its reason and the next message is processed", async () => {
  const ref = await spawnLocalActor(counterActor, {
    config: { label: "x" },
    clock: new ManualClock(5000),
  });
  await ref.tell({ type: "add", n: "seven" } as never);
  await ref.tell({ type: "launch" } as never);
  await ref.tell({ type: "add", n: 7 });
  assert.deepEqual(await ref.ask({ type: "get" }), {
    count: 1,
    sum: 7,
    hash: Math.imul(0x811c9dc5 ^ 7, 0x01000193) | 0,
    label: "x",
  });
  const [wrongField, unknownType] = ref.deadLetters();
  assert.deepEqual(wrongField, {
    ts: 5000,
    direction: "inbound",
    seq: 1,
    reason: "n: Invalid input: expected number, received string",
  });
  assert.deepEqual({ ...unknownType, reason: "" }, {
    ts: 5000,
    direction: "inbound",
    seq: 2,
    reason: "",
  });
  assert.match(unknownType.reason, /^type: Invalid discriminator value/);
  const stats = ref.stats();
  assert.equal(stats.deadLetters, 2);
  assert.equal(stats.processed, 4);
  assert.equal(ref.running, true, "an invalid message never crashes the actor");
  await ref.stop();
});

Deno.test("ActorRef.ask() without a reply in time rejects with AskTimeoutError and ends the incarnation as ask_timeout", async () => {
  const ref = localActor(counterActor, { config: { label: "x" } });
  const child = await ref.start();
  const error = await ref.ask({ type: "stall", onAttempt: 0 }, { timeoutMs: 30 }).then(
    () => assert.fail("a stalled ask must not resolve"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof AskTimeoutError);
  assert.deepEqual([error.actorId, error.messageType, error.timeoutMs], ["counter", "stall", 30]);
  assert.deepEqual(await child.exited, {
    kind: "crashed",
    reason: "ask_timeout",
    message: "no reply to stall within 30 ms",
  });
  assert.equal(ref.running, false);
});

Deno.test("ActorRef.ask() is answered by the next incarnation when the first one died with the request", async () => {
  const ref = localActor(counterActor, { config: { label: "x" } });
  const first = await ref.start();
  const answer = ref.ask({ type: "stall", onAttempt: 0 }, { timeoutMs: 10_000 });
  ref.kill();
  assert.equal((await first.exited).kind, "crashed");
  await ref.start(); // attempt 1 replays the request, which no longer stalls
  assert.deepEqual(await answer, { ok: true });
  await ref.stop();
});

Deno.test("ActorRef forwards outputs in emit order with the seq of the message that caused them", async () => {
  const outputs: Array<[number, CounterOutbox]> = [];
  const ref = await spawnLocalActor(counterActor, {
    config: { label: "x", emitEvery: 2 },
    onEmit: (message, seq) => outputs.push([seq, message]),
  });
  for (const n of [1, 2, 3, 4, 5]) await ref.tell({ type: "add", n });
  await ref.ask({ type: "get" });
  assert.deepEqual(outputs, [
    [2, { type: "sum.changed", count: 2, sum: 3 }],
    [4, { type: "sum.changed", count: 4, sum: 10 }],
  ]);
  await ref.stop();
});

Deno.test("ActorRef dead-letters an invalid output instead of forwarding it", async () => {
  const outputs: CounterOutbox[] = [];
  const ref = await spawnLocalActor(counterActor, {
    config: { label: "x" },
    onEmit: (message) => outputs.push(message),
    clock: new ManualClock(0),
  });
  await ref.tell({ type: "emit.invalid" });
  await ref.ask({ type: "get" });
  assert.deepEqual(outputs, []);
  assert.deepEqual(ref.deadLetters(), [
    {
      ts: 0,
      direction: "outbound",
      seq: 1,
      reason: "output: count: Invalid input: expected int, received number",
    },
  ]);
  await ref.stop();
});

Deno.test("ActorRef.tellBatch() delivers typed-array columns as one message and detaches the sender's buffers", async () => {
  const outputs: CounterOutbox[] = [];
  const ref = await spawnLocalActor(counterActor, {
    config: { label: "x" },
    onEmit: (message) => outputs.push(message),
  });
  const n = 256;
  const price = new Float64Array(n).map((_, i) => 100 + i);
  const qty = new Float64Array(n).fill(0.5);
  let notional = 0;
  for (let i = 0; i < n; i++) notional += price[i] * qty[i];
  await ref.tellBatch({ type: "market.batch", ts: 1, price, qty });
  assert.equal(price.byteLength, 0);
  assert.equal(qty.byteLength, 0);
  const state = await ref.ask({ type: "get" });
  assert.equal(state.sum, notional);
  assert.deepEqual(outputs, [{ type: "batch.summed", n, notional }]);
  assert.equal(ref.stats().processed, 2, "one message for the whole batch, plus the get");
  await ref.stop();
});

Deno.test("ActorRef resumes a restarted actor from its snapshot and replays later messages without repeating outputs", async () => {
  const outputs: number[] = [];
  const ref = localActor(counterActor, {
    config: { label: "x" },
    snapshotEvery: 3,
    onEmit: (_message, seq) => outputs.push(seq),
  });
  const first = await ref.start();
  for (let n = 1; n <= 7; n++) await ref.tell({ type: "add", n });
  await ref.ask({ type: "get" }); // seq 8: 1..7 are processed; snapshots were taken after 3 and 6
  ref.kill();
  await first.exited;
  await ref.tell({ type: "add", n: 8 }); // waits in the mailbox while the actor is down
  await ref.start();
  const state = await ref.ask({ type: "get" });
  assert.deepEqual([state.count, state.sum], [8, 36]);
  assert.deepEqual(outputs, [1, 2, 3, 4, 5, 6, 7, 9]);
  const stats = ref.stats();
  assert.deepEqual([stats.restarts, stats.replayed, stats.processed], [1, 2, 10]);
  await ref.stop();
});

Deno.test("ActorRef dead-letters a message that crashed the actor poisonAfter times and carries on", async () => {
  const ref = localActor(counterActor, {
    config: { label: "x" },
    poisonAfter: 2,
    clock: new ManualClock(0),
  });
  let child = await ref.start();
  await ref.tell({ type: "add", n: 1 });
  await ref.tell({ type: "poison" });
  await ref.tell({ type: "add", n: 2 });
  assert.equal((await child.exited).kind, "crashed");
  child = await ref.start(); // replays the poison: crashes again, and it is quarantined
  assert.equal((await child.exited).kind, "crashed");
  await ref.start();
  const state = await ref.ask({ type: "get" });
  assert.deepEqual([state.count, state.sum], [2, 3]);
  assert.deepEqual(ref.deadLetters(), [{
    ts: 0,
    direction: "inbound",
    seq: 2,
    reason:
      "poison: crashed actor counter 2 times: TypeError: poison: this message always crashes the counter",
  }]);
  await ref.stop();
});

Deno.test("ActorContext.stop() ends the incarnation normally", async () => {
  const ref = localActor(counterActor, { config: { label: "x" } });
  const child = await ref.start();
  await ref.tell({ type: "stop.requested" });
  assert.deepEqual(await child.exited, { kind: "normal" });
  assert.equal(ref.running, false);
});

Deno.test("ActorRef with actorClock event gives the actor the time of the messages it receives", async () => {
  const ref = await spawnLocalActor(counterActor, { config: { label: "x" }, actorClock: "event" });
  assert.deepEqual(await ref.ask({ type: "time", ts: 1_700_000_000_000 }), {
    now: 1_700_000_000_000,
  });
  assert.deepEqual(await ref.ask({ type: "time" }), { now: 1_700_000_000_000 });
  await ref.stop();
});

Deno.test("ActorRef.start() rejects a config that its schema refuses", async () => {
  const ref = localActor(counterActor, { config: { label: 5 } as never });
  await assert.rejects(ref.start(), /invalid config: label: Invalid input: expected string/);
  assert.equal(ref.running, false);
});

Deno.test("ActorRef with backpressure makes the producer wait while the actor is busy", async () => {
  const ref = localActor(counterActor, { config: { label: "x" }, capacity: 2, window: 1 });
  await ref.start();
  const stalled = ref.ask({ type: "stall", onAttempt: 0 }, { timeoutMs: 10_000 }); // in flight
  await ref.tell({ type: "add", n: 1 }); // waits in the mailbox
  await ref.tell({ type: "add", n: 2 }); // mailbox full now
  let third = false;
  const producer = ref.tell({ type: "add", n: 3 }).then(() => third = true);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(third, false, "the producer waits for room");
  assert.equal(ref.stats().mailboxDepth, 3);
  ref.kill(); // unblock: the next incarnation replays the stall, which then answers
  await ref.start();
  await producer;
  assert.deepEqual(await stalled, { ok: true });
  const state = await ref.ask({ type: "get" });
  assert.deepEqual([state.count, state.sum], [3, 6]);
  await ref.stop();
});

Deno.test("ActorRef with drop_oldest drops the oldest waiting messages and counts them", async () => {
  const ref = localActor(counterActor, {
    config: { label: "x" },
    capacity: 2,
    window: 1,
    overflow: "drop_oldest",
  });
  await ref.start();
  const stalled = ref.ask({ type: "stall", onAttempt: 0 }, { timeoutMs: 10_000 });
  for (let n = 1; n <= 5; n++) await ref.tell({ type: "add", n }); // never waits
  assert.equal(ref.stats().dropped, 3);
  ref.kill();
  await ref.start();
  await stalled;
  const state = await ref.ask({ type: "get" });
  assert.deepEqual([state.count, state.sum], [2, 9], "only the newest two (4 and 5) arrived");
  await ref.stop();
});

Deno.test("ActorRef dead-letters an output listener's error and still feeds the other listeners", async () => {
  const seen: number[] = [];
  const ref = await spawnLocalActor(counterActor, {
    config: { label: "x" },
    clock: new ManualClock(0),
    onEmit: () => {
      throw new RangeError("router is full");
    },
  });
  ref.subscribe((message) => message.type === "sum.changed" && seen.push(message.count));
  await ref.tell({ type: "add", n: 1 });
  await ref.ask({ type: "get" });
  assert.deepEqual(seen, [1]);
  assert.deepEqual(ref.deadLetters(), [{
    ts: 0,
    direction: "outbound",
    seq: 1,
    reason: "listener threw: RangeError: router is full",
  }]);
  await ref.stop();
});

Deno.test("ActorRef.ask() rejects with a TypeError for a message type without a reply schema", async () => {
  const ref = await spawnLocalActor(counterActor, { config: { label: "x" } });
  await assert.rejects(ref.ask({ type: "toString" } as never), TypeError);
  await assert.rejects(ref.ask({ type: "add", n: 1 } as never), TypeError);
  await ref.stop();
});

Deno.test("ActorRef.start() rejects a config that cannot cross the boundary", async () => {
  const ref = localActor(counterActor, {
    config: { label: "x", emitEvery: 1, f: () => 1 } as never,
  });
  await assert.rejects(ref.start(), /init not sendable/);
  assert.equal(ref.running, false);
});
