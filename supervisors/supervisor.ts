import { type Clock, WallClock } from "../actors/clock.ts";
import { SeededRng } from "../models/seeded_rng.ts";
import { backoffDelay } from "./backoff_delay.ts";
import type { ChaosPolicy } from "./chaos_policy.ts";
import type { Child, ChildContext, ChildExit, ChildSpec, RestartType } from "./child.ts";
import { childrenToRestart } from "./children_to_restart.ts";
import { recordRestart } from "./record_restart.ts";
import type { SupervisorEvent } from "./supervisor_event.ts";
import {
  type SupervisorFlags,
  type SupervisorFlagsInput,
  SupervisorFlagsSchema,
} from "./supervisor_flags.ts";

/** A supervisor described by data. */
export interface SupervisorOptions {
  /** Names the supervisor in events; a child supervisor is named `parent/id`. */
  name: string;
  /** The children, in start order (they stop in reverse). Ids must be unique. */
  children: readonly ChildSpec[];
  /** Strategy, intensity and backoff; omitted fields take `SupervisorFlagsSchema`'s defaults. */
  flags?: SupervisorFlagsInput;
  /** Event time and the intensity window. @default {new WallClock()} */
  clock?: Clock;
  /** Receives every lifecycle event, in order. Must not throw. @default {no-op} */
  observer?: (event: SupervisorEvent) => void;
  /** Seeds the backoff jitter. @default {0} */
  seed?: number;
  /** Chaos policy handed to every child (and down the tree). @default {null} */
  chaos?: ChaosPolicy | null;
}

interface Slot {
  readonly spec: ChildSpec;
  readonly id: string;
  readonly restart: RestartType;
  readonly shutdownMs: number;
  child: Child | null;
  stopping: boolean;
  removed: boolean;
  log: number[];
}

type SupervisorEventInput = SupervisorEvent extends infer E
  ? E extends SupervisorEvent ? Omit<E, "ts" | "supervisor"> : never
  : never;

/**
 * Starts a supervisor: its children one after another in spec order (each `child.started`), then
 * `supervisor.started`. If a child fails to start, the ones already started are stopped in reverse
 * order and the promise rejects. The supervisor then restarts failed children by its flags until
 * it is stopped (`stop()`) or exceeds its restart intensity and fails to its parent.
 */
export async function startSupervisor(options: SupervisorOptions): Promise<Supervisor> {
  const supervisor = new Supervisor(options);
  await supervisor.startChildren();
  return supervisor;
}

/**
 * A child spec for a nested supervisor `id`: it inherits the parent's clock, observer and chaos
 * policy, derives its seed from the parent's, and is named `parent/id`. Past its restart intensity
 * it stops its children and exits with reason `escalated`, which the parent handles by its own
 * strategy.
 */
export function supervisorChild(
  id: string,
  options: Omit<SupervisorOptions, "name" | "clock" | "observer" | "chaos"> & {
    restart?: RestartType;
    shutdownMs?: number;
  },
): ChildSpec {
  return {
    id,
    restart: options.restart,
    shutdownMs: options.shutdownMs,
    start: (ctx: ChildContext) =>
      startSupervisor({
        name: `${ctx.supervisor}/${id}`,
        children: options.children,
        flags: options.flags,
        clock: ctx.clock,
        observer: ctx.observer,
        seed: options.seed ?? ctx.seed,
        chaos: ctx.chaos,
      }),
  };
}

/**
 * An OTP-style supervisor of actors and other supervisors (see `startSupervisor`). Decisions are
 * made by the pure functions `recordRestart`, `childrenToRestart` and `backoffDelay`; failures are
 * handled one at a time, in the order they happened. It is itself a `Child`, so it nests.
 */
export class Supervisor implements Child {
  /** The supervisor's name. */
  readonly name: string;
  /** Settles when it stopped (`normal`) or failed past its intensity (`escalated`). */
  readonly exited: Promise<ChildExit>;
  #flags: SupervisorFlags;
  #clock: Clock;
  #observer: (event: SupervisorEvent) => void;
  #rng: SeededRng;
  #seed: number;
  #chaos: ChaosPolicy | null;
  #slots: Slot[];
  #log: number[] = [];
  #state: "starting" | "running" | "stopping" | "stopped" | "failed" = "starting";
  #startup: Promise<void> | null = null;
  #chain: Promise<void> = Promise.resolve();
  #sleeping: { timer: ReturnType<typeof setTimeout>; resolve: () => void } | null = null;
  #resolveExit!: (exit: ChildExit) => void;

