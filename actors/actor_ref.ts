import type {
  AnyActorDefinition,
  ConfigOf,
  InboxOf,
  OutboxOf,
  ReplyOf,
  RequestOf,
} from "./actor_definition.ts";
import type { ActorStats } from "./actor_stats.ts";
import { AskTimeoutError } from "./ask_timeout_error.ts";
import { type Clock, WallClock } from "./clock.ts";
import type { DeadLetter, DeadLetterDirection } from "./dead_letter.ts";
import { ActorEnvelope } from "./envelope.ts";
import { Mailbox, OverflowPolicy } from "./mailbox.ts";
import type { Transport } from "./transport.ts";
import { copyWithViews, transferListOf } from "./_transfer.ts";
import { zodReason } from "./_zod_reason.ts";
import type { ChaosPolicy } from "../supervisors/chaos_policy.ts";
import type { Child, ChildExit } from "../supervisors/child.ts";

/**
 * Starts one incarnation: a fresh transport whose other end serves the actor (Worker or local).
 * `dispose`, when present, releases what the launcher keeps between incarnations (a spare
 * Worker); the ref calls it when it is stopped.
 */
export type Launcher = ((id: string) => Transport) & { dispose?: () => void };

/** How an actor is run and delivered to; every field but `config` has a default. */
export interface ActorOptions<D extends AnyActorDefinition> {
  /** The actor's id, unique in the tree (chaos and events name it). @default {definition.name} */
  id?: string;
  /** Sent to the actor at every start, validated there by the definition's config schema. */
  config: ConfigOf<D>;
  /** Messages that may wait in the host-side mailbox. @default {1024} */
  capacity?: number;
  /** What a full mailbox does. @default {"backpressure"} */
  overflow?: OverflowPolicy;
  /** Messages in flight to the actor (sent, not yet finished) before the host holds back. @default {32} */
  window?: number;
  /**
   * The actor snapshots its state every this many messages; the host keeps the last snapshot
   * and every later message for replay. 0 turns snapshots and replay off: a restart then starts
   * from fresh state and messages in flight at a crash are lost. @default {100}
   */
  snapshotEvery?: number;
  /** Heartbeat period; 0 turns heartbeats off. @default {1000 in a Worker, 0 in-process} */
  heartbeatMs?: number;
  /** Consecutive heartbeat periods without a word from the actor before it is hung. @default {3} */
  missedHeartbeats?: number;
  /** Default `ask` timeout. @default {5000} */
  askTimeoutMs?: number;
  /** Time allowed from launch to `ready`. @default {10000} */
  startTimeoutMs?: number;
  /**
   * A message that crashed (or hung) the actor this many times is dead-lettered as poison and
   * skipped on replay, so one bad message cannot crash-loop a subtree. Chaos-injected crashes do
   * not count. 0 turns quarantine off. @default {3}
   */
  poisonAfter?: number;
  /** The host's clock (dead-letter times). @default {new WallClock()} */
  clock?: Clock;
  /** The actor's clock: `wall`, or `event` (follows the `ts` of delivered messages). @default {"wall"} */
  actorClock?: "wall" | "event";
  /** A chaos policy for this actor; one given by a supervisor at start wins. @default {null} */
  chaos?: ChaosPolicy | null;
  /** How many dead letters `deadLetters()` keeps. @default {32} */
  deadLetterLimit?: number;
  /** Receives each output, validated, with the `seq` of the message that caused it (see `subscribe`). */
  onEmit?: (message: OutboxOf<D>, causeSeq: number) => void;
}

/** What a supervisor (or a caller) passes to `ActorRef.start`. */
export interface ActorStartContext {
  /** Chaos policy of the tree; when null or absent the ref's own option applies. */
  readonly chaos?: ChaosPolicy | null;
}

interface PendingAsk {
  readonly type: string;
  readonly resolve: (reply: unknown) => void;
  readonly reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
  seq: number;
  settled: boolean;
}

interface Pending {
  readonly m: unknown;
  readonly ask: PendingAsk | null;
  readonly transfer: ArrayBuffer[] | undefined;
  /** What the replay buffer keeps (a copy of transferred arrays), null when replay is off. */
  readonly keep: unknown;
}

interface Entry {
  readonly seq: number;
  readonly m: unknown;
  readonly ask: boolean;
}

