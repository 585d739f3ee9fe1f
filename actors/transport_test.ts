import assert from "node:assert/strict";
import { inProcessTransportPair, type TransportFailure } from "./transport.ts";

function receiver() {
  const got: unknown[] = [];
  const failures: TransportFailure[] = [];
  let wake = () => {};
  return {
    got,
    failures,
    onMessage: (message: unknown) => {
      got.push(message);
      wake();
    },
    onFailure: (failure: TransportFailure) => {
      failures.push(failure);
      wake();
    },
    until: (done: () => boolean) =>
      new Promise<void>((resolve) => {
        if (done()) return resolve();
        wake = () => done() && resolve();
      }),
  };
}

Deno.test("inProcessTransportPair() structured-clones messages and moves transferred buffers", async () => {
  const [a, b] = inProcessTransportPair();
  const rx = receiver();
  b.onMessage(rx.onMessage);
  const sent = { k: "tell", nested: { n: 1 }, price: new Float64Array([1.5, 2.5]) };
  a.post(sent, [sent.price.buffer as ArrayBuffer]);
  assert.equal(sent.price.byteLength, 0, "the sender's buffer is detached");
  await rx.until(() => rx.got.length === 1);
  const received = rx.got[0] as typeof sent;
  assert.notEqual(received, sent);
  assert.deepEqual(received.nested, { n: 1 });
  assert.deepEqual([...received.price], [1.5, 2.5]);
  a.close();
  b.close();
});

Deno.test("inProcessTransportPair() delivers what one end posted before closing, then reports closed", async () => {
  const [a, b] = inProcessTransportPair();
  const rx = receiver();
  b.onMessage(rx.onMessage);
  b.onFailure(rx.onFailure);
  a.post(1);
  a.post(2);
  a.close();
  a.post(3); // ignored: a is closed
  await rx.until(() => rx.failures.length === 1);
  assert.deepEqual(rx.got, [1, 2]);
  assert.deepEqual(rx.failures, [{
    reason: "closed",
    message: "the other end closed the channel",
  }]);
});