  /** Use `startSupervisor`; this only validates the options. */
  constructor(options: SupervisorOptions) {
    this.name = options.name;
    const flags = SupervisorFlagsSchema.safeParse(options.flags ?? {});
    if (!flags.success) {
      throw new RangeError(
        `Cannot create supervisor ${options.name} with invalid flags: ${
          flags.error.issues[0].message
        }`,
      );
    }
    this.#flags = flags.data;
    this.#clock = options.clock ?? new WallClock();
    this.#observer = options.observer ?? (() => {});
    this.#seed = options.seed ?? 0;
    this.#rng = new SeededRng(this.#seed);
    this.#chaos = options.chaos ?? null;
    const ids = new Set<string>();
    this.#slots = options.children.map((spec) => {
      if (ids.has(spec.id)) {
        throw new RangeError(
          `Cannot create supervisor ${options.name}: duplicate child id ${spec.id}`,
        );
      }
      ids.add(spec.id);
      const shutdownMs = spec.shutdownMs ?? 5000;
      if (!(shutdownMs >= 0)) {
        throw new RangeError(`Cannot supervise child ${spec.id}: shutdownMs is ${shutdownMs}`);
      }
      return {
        spec,
        id: spec.id,
        restart: spec.restart ?? "permanent",
        shutdownMs,
        child: null,
        stopping: false,
        removed: false,
        log: [],
      };
    });
    this.exited = new Promise((resolve) => this.#resolveExit = resolve);
  }

  /** Ids of the children running now, in start order. */
  runningChildren(): string[] {
    return this.#slots.filter((slot) => slot.child !== null).map((slot) => slot.id);
  }

  /**
   * Starts the children in spec order; called once by `startSupervisor`. Failures of children
   * that happen meanwhile are handled once every child has started.
   */
  startChildren(): Promise<void> {
    if (this.#startup !== null) {
      throw new RangeError(`Cannot start supervisor ${this.name} twice: it is ${this.#state}`);
    }
    this.#startup = this.#startAll();
    this.#chain = this.#startup.catch(() => {});
    return this.#startup;
  }

  async #startAll(): Promise<void> {
    for (const slot of this.#slots) {
      try {
        await this.#launch(slot);
      } catch (error) {
        const message = describe(error);
        this.#emit({ type: "child.crashed", child: slot.id, reason: "start_failed", message });
        this.#state = "stopped";
        await this.#stopAll();
        this.#emit({ type: "supervisor.stopped" });
        this.#resolveExit({ kind: "crashed", reason: "start_failed", message });
        throw new Error(
          `Cannot start supervisor ${this.name}: child ${slot.id} did not start: ${message}`,
        );
      }
      this.#emit({ type: "child.started", child: slot.id });
    }
    this.#state = "running";
    this.#emit({ type: "supervisor.started" });
  }

  /**
   * Ordered shutdown: cancels a pending restart, stops the children in reverse start order (each
   * with its own `shutdownMs`), emits `supervisor.stopped`. `graceMs` is not used: each child has
   * its own grace. Resolves once done; a no-op after the supervisor ended.
   */
  async stop(_graceMs?: number): Promise<void> {
    if (this.#state === "starting") await this.#startup?.catch(() => {});
    if (this.#state === "running") {
      this.#state = "stopping";
      this.#wake();
      await this.#chain;
      await this.#stopAll();
      this.#state = "stopped";
      this.#emit({ type: "supervisor.stopped" });
      this.#resolveExit({ kind: "normal" });
    }
    await this.exited;
  }

  async #launch(slot: Slot): Promise<void> {
    const child = await slot.spec.start({
      id: slot.id,
      supervisor: this.name,
      clock: this.#clock,
      chaos: this.#chaos,
      observer: this.#observer,
      seed: deriveSeed(this.#seed, slot.id),
    });
    slot.child = child;
    child.exited.then((exit) => this.#onExit(slot, child, exit));
  }

  #onExit(slot: Slot, child: Child, exit: ChildExit): void {
    if (slot.child !== child) return;
    slot.child = null;
    if (slot.stopping) return;
    if (this.#state !== "running" && this.#state !== "starting") return;
    if (exit.kind === "normal") {
      this.#emit({ type: "child.exited", child: slot.id });
    } else {
      this.#emit({
        type: "child.crashed",
        child: slot.id,
        reason: exit.reason,
        message: exit.message,
      });
    }
    this.#chain = this.#chain.then(() => this.#handle(slot, exit));
  }

  async #handle(slot: Slot, exit: ChildExit): Promise<void> {
    if (this.#state !== "running" || slot.child !== null || slot.removed) return;
    if (slot.restart === "temporary" || (exit.kind === "normal" && slot.restart === "transient")) {
      if (slot.restart === "temporary") slot.removed = true;
      return;
    }
    const now = this.#clock.now();
    const intensity = recordRestart(this.#log, now, this.#flags);
    this.#log = intensity.log;
    if (intensity.exceeded) return await this.#escalate();
    const active = this.#slots.filter((s) => !s.removed).map((s) => s.id);
    const targets = childrenToRestart(this.#flags.strategy, active, slot.id).map((id) =>
      this.#slots.find((s) => s.id === id)!
    );
    for (const target of [...targets].reverse()) {
      if (target === slot || target.child === null) continue;
      await this.#stopSlot(target);
      if (target.restart === "temporary") target.removed = true;
      if (this.#state !== "running") return;
    }
    slot.log = recordRestart(slot.log, now, this.#flags).log;
    const attempt = slot.log.length;
    const delayMs = backoffDelay(attempt, this.#flags.backoff, this.#rng);
    this.#emit({ type: "child.restarting", child: slot.id, delayMs, attempt });
    await this.#sleep(delayMs);
    for (const target of targets) {
      if (this.#state !== "running") return;
      if (target.removed || target.child !== null) continue;
      try {
        await this.#launch(target);
      } catch (error) {
        const failure: ChildExit = {
          kind: "crashed",
          reason: "start_failed",
          message: describe(error),
        };
        this.#emit({
          type: "child.crashed",
          child: target.id,
          reason: failure.reason,
          message: failure.message,
        });
        this.#chain = this.#chain.then(() => this.#handle(target, failure));
        return;
      }
      if (this.#state !== "running") return;
      this.#emit({ type: "child.restarted", child: target.id });
    }
  }

  async #escalate(): Promise<void> {
    this.#state = "failed";
    this.#wake();
    await this.#stopAll();
    const restarts = this.#log.length;
    this.#emit({ type: "supervisor.escalated", restarts });
    this.#resolveExit({
      kind: "crashed",
      reason: "escalated",
      message: `supervisor ${this.name}: ${restarts} restarts within ${this.#flags.periodMs} ms ` +
        `exceed intensity ${this.#flags.intensity}`,
    });
  }

  async #stopAll(): Promise<void> {
    for (const slot of [...this.#slots].reverse()) {
      if (slot.child !== null) await this.#stopSlot(slot);
    }
  }

  async #stopSlot(slot: Slot): Promise<void> {
    const child = slot.child;
    if (child === null) return;
    slot.stopping = true;
    try {
      await child.stop(slot.shutdownMs);
    } finally {
      slot.stopping = false;
      if (slot.child === child) slot.child = null;
    }
    this.#emit({ type: "child.stopped", child: slot.id });
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#sleeping = null;
        resolve();
      }, ms);
      this.#sleeping = { timer, resolve };
    });
  }

  #wake(): void {
    const sleeping = this.#sleeping;
    if (sleeping === null) return;
    this.#sleeping = null;
    clearTimeout(sleeping.timer);
    sleeping.resolve();
  }

  #emit(event: SupervisorEventInput): void {
    this.#observer({ ...event, ts: this.#clock.now(), supervisor: this.name } as SupervisorEvent);
  }
}

function deriveSeed(seed: number, id: string): number {
  let h = (Math.trunc(seed) ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
