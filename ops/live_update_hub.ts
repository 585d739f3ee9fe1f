import { ReasonCode } from "../models/reason_code.ts";
import type { LiveHello, LiveUpdate, LiveUpdateType } from "./live_update.ts";

/** The part of a `WebSocket` the hub uses (a server socket from `Deno.upgradeWebSocket`). */
export interface LiveSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "open" | "close" | "error", listener: () => void): void;
}

/** Options of {@link LiveUpdateHub}. */
export interface LiveUpdateHubOptions {
  /** Updates of each type kept for clients that connect later. @default {500} */
  backlogPerType?: number;
  /**
   * A client with more unsent bytes than this misses updates (each one counted in
   * `droppedCount`) until it has caught up. @default {1048576}
   */
  maxBufferedBytes?: number;
}

interface Entry {
  seq: number;
  text: string;
}

/** A fixed-capacity ring of the latest entries of one update type. */
class Ring {
  readonly #items: Entry[] = [];
  readonly #capacity: number;
  #next = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  push(entry: Entry): void {
    if (this.#capacity === 0) return;
    if (this.#items.length < this.#capacity) this.#items.push(entry);
    else this.#items[this.#next] = entry;
    this.#next = (this.#next + 1) % this.#capacity;
  }

  get items(): readonly Entry[] {
    return this.#items;
  }
}

const OPEN = 1;

/**
 * Fans live updates out to every `/ws` client as JSON text. `publish` serialises an update once
 * and never waits: a client whose socket has more than `maxBufferedBytes` unsent misses the
 * update (counted in `droppedCount`), so a slow page cannot slow the trading path. The hub keeps
 * the last `backlogPerType` updates of each type, and a new client gets a {@link LiveHello}
 * followed by that backlog in publish order, so a page opened mid-run shows data at once.
 */
export class LiveUpdateHub {
  readonly #clients = new Set<LiveSocket>();
  readonly #backlog = new Map<LiveUpdateType, Ring>();
  readonly #backlogPerType: number;
  readonly #maxBuffered: number;
  readonly #guardTotals: Record<ReasonCode, number>;
  #seq = 0;
  #dropped = 0;

  /** An empty hub. */
  constructor(options: LiveUpdateHubOptions = {}) {
    const backlog = options.backlogPerType ?? 500;
    if (!Number.isInteger(backlog) || backlog < 0) {
      throw new RangeError(`Cannot create a LiveUpdateHub: backlogPerType is ${backlog}`);
    }
    this.#backlogPerType = backlog;
    this.#maxBuffered = options.maxBufferedBytes ?? 1 << 20;
    this.#guardTotals = Object.fromEntries(
      Object.values(ReasonCode).map((code) => [code, 0]),
    ) as Record<ReasonCode, number>;
  }

  /** Clients that have received their greeting and get live updates. */
  get clientCount(): number {
    return this.#clients.size;
  }

  /** Updates not sent to some client because it was too slow, summed over clients. */
  get droppedCount(): number {
    return this.#dropped;
  }

  /** Guard blocks by reason since the hub was created (a copy). */
  get guardTotals(): Record<ReasonCode, number> {
    return { ...this.#guardTotals };
  }

  /** Sends `update` to every connected client and keeps it in the backlog. */
  publish(update: LiveUpdate): void {
    const entry = { seq: this.#seq++, text: JSON.stringify(update) };
    let ring = this.#backlog.get(update.type);
    if (ring === undefined) {
      ring = new Ring(this.#backlogPerType);
      this.#backlog.set(update.type, ring);
    }
    ring.push(entry);
    if (update.type === "guard" && update.action === "block") {
      for (const reason of update.reasons) this.#guardTotals[reason]++;
    }
    for (const socket of this.#clients) this.#send(socket, entry.text);
  }

  /**
   * Adds a client: once its socket is open it receives a {@link LiveHello} (built from `run`
   * and the hub's totals), then the backlog, then every update published after that. The client
   * is forgotten when its socket closes or fails.
   */
  attach(
    socket: LiveSocket,
    run: { mode: LiveHello["mode"]; runId: string; symbols: readonly string[] },
  ): void {
    const greet = () => {
      if (socket.readyState !== OPEN || this.#clients.has(socket)) return;
      const backlog = this.#backlogEntries();
      const hello: LiveHello = {
        type: "hello",
        mode: run.mode,
        runId: run.runId,
        symbols: [...run.symbols],
        guardTotals: this.guardTotals,
        backlog: backlog.length,
      };
      socket.send(JSON.stringify(hello));
      for (const entry of backlog) socket.send(entry.text);
      this.#clients.add(socket);
    };
    const forget = () => {
      this.#clients.delete(socket);
    };
    socket.addEventListener("open", greet);
    socket.addEventListener("close", forget);
    socket.addEventListener("error", forget);
    if (socket.readyState === OPEN) greet();
  }

  /** Closes every client socket (code 1001, going away) and forgets them. */
  closeAll(): void {
    for (const socket of this.#clients) {
      try {
        socket.close(1001, "ops server stopping");
      } catch {
        // already closing
      }
    }
    this.#clients.clear();
  }

  #backlogEntries(): Entry[] {
    const all: Entry[] = [];
    for (const ring of this.#backlog.values()) all.push(...ring.items);
    return all.sort((a, b) => a.seq - b.seq);
  }

  #send(socket: LiveSocket, text: string): void {
    if (socket.readyState !== OPEN) {
      this.#clients.delete(socket);
      return;
    }
    if (socket.bufferedAmount > this.#maxBuffered) {
      this.#dropped++;
      return;
    }
    try {
      socket.send(text);
    } catch {
      this.#clients.delete(socket);
    }
  }
}
