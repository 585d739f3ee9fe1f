import type { z } from "zod";
import type { Clock } from "./clock.ts";

/** The schema of an actor's inbox: in practice a `z.discriminatedUnion("type", [...])`. */
export type InboxSchema = z.ZodType<{ type: string }>;
/** Reply schemas of the request messages, keyed by message `type`. */
export type ReplySchemas = Readonly<Record<string, z.ZodType>>;

/** What an actor instance can do besides handling its message. */
export interface ActorContext<Out> {
  /** The actor's id (its `ActorRef.id`), e.g. `symbol.BTCUSDT`. */
  readonly id: string;
  /** Which incarnation this is: 0 on the first start, +1 on every restart. */
  readonly attempt: number;
  /**
   * The actor's only source of time: the wall clock, or with `clock: "event"` a clock that
   * follows the `ts` field of the messages delivered to it.
   */
  readonly clock: Clock;
  /**
   * Sends `message` out to whoever subscribed to this actor (the parent or a router). Allowed only
   * while `handle()` runs, so that every output has the message that caused it; outputs of a
   * message are released together after `handle()` returns, never for a message that crashed.
   */
  emit(message: Out): void;
  /** Ends this actor normally once the current message has been handled. */
  stop(): void;
  /**
   * Marks the start of one event inside the message being handled (one bar of a market batch).
   * Chaos (`--chaos-crash-rate`) decides per event, so a batch actor calls this once per event
   * before it touches its state for that event; it may throw the injected crash. An actor that
   * never calls it has one event per message. Costs a comparison when chaos is off.
   */
  beginEvent(): void;
}

/** A live actor instance: built fresh by `create()` on every (re)start. */
export interface ActorBehavior<In, Snap> {
  /**
   * Handles one message, as a total `switch` on `message.type`. The return value (or the value
   * its promise resolves to) is the reply when the message was sent with `ask`; it is ignored for
   * `tell`. A throw or a rejected promise crashes the actor, as it should.
   */
  handle(message: In): unknown;
  /** The actor's whole state as structured-clone data, taken between two messages. */
  snapshot(): Snap;
  /** Replaces the fresh state by one taken with `snapshot()`, before any message. */
  restore(snapshot: Snap): void;
}

/**
 * An actor described by data plus a factory, loadable both in-process and in a Worker. Define it
 * with `defineActor` in a module of its own and export it, so a Worker can import it from `url`.
 *
 * - `inbox`: the messages it accepts, validated once on receipt; an invalid one is dead-lettered.
 * - `config`: the structured-clone configuration sent to it at start, validated where it runs.
 * - `snapshot`: the shape of its state snapshots, validated on restore.
 * - `outbox`: what it emits, validated once on the receiving side.
 * - `replies`: one schema per request `type`; `ask` is only available for those types and its
 *   reply is validated on the asking side.
 */
export interface ActorDefinition<
  I extends InboxSchema = InboxSchema,
  C extends z.ZodType = z.ZodType,
  S extends z.ZodType = z.ZodType,
  O extends z.ZodType = z.ZodType,
  R extends ReplySchemas = ReplySchemas,
> {
  /** Names the definition; the Worker finds it by this name among the exports of `url`. */
  readonly name: string;
  /** The module that exports this definition: pass `import.meta.url`. */
  readonly url: string;
  readonly inbox: I;
  readonly config: C;
  readonly snapshot: S;
  readonly outbox: O;
  readonly replies: R;
  /** Builds a fresh instance; called on every (re)start, before `restore()` when resuming. */
  create(
    config: z.output<C>,
    ctx: ActorContext<z.output<O>>,
  ): ActorBehavior<z.output<I>, z.output<S>>;
}

/** Any actor definition, whatever its schemas. */
export type AnyActorDefinition = ActorDefinition;
/** The parsed inbox message type of a definition. */
export type InboxOf<D extends AnyActorDefinition> = z.output<D["inbox"]>;
/** The emitted message type of a definition. */
export type OutboxOf<D extends AnyActorDefinition> = z.output<D["outbox"]>;
/** The config a caller passes for a definition (before defaults are applied by its schema). */
export type ConfigOf<D extends AnyActorDefinition> = z.input<D["config"]>;
/** The request messages of a definition: inbox messages whose `type` has a reply schema. */
export type RequestOf<D extends AnyActorDefinition> = Extract<
  InboxOf<D>,
  { type: keyof D["replies"] }
>;
/** The typed reply to the request of type `T`. */
export type ReplyOf<D extends AnyActorDefinition, T extends keyof D["replies"]> = z.output<
  D["replies"][T]
>;

const defined = new WeakSet<object>();

/**
 * Declares an actor. Returns the same definition, frozen and registered so that
 * `isActorDefinition` recognises it (a Worker uses that to find it among a module's exports).
 * Throws a TypeError for an empty name or a `url` that is not a URL.
 */
export function defineActor<
  I extends InboxSchema,
  C extends z.ZodType,
  S extends z.ZodType,
  O extends z.ZodType,
  R extends ReplySchemas,
>(definition: ActorDefinition<I, C, S, O, R>): ActorDefinition<I, C, S, O, R> {
  if (typeof definition.name !== "string" || definition.name.length === 0) {
    throw new TypeError(`Cannot define an actor without a name: name is ${definition.name}`);
  }
  if (!URL.canParse(definition.url)) {
    throw new TypeError(
      `Cannot define actor ${definition.name} as its url is not a URL: url is ${definition.url}`,
    );
  }
  const frozen = Object.freeze({ ...definition });
  defined.add(frozen);
  return frozen;
}

/** True for a value returned by `defineActor`. */
export function isActorDefinition(value: unknown): value is AnyActorDefinition {
  return typeof value === "object" && value !== null && defined.has(value);
}
