/** What a full mailbox does with one more message. */
export const OverflowPolicy = {
  /** The producer waits: `put()` resolves only once the message is queued. */
  backpressure: "backpressure",
  /** The oldest queued message is dropped (and counted) to make room; `put()` never waits. */
  drop_oldest: "drop_oldest",
} as const;
/** One of `OverflowPolicy`. */
export type OverflowPolicy = typeof OverflowPolicy[keyof typeof OverflowPolicy];

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * A bounded FIFO queue of messages waiting for an actor, with a per-actor overflow policy.
 * Items are taken with `shift()`; each `shift()` lets the first waiting producer in, so under
 * backpressure producers are served in the order they called `put()`.
 */
export class Mailbox<T> {
  /** The most items queued at once (waiting producers are not counted). */
  readonly capacity: number;
  /** What `put()` does when the mailbox is full. */
  readonly overflow: OverflowPolicy;
  #items: Array<T | undefined> = [];
  #head = 0;
  #waiting: Array<{ item: T; resolve: () => void }> = [];
  #dropped = 0;
  #onDrop: (item: T) => void;

  /**
   * @param capacity the most items queued at once, an integer >= 1.
   * @param options.overflow what a full mailbox does. @default {"backpressure"}
   * @param options.onDrop called with each item dropped by `drop_oldest`. @default {no-op}
   */
  constructor(
    capacity: number,
    options: { overflow?: OverflowPolicy; onDrop?: (item: T) => void } = {},
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(
        `Cannot create a mailbox with capacity below 1: capacity is ${capacity}`,
      );
    }
    this.capacity = capacity;
    this.overflow = options.overflow ?? OverflowPolicy.backpressure;
    this.#onDrop = options.onDrop ?? (() => {});
  }

  /** Items queued now. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** Producers waiting for room (backpressure only). */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Items dropped so far by `drop_oldest`. */
  get dropped(): number {
    return this.#dropped;
  }

  /**
   * Queues `item`. With room it is queued at once and the returned promise is already resolved.
   * When full, `drop_oldest` drops the oldest item and queues this one at once; `backpressure`
   * keeps the item with its producer and resolves the promise when it has been queued.
   */
  put(item: T): Promise<void> {
    if (this.length < this.capacity && this.#waiting.length === 0) {
      this.#items.push(item);
      return RESOLVED;
    }
    if (this.overflow === OverflowPolicy.drop_oldest) {
      const oldest = this.shift() as T;
      this.#dropped++;
      this.#items.push(item);
      this.#onDrop(oldest);
      return RESOLVED;
    }
    return new Promise<void>((resolve) => this.#waiting.push({ item, resolve }));
  }

  /** Takes the oldest item (undefined when empty) and lets the first waiting producer in. */
  shift(): T | undefined {
    if (this.#head === this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head++;
    if (this.#head === this.#items.length) {
      this.#items.length = 0;
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    const next = this.#waiting.shift();
    if (next !== undefined) {
      this.#items.push(next.item);
      next.resolve();
    }
    return item;
  }

  /** The oldest item without taking it (undefined when empty). */
  peek(): T | undefined {
    return this.#head === this.#items.length ? undefined : this.#items[this.#head];
  }
}
