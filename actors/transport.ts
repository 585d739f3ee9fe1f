/**
 * The wire under the actors. The runtime only ever posts and receives plain structured-clone
 * data through this interface, so the same envelopes can travel over a Worker's `postMessage`,
 * an in-process `MessageChannel` (tests) or, later, NATS subjects (where `transfer` is a hint
 * that may be ignored because the bytes are copied onto the network anyway).
 */
export interface Transport {
  /**
   * Sends one message. `transfer` lists buffers whose ownership moves with the message: after
   * the call they are detached on this side. Posting on a closed transport does nothing.
   */
  post(message: unknown, transfer?: readonly ArrayBuffer[]): void;
  /** Sets the single receiver of incoming messages; the payload is `unknown` until validated. */
  onMessage(handler: (message: unknown) => void): void;
  /** Sets the single receiver of failures: the other side raised an error or went away. */
  onFailure(handler: (failure: TransportFailure) => void): void;
  /** Closes this end (and, for a Worker, terminates it). Idempotent. */
  close(): void;
}

/** Why a transport stopped carrying messages. */
export const TransportFailureReason = {
  /** The other side raised an uncaught error (a Worker's `error` event). */
  error: "error",
  /** The other side closed without saying goodbye. */
  closed: "closed",
} as const;
/** One of `TransportFailureReason`. */
export type TransportFailureReason =
  typeof TransportFailureReason[keyof typeof TransportFailureReason];

/** A failure reported by a transport. */
export interface TransportFailure {
  reason: TransportFailureReason;
  message: string;
}

/**
 * Anything with the `postMessage`/`onmessage`/`close` shape: a `MessagePort` or a Worker's global
 * scope seen from inside the Worker.
 */
export interface MessagePortLike {
  postMessage(message: unknown, options?: { transfer?: Transferable[] }): void;
  onmessage: ((event: MessageEvent) => void) | null;
  onmessageerror: ((event: MessageEvent) => void) | null;
  close(): void;
}

/**
 * The host side of a Worker as a transport. The Worker's `error` event is reported as a
 * failure and `preventDefault()`-ed, so a crashing Worker never takes the host down with it;
 * `close()` terminates the Worker.
 */
export function workerTransport(worker: Worker): Transport {
  let closed = false;
  let onMessage: (message: unknown) => void = () => {};
  let onFailure: (failure: TransportFailure) => void = () => {};
  worker.onmessage = (event: MessageEvent) => {
    if (!closed) onMessage(event.data);
  };
  // An undeserialisable payload arrives as null and is dead-lettered by the receiver.
  worker.onmessageerror = () => {
    if (!closed) onMessage(null);
  };
  worker.onerror = (event: ErrorEvent) => {
    event.preventDefault();
    if (!closed) onFailure({ reason: "error", message: event.message });
  };
  return {
    post(message, transfer) {
      if (closed) return;
      worker.postMessage(message, transfer === undefined ? undefined : { transfer: [...transfer] });
    },
    onMessage(handler) {
      onMessage = handler;
    },
    onFailure(handler) {
      onFailure = handler;
    },
    close() {
      if (closed) return;
      closed = true;
      worker.terminate();
    },
  };
}

/**
 * A transport over a `MessagePort`-like endpoint: the actor side inside a Worker (`self`), or
 * one end of a `MessageChannel`. It has no failure channel of its own: inside a Worker the host
 * is the one that notices failures.
 */
export function portTransport(port: MessagePortLike): Transport {
  let closed = false;
  let onMessage: (message: unknown) => void = () => {};
  port.onmessage = (event: MessageEvent) => {
    if (!closed) onMessage(event.data);
  };
  port.onmessageerror = () => {
    if (!closed) onMessage(null);
  };
  return {
    post(message, transfer) {
      if (closed) return;
      port.postMessage(message, transfer === undefined ? undefined : { transfer: [...transfer] });
    },
    onMessage(handler) {
      onMessage = handler;
    },
    onFailure() {
      // Nothing to report from this side: see the doc comment.
    },
    close() {
      if (closed) return;
      closed = true;
      port.onmessage = null;
      port.onmessageerror = null;
      port.close();
    },
  };
}

/**
 * Two connected in-process transports over a `MessageChannel`: messages are structured-cloned
 * (and `transfer` detaches buffers) exactly as across a Worker, and delivery is asynchronous.
 * Closing one end lets the messages it already posted arrive, then closes the other end and
 * reports `closed` to that end's failure handler, as a host notices a Worker that went away.
 */
export function inProcessTransportPair(): [Transport, Transport] {
  const channel = new MessageChannel();
  return [pairEnd(channel.port1), pairEnd(channel.port2)];
}

// Posted by a closing end after its last message; never seen above the transport.
const CLOSED_SENTINEL = "\u0000shoal.transport.closed";

function pairEnd(port: MessagePort): Transport {
  let closed = false;
  let onMessage: (message: unknown) => void = () => {};
  let onFailure: (failure: TransportFailure) => void = () => {};
  const shut = () => {
    closed = true;
    port.onmessage = null;
    port.onmessageerror = null;
    port.close();
  };
  port.onmessage = (event: MessageEvent) => {
    if (closed) return;
    if (event.data === CLOSED_SENTINEL) {
      shut();
      onFailure({ reason: "closed", message: "the other end closed the channel" });
      return;
    }
    onMessage(event.data);
  };
  port.onmessageerror = () => {
    if (!closed) onMessage(null);
  };
  return {
    post(message, transfer) {
      if (closed) return;
      port.postMessage(message, transfer === undefined ? undefined : { transfer: [...transfer] });
    },
    onMessage(handler) {
      onMessage = handler;
    },
    onFailure(handler) {
      onFailure = handler;
    },
    close() {
      if (closed) return;
      port.postMessage(CLOSED_SENTINEL);
      shut();
    },
  };
}
