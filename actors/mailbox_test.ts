import assert from "node:assert/strict";
import { Mailbox } from "./mailbox.ts";

/** Whether `promise` has settled after the current microtasks ran. */
async function settled(promise: Promise<void>): Promise<boolean> {
  let done = false;
  promise.then(() => done = true);
  await Promise.resolve();
  await Promise.resolve();
  return done;
}

Deno.test("Mailbox with backpressure makes the producer wait until a slot frees up", async () => {
  const mailbox = new Mailbox<string>(2);
  assert.equal(await settled(mailbox.put("a")), true);
  assert.equal(await settled(mailbox.put("b")), true);
  const third = mailbox.put("c");
  assert.equal(await settled(third), false);
  assert.equal(mailbox.length, 2);
  assert.equal(mailbox.waiting, 1);
  assert.equal(mailbox.shift(), "a");
  assert.equal(await settled(third), true);
  assert.deepEqual([mailbox.shift(), mailbox.shift(), mailbox.shift()], ["b", "c", undefined]);
  assert.equal(mailbox.dropped, 0);
});

Deno.test("Mailbox with backpressure lets waiting producers in in the order they came", async () => {
  const mailbox = new Mailbox<number>(1);
  await mailbox.put(0);
  const order: number[] = [];
  const waits = [1, 2, 3].map((n) => mailbox.put(n).then(() => order.push(n)));
  const taken: Array<number | undefined> = [];
  for (let i = 0; i < 4; i++) {
    taken.push(mailbox.shift());
    await Promise.resolve();
  }
  await Promise.all(waits);
  assert.deepEqual(taken, [0, 1, 2, 3]);
  assert.deepEqual(order, [1, 2, 3]);
});

Deno.test("Mailbox with drop_oldest drops the oldest item, counts it and never waits", async () => {
  const dropped: number[] = [];
  const mailbox = new Mailbox<number>(2, {
    overflow: "drop_oldest",
    onDrop: (n) => dropped.push(n),
  });
  for (let n = 1; n <= 5; n++) assert.equal(await settled(mailbox.put(n)), true);
  assert.equal(mailbox.dropped, 3);
  assert.deepEqual(dropped, [1, 2, 3]);
  assert.deepEqual([mailbox.shift(), mailbox.shift(), mailbox.shift()], [4, 5, undefined]);
});

Deno.test("Mailbox keeps FIFO order across many puts and shifts", () => {
  const mailbox = new Mailbox<number>(5000, { overflow: "drop_oldest" });
  const out: number[] = [];
  for (let n = 0; n < 10_000; n++) {
    mailbox.put(n);
    if (n % 3 === 0) out.push(mailbox.shift()!);
  }
  while (mailbox.length > 0) out.push(mailbox.shift()!);
  assert.equal(out.length + mailbox.dropped, 10_000);
  for (let i = 1; i < out.length; i++) assert.ok(out[i] > out[i - 1]);
});

Deno.test("Mailbox throws a RangeError for a capacity below 1", () => {
  assert.throws(() => new Mailbox(0), RangeError);
});