/**
 * The stable, host-side handle of an actor, valid across restarts: callers keep one `ActorRef`
 * while its incarnations (Workers, or in-process runners) come and go.
 *
 * - Delivery: `tell`, `tellBatch` (typed arrays transferred, one message per batch) and `ask`
 *   go through a bounded mailbox with the actor's overflow policy, then over the transport with
 *   at most `window` messages in flight. Messages sent while the actor is down wait.
 * - Exactness: every delivered message gets the next `seq`. The host keeps the actor's last
 *   snapshot and every message after it; a new incarnation restores the snapshot and gets those
 *   messages again in order. An output is forwarded only when the message that caused it is newer
 *   than every message already finished, so a replay emits nothing twice. For a deterministic
 *   actor (same state + same message ⇒ same state and outputs) this gives exactly-once effects.
 * - Failure detection: a crash reported by the actor, the transport's error, a missed heartbeat,
 *   a timed-out `ask`, or `kill()` ends the incarnation; its `Child.exited` says why.
 */
export class ActorRef<D extends AnyActorDefinition> {
  /** The actor's id. */
  readonly id: string;
  /** The actor's definition. */
  readonly definition: D;
  #launch: Launcher;
  #config: ConfigOf<D>;
  #window: number;
  #snapshotEvery: number;
  #heartbeatMs: number;
  #missedHeartbeats: number;
  #askTimeoutMs: number;
  #startTimeoutMs: number;
  #poisonAfter: number;
  #clock: Clock;
  #actorClock: "wall" | "event";
  #chaos: ChaosPolicy | null;
  #deadLetterLimit: number;
  #mailbox: Mailbox<Pending>;
  #nextSeq = 1;
  #snapshot: { seq: number; at: number; state: unknown } | null = null;
  #replay: Entry[] = [];
  #highestDone = 0;
  #asks = new Map<number, PendingAsk>();
  #crashCounts = new Map<number, number>();
  // The last injected (chaos) crash, so the next incarnation resumes past it.
  #chaosCrash = { seq: 0, event: 0 };
  #current: Incarnation | null = null;
  #starts = 0;
  #stats: ActorStats = {
    mailboxDepth: 0,
    processed: 0,
    replayed: 0,
    handlerMsTotal: 0,
    handlerMsMax: 0,
    deadLetters: 0,
    dropped: 0,
    restarts: 0,
    lastProcessedAt: null,
  };
  #deadLetters: DeadLetter[] = [];
  #listeners = new Set<(message: OutboxOf<D>, causeSeq: number) => void>();

  /**
   * Use `workerActor`/`localActor` (or their `spawn…` forms) rather than this constructor.
   * @param launch starts the transport of one incarnation.
   * @param options.heartbeatMs has no default here: the launcher's host sets it.
   */
  constructor(
    definition: D,
    launch: Launcher,
    options: ActorOptions<D> & { heartbeatMs: number },
  ) {
    this.definition = definition;
    this.id = options.id ?? definition.name;
    this.#launch = launch;
    this.#config = options.config;
    this.#window = positiveInt("window", options.window ?? 32);
    this.#snapshotEvery = nonNegativeInt("snapshotEvery", options.snapshotEvery ?? 100);
    this.#heartbeatMs = nonNegativeInt("heartbeatMs", options.heartbeatMs);
    this.#missedHeartbeats = positiveInt("missedHeartbeats", options.missedHeartbeats ?? 3);
    this.#askTimeoutMs = positiveInt("askTimeoutMs", options.askTimeoutMs ?? 5000);
    this.#startTimeoutMs = positiveInt("startTimeoutMs", options.startTimeoutMs ?? 10_000);
    this.#poisonAfter = nonNegativeInt("poisonAfter", options.poisonAfter ?? 3);
    this.#clock = options.clock ?? new WallClock();
    this.#actorClock = options.actorClock ?? "wall";
    this.#chaos = options.chaos ?? null;
    this.#deadLetterLimit = nonNegativeInt("deadLetterLimit", options.deadLetterLimit ?? 32);
    this.#mailbox = new Mailbox<Pending>(positiveInt("capacity", options.capacity ?? 1024), {
      overflow: options.overflow ?? OverflowPolicy.backpressure,
      onDrop: (pending) => {
        if (pending.ask !== null) {
          this.#settleAsk(
            pending.ask,
            new RangeError(
              `Cannot ask actor ${this.id}: the request was dropped from its full mailbox`,
            ),
          );
        }
      },
    });
    if (options.onEmit !== undefined) this.#listeners.add(options.onEmit);
  }

  /** True while an incarnation is starting, running or stopping. */
  get running(): boolean {
    return this.#current !== null;
  }

  /**
   * Starts a new incarnation: launches it, sends `init` (config, last snapshot, chaos policy),
   * waits for `ready`, then re-delivers the messages after the snapshot and resumes delivery.
   * Resolves with the incarnation (a supervisor's `Child`); rejects if it does not become ready.
   * Throws a RangeError if an incarnation is already live.
   */
  async start(ctx: ActorStartContext = {}): Promise<Child> {
    if (this.#current !== null) {
      throw new RangeError(`Cannot start actor ${this.id}: it is already running`);
    }
    const attempt = this.#starts++;
    if (attempt > 0) this.#stats.restarts++;
    const transport = this.#launch(this.id);
    const incarnation = new Incarnation(transport, {
      id: this.id,
      heartbeatMs: this.#heartbeatMs,
      missedHeartbeats: this.#missedHeartbeats,
      onExit: (inc) => {
        if (this.#current === inc) this.#current = null;
      },
      onHung: (inc) => this.#noteCrash(this.#oldestUnfinished(inc), "hung"),
    });
    this.#current = incarnation;
    transport.onMessage((raw) => this.#receive(incarnation, raw));
    transport.onFailure((failure) =>
      incarnation.finish({
        kind: "crashed",
        reason: failure.reason === "error" ? "error" : "terminated",
        message: failure.message,
      })
    );
    incarnation.armStartTimer(this.#startTimeoutMs);
    try {
      transport.post({
        k: "init",
        id: this.id,
        url: this.definition.url,
        name: this.definition.name,
        attempt,
        config: this.#config,
        snapshot: this.#snapshot,
        chaos: ctx.chaos ?? this.#chaos,
        chaosResume: {
          doneSeq: this.#highestDone,
          seq: this.#chaosCrash.seq,
          fromEvent: this.#chaosCrash.seq > this.#highestDone ? this.#chaosCrash.event + 1 : 0,
        },
        snapshotEvery: this.#snapshotEvery,
        clock: this.#actorClock,
      });
    } catch (error) {
      // A config that cannot be structured-cloned never leaves this side.
      incarnation.finish({
        kind: "crashed",
        reason: "start_failed",
        message: `init not sendable: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
    await incarnation.ready;
    return incarnation;
  }

  /**
   * Sends `message` without a reply. Resolves once the mailbox accepted it: at once when there is
   * room (or under `drop_oldest`), later under backpressure. Await it to be backpressured.
   */
  tell(message: InboxOf<D>): Promise<void> {
    return this.#enqueue({ m: message, ask: null, transfer: undefined, keep: message });
  }

  /**
   * Sends a batch message (e.g. `{type: "market.batch", ts, price: Float64Array, …}`) as one
   * message whose top-level typed arrays are transferred, not copied: their buffers are detached
   * for the caller once it has been posted (at once when the window has room). When replay is on,
   * the host keeps a copy of the arrays for re-delivery after a crash. Validated once per batch.
   */
  tellBatch(message: InboxOf<D>): Promise<void> {
    const keep = this.#snapshotEvery > 0 ? copyWithViews(message) : null;
    return this.#enqueue({ m: message, ask: null, transfer: transferListOf(message), keep });
  }

  /**
   * Sends a request and resolves with its reply, validated by the definition's reply schema for
   * `message.type`. Rejects with `AskTimeoutError` after `timeoutMs` (and then ends a running
   * incarnation as `ask_timeout`, as a hung actor), with a TypeError if the message or the reply
   * is invalid. A request survives restarts: a new incarnation answers it if still in time.
   */
  ask<M extends RequestOf<D>>(
    message: M,
    options: { timeoutMs?: number } = {},
  ): Promise<ReplyOf<D, M["type"] & keyof D["replies"]>> {
    const type = message.type;
    if (!Object.hasOwn(this.definition.replies, type)) {
      return Promise.reject(
        new TypeError(`Cannot ask actor ${this.id}: ${type} has no reply schema`),
      );
    }
    const timeoutMs = positiveInt("timeoutMs", options.timeoutMs ?? this.#askTimeoutMs);
    return new Promise((resolve, reject) => {
      const ask: PendingAsk = {
        type,
        resolve: resolve as (reply: unknown) => void,
        reject,
        timer: undefined,
        seq: 0,
        settled: false,
      };
      ask.timer = setTimeout(() => this.#askTimedOut(ask, timeoutMs), timeoutMs);
      this.#enqueue({ m: message, ask, transfer: undefined, keep: message });
    });
  }

  /** Asks the running incarnation to stop normally after the messages already sent. */
  async stop(graceMs = 5000): Promise<void> {
    await this.#current?.stop(graceMs);
    this.#launch.dispose?.();
  }

  /** Terminates the running incarnation at once; it ends as `terminated`. */
  kill(): void {
    this.#current?.finish({
      kind: "crashed",
      reason: "terminated",
      message: `actor ${this.id} was killed`,
    });
  }

  /**
   * Registers an output listener; returns its unsubscribe. A listener that throws does not stop
   * the others: the error is dead-lettered (outbound) and counted.
   */
  subscribe(listener: (message: OutboxOf<D>, causeSeq: number) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A copy of the actor's counters. */
  stats(): ActorStats {
    return {
      ...this.#stats,
      mailboxDepth: this.#mailbox.length + (this.#nextSeq - 1 - this.#highestDone),
      dropped: this.#mailbox.dropped,
    };
  }

  /** The last dead letters (at most `deadLetterLimit`), oldest first. */
  deadLetters(): readonly DeadLetter[] {
    return [...this.#deadLetters];
  }

  #enqueue(pending: Pending): Promise<void> {
    const accepted = this.#mailbox.put(pending);
    this.#pump();
    return accepted;
  }

  #pump(): void {
    const inc = this.#current;
    if (inc === null || inc.state !== "running") return;
    while (inc.inFlight < this.#window) {
      const pending = this.#mailbox.shift();
      if (pending === undefined) return;
      const seq = this.#nextSeq;
      const askIsLive = pending.ask !== null && !pending.ask.settled;
      try {
        inc.transport.post(
          { k: pending.ask === null ? "tell" : "ask", seq, m: pending.m },
          pending.transfer,
        );
      } catch (error) {
        // Not structured-cloneable: it never left, so it takes no seq.
        const reason = `not sendable: ${error instanceof Error ? error.message : String(error)}`;
        this.#deadLetter("inbound", 0, reason);
        if (askIsLive) {
          this.#settleAsk(pending.ask!, new TypeError(`Cannot ask actor ${this.id}: ${reason}`));
        }
        continue;
      }
      this.#nextSeq++;
      inc.inFlight++;
      if (this.#snapshotEvery > 0) {
        this.#replay.push({ seq, m: pending.keep, ask: pending.ask !== null });
      }
      if (askIsLive) {
        pending.ask!.seq = seq;
        this.#asks.set(seq, pending.ask!);
      }
    }
  }

  #receive(inc: Incarnation, raw: unknown): void {
    if (inc.state === "exited") return;
    inc.heard = true;
    const parsed = ActorEnvelope.safeParse(raw);
    if (!parsed.success) {
      this.#deadLetter("outbound", 0, `envelope: ${zodReason(parsed.error)}`);
      return;
    }
    const envelope = parsed.data;
    switch (envelope.k) {
      case "ready":
        if (inc.state !== "starting") return;
        inc.inFlight = 0;
        inc.lastDone = envelope.seq;
        for (const entry of this.#replay) {
          if (entry.seq <= envelope.seq) continue;
          inc.transport.post({ k: entry.ask ? "ask" : "tell", seq: entry.seq, m: entry.m });
          inc.inFlight++;
        }
        inc.markReady();
        this.#pump();
        return;
      case "done":
        return this.#onDone(inc, envelope);
      case "snapshot":
        return this.#onSnapshot(envelope);
      case "pong":
        return;
      case "crashed":
        if (envelope.reason === "exception" && !envelope.chaos) {
          this.#noteCrash(envelope.seq, envelope.message);
        }
        if (envelope.chaos) this.#chaosCrash = { seq: envelope.seq, event: envelope.event ?? 0 };
        return inc.finish({ kind: "crashed", reason: envelope.reason, message: envelope.message });
      case "stopped":
        return inc.finish({ kind: "normal" });
      case "closed":
        return inc.finish({
          kind: "crashed",
          reason: "terminated",
          message: `actor ${this.id} closed its side`,
        });
      case "dead_letter":
        return this.#deadLetter("inbound", 0, envelope.reason);
      default:
        return assertNever(envelope);
    }
  }

  #onDone(inc: Incarnation, done: Extract<ActorEnvelope, { k: "done" }>): void {
    inc.inFlight = Math.max(0, inc.inFlight - 1);
    inc.lastDone = done.seq;
    this.#stats.handlerMsTotal += done.ms;
    if (done.ms > this.#stats.handlerMsMax) this.#stats.handlerMsMax = done.ms;
    this.#crashCounts.delete(done.seq);
    if (done.seq <= this.#highestDone) {
      this.#stats.replayed++;
      this.#pump();
      return;
    }
    this.#highestDone = done.seq;
    this.#stats.processed++;
    this.#stats.lastProcessedAt = Date.now();
    const ask = this.#asks.get(done.seq);
    if (ask !== undefined) this.#asks.delete(done.seq);
    if (done.dead !== undefined) {
      this.#deadLetter("inbound", done.seq, done.dead);
      if (ask !== undefined) {
        this.#settleAsk(ask, new TypeError(`Cannot ask actor ${this.id}: ${done.dead}`));
      }
      this.#pump();
      return;
    }
    for (const raw of done.out) {
      const out = this.definition.outbox.safeParse(raw);
      if (!out.success) {
        this.#deadLetter("outbound", done.seq, `output: ${zodReason(out.error)}`);
        continue;
      }
      for (const listener of this.#listeners) {
        try {
          listener(out.data as OutboxOf<D>, done.seq);
        } catch (error) {
          const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
          this.#deadLetter("outbound", done.seq, `listener threw: ${reason}`);
        }
      }
    }
    if (ask !== undefined) {
      const reply = this.definition.replies[ask.type].safeParse(done.reply);
      if (reply.success) {
        this.#settleAsk(ask, null, reply.data);
      } else {
        const reason = `reply to ${ask.type}: ${zodReason(reply.error)}`;
        this.#deadLetter("outbound", done.seq, reason);
        this.#settleAsk(ask, new TypeError(`Cannot ask actor ${this.id}: ${reason}`));
      }
    }
    this.#pump();
  }

  #onSnapshot(snapshot: Extract<ActorEnvelope, { k: "snapshot" }>): void {
    if (this.#snapshot !== null && snapshot.seq <= this.#snapshot.seq) return;
    this.#snapshot = { seq: snapshot.seq, at: snapshot.at, state: snapshot.state };
    let keep = 0;
    while (keep < this.#replay.length && this.#replay[keep].seq <= snapshot.seq) keep++;
    if (keep > 0) this.#replay.splice(0, keep);
    for (const seq of this.#crashCounts.keys()) {
      if (seq <= snapshot.seq) this.#crashCounts.delete(seq);
    }
  }

  // The message `inc` was working on (the oldest it had and did not finish), or 0.
  #oldestUnfinished(inc: Incarnation): number {
    if (inc.inFlight === 0) return 0;
    if (this.#snapshotEvery === 0) return inc.lastDone + 1;
    return this.#replay.find((entry) => entry.seq > inc.lastDone)?.seq ?? 0;
  }

  // Counts a crash caused by message `seq`; quarantines it once it reached `poisonAfter`.
  #noteCrash(seq: number, message = "hung"): void {
    if (seq === 0 || this.#poisonAfter === 0) return;
    const count = (this.#crashCounts.get(seq) ?? 0) + 1;
    if (count < this.#poisonAfter) {
      this.#crashCounts.set(seq, count);
      return;
    }
    this.#crashCounts.delete(seq);
    const index = this.#replay.findIndex((entry) => entry.seq === seq);
    if (index >= 0) this.#replay.splice(index, 1);
    if (seq > this.#highestDone) {
      this.#highestDone = seq;
      this.#stats.processed++;
      this.#stats.lastProcessedAt = Date.now();
    }
    const reason = `poison: crashed actor ${this.id} ${count} times: ${message}`;
    this.#deadLetter("inbound", seq, reason);
    const ask = this.#asks.get(seq);
    if (ask !== undefined) {
      this.#asks.delete(seq);
      this.#settleAsk(ask, new TypeError(`Cannot ask actor ${this.id}: ${reason}`));
    }
  }

  #askTimedOut(ask: PendingAsk, timeoutMs: number): void {
    if (ask.settled) return;
    this.#settleAsk(ask, new AskTimeoutError(this.id, ask.type, timeoutMs));
    const inc = this.#current;
    if (inc !== null && inc.state === "running") {
      inc.finish({
        kind: "crashed",
        reason: "ask_timeout",
        message: `no reply to ${ask.type} within ${timeoutMs} ms`,
      });
    }
  }

  #settleAsk(ask: PendingAsk, error: Error | null, reply?: unknown): void {
    if (ask.settled) return;
    ask.settled = true;
    clearTimeout(ask.timer);
    if (ask.seq !== 0) this.#asks.delete(ask.seq);
    if (error === null) ask.resolve(reply);
    else ask.reject(error);
  }

  #deadLetter(direction: DeadLetterDirection, seq: number, reason: string): void {
    this.#stats.deadLetters++;
    if (this.#deadLetterLimit === 0) return;
    this.#deadLetters.push({ ts: this.#clock.now(), direction, seq, reason });
    if (this.#deadLetters.length > this.#deadLetterLimit) this.#deadLetters.shift();
  }
}

interface IncarnationHooks {
  readonly id: string;
  readonly heartbeatMs: number;
  readonly missedHeartbeats: number;
  readonly onExit: (inc: Incarnation) => void;
  readonly onHung: (inc: Incarnation) => void;
}

// One run of an actor behind one transport; what its supervisor watches and stops.
class Incarnation implements Child {
  readonly transport: Transport;
  readonly exited: Promise<ChildExit>;
  readonly ready: Promise<void>;
  state: "starting" | "running" | "stopping" | "exited" = "starting";
  inFlight = 0;
  lastDone = 0;
  heard = false;
  #hooks: IncarnationHooks;
  #resolveExit!: (exit: ChildExit) => void;
  #resolveReady!: () => void;
  #rejectReady!: (error: Error) => void;
  #startTimer: ReturnType<typeof setTimeout> | undefined;
  #graceTimer: ReturnType<typeof setTimeout> | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #missed = 0;
  #pings = 0;

  constructor(transport: Transport, hooks: IncarnationHooks) {
    this.transport = transport;
    this.#hooks = hooks;
    this.exited = new Promise((resolve) => this.#resolveExit = resolve);
    this.ready = new Promise((resolve, reject) => {
      this.#resolveReady = resolve;
      this.#rejectReady = reject;
    });
    // A start that fails is reported by the rejection of start(), not as an unhandled one.
    this.ready.catch(() => {});
  }

  armStartTimer(ms: number): void {
    this.#startTimer = setTimeout(() =>
      this.finish({
        kind: "crashed",
        reason: "start_failed",
        message: `actor ${this.#hooks.id} was not ready within ${ms} ms`,
      }), ms);
  }

  markReady(): void {
    if (this.state !== "starting") return;
    clearTimeout(this.#startTimer);
    this.state = "running";
    if (this.#hooks.heartbeatMs > 0) {
      this.#heartbeat = setInterval(() => this.#tick(), this.#hooks.heartbeatMs);
    }
    this.#resolveReady();
  }

  stop(graceMs: number): Promise<void> {
    if (this.state === "starting") {
      this.finish({ kind: "normal" });
    } else if (this.state === "running") {
      this.state = "stopping";
      this.transport.post({ k: "stop" });
      this.#graceTimer = setTimeout(() =>
        this.finish({
          kind: "crashed",
          reason: "terminated",
          message: `actor ${this.#hooks.id} did not stop within ${graceMs} ms`,
        }), graceMs);
    }
    return this.exited.then(() => {});
  }

  finish(exit: ChildExit): void {
    if (this.state === "exited") return;
    const wasStarting = this.state === "starting";
    this.state = "exited";
    clearTimeout(this.#startTimer);
    clearTimeout(this.#graceTimer);
    clearInterval(this.#heartbeat);
    this.transport.close();
    if (wasStarting) {
      const why = exit.kind === "crashed" ? exit.message : "stopped before it was ready";
      this.#rejectReady(new Error(`Cannot start actor ${this.#hooks.id}: ${why}`));
    }
    this.#hooks.onExit(this);
    this.#resolveExit(exit);
  }

  #tick(): void {
    if (this.heard) {
      this.heard = false;
      this.#missed = 0;
    } else if (++this.#missed >= this.#hooks.missedHeartbeats) {
      this.#hooks.onHung(this);
      this.finish({
        kind: "crashed",
        reason: "hung",
        message:
          `actor ${this.#hooks.id} missed ${this.#missed} heartbeats of ${this.#hooks.heartbeatMs} ms`,
      });
      return;
    }
    this.transport.post({ k: "ping", n: ++this.#pings });
  }
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`Cannot configure an actor with ${name} below 1: ${name} is ${value}`);
  }
  return value;
}

function nonNegativeInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`Cannot configure an actor with a negative ${name}: ${name} is ${value}`);
  }
  return value;
}

function assertNever(value: never): never {
  throw new TypeError(`Cannot handle an unknown envelope kind: ${JSON.stringify(value)}`);
}
