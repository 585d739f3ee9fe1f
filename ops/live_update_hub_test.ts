import assert from "node:assert/strict";
import { LiveMessage, type LiveUpdate } from "./live_update.ts";
import { type LiveSocket, LiveUpdateHub } from "./live_update_hub.ts";

/** A socket stub that records what it was sent; `bufferedAmount` is set by the test. */
class StubSocket implements LiveSocket {
  readyState = 0;
  bufferedAmount = 0;
  sent: string[] = [];
  #listeners = new Map<string, Array<() => void>>();
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {
    this.emit("close", 3);
  }
  addEventListener(type: "open" | "close" | "error", listener: () => void): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }
  emit(type: "open" | "close" | "error", state: number): void {
    this.readyState = state;
    for (const listener of this.#listeners.get(type) ?? []) listener();
  }
  messages(): LiveMessage[] {
    return this.sent.map((text) => LiveMessage.parse(JSON.parse(text)));
  }
}

const RUN = { mode: "paper", runId: "r1", symbols: ["BTCUSDT"] } as const;

function equity(ts: number): LiveUpdate {
  return {
    type: "equity",
    ts,
    equity: 1000 + ts,
    cash: 1000,
    drawdown: 0,
    grossExposure: 0,
    netExposure: 0,
    positions: [],
  };
}

function drift(ts: number): LiveUpdate {
  return { type: "drift", ts, symbol: "BTCUSDT", klNats: 0.1, drift: false };
}

Deno.test("LiveUpdateHub greets a new client, then sends the backlog in publish order", () => {
  const hub = new LiveUpdateHub();
  hub.publish(equity(1));
  hub.publish(drift(2));
  hub.publish(equity(3));
  const socket = new StubSocket();
  hub.attach(socket, RUN);
  assert.equal(socket.sent.length, 0, "nothing is sent before the socket opens");
  socket.emit("open", 1);
  const got = socket.messages();
  assert.deepEqual(got.map((m) => [m.type, "ts" in m ? m.ts : null]), [
    ["hello", null],
    ["equity", 1],
    ["drift", 2],
    ["equity", 3],
  ]);
  assert.equal(got[0].type === "hello" && got[0].backlog, 3);
  hub.publish(drift(4));
  assert.deepEqual(JSON.parse(socket.sent[4]), drift(4));
  assert.equal(hub.clientCount, 1);
});

Deno.test("LiveUpdateHub keeps only the last backlogPerType updates of each type", () => {
  const hub = new LiveUpdateHub({ backlogPerType: 2 });
  for (let ts = 1; ts <= 5; ts++) hub.publish(equity(ts));
  hub.publish(drift(6));
  const socket = new StubSocket();
  socket.readyState = 1;
  hub.attach(socket, RUN);
  assert.deepEqual(socket.messages().slice(1).map((m) => "ts" in m ? m.ts : null), [4, 5, 6]);
});

Deno.test("LiveUpdateHub drops updates for a client over maxBufferedBytes and counts them", () => {
  const hub = new LiveUpdateHub({ maxBufferedBytes: 100 });
  const slow = new StubSocket();
  const fast = new StubSocket();
  for (const socket of [slow, fast]) {
    hub.attach(socket, RUN);
    socket.emit("open", 1);
  }
  slow.bufferedAmount = 101;
  hub.publish(equity(1));
  hub.publish(equity(2));
  slow.bufferedAmount = 100;
  hub.publish(equity(3));
  assert.equal(hub.droppedCount, 2);
  assert.deepEqual(slow.messages().slice(1).map((m) => "ts" in m ? m.ts : null), [3]);
  assert.deepEqual(fast.messages().slice(1).map((m) => "ts" in m ? m.ts : null), [1, 2, 3]);
});

Deno.test("LiveUpdateHub forgets a client whose socket closed or failed", () => {
  const hub = new LiveUpdateHub();
  const a = new StubSocket();
  const b = new StubSocket();
  hub.attach(a, RUN);
  hub.attach(b, RUN);
  a.emit("open", 1);
  b.emit("open", 1);
  assert.equal(hub.clientCount, 2);
  a.emit("close", 3);
  b.emit("error", 3);
  assert.equal(hub.clientCount, 0);
  hub.publish(equity(1));
  assert.equal(a.sent.length, 1);
});

Deno.test("LiveUpdateHub counts guard blocks by reason in the hello, not scales", () => {
  const hub = new LiveUpdateHub({ backlogPerType: 1 });
  const guard = (action: "block" | "scale", reasons: Array<"DD" | "KILL">): LiveUpdate => ({
    type: "guard",
    ts: 1,
    symbol: "BTCUSDT",
    action,
    reasons,
    detail: "",
  });
  hub.publish(guard("block", ["DD", "KILL"]));
  hub.publish(guard("block", ["KILL"]));
  hub.publish(guard("scale", ["DD"]));
  const socket = new StubSocket();
  socket.readyState = 1;
  hub.attach(socket, RUN);
  const hello = socket.messages()[0];
  assert.equal(hello.type, "hello");
  if (hello.type !== "hello") return;
  assert.equal(hello.guardTotals.KILL, 2);
  assert.equal(hello.guardTotals.DD, 1);
  assert.equal(hello.guardTotals.CONF, 0);
  assert.equal(hello.backlog, 1);
});

Deno.test("LiveUpdateHub.closeAll() closes every client with code 1001", () => {
  const hub = new LiveUpdateHub();
  const socket = new StubSocket();
  const codes: Array<number | undefined> = [];
  socket.close = (code?: number) => {
    codes.push(code);
  };
  hub.attach(socket, RUN);
  socket.emit("open", 1);
  hub.closeAll();
  assert.deepEqual(codes, [1001]);
  assert.equal(hub.clientCount, 0);
});

Deno.test("LiveUpdateHub refuses a negative backlog with a RangeError", () => {
  assert.throws(() => new LiveUpdateHub({ backlogPerType: -1 }), RangeError);
});
