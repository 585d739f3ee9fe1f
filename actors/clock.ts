/**
 * Where actors and supervisors read the time: milliseconds since the Unix epoch. Nothing in the
 * runtime calls `Date.now()` directly, so a test or a replay decides what time it is.
 */
export interface Clock {
  /** The current time in ms since the Unix epoch. */
  now(): number;
}

/** The machine's wall clock (`Date.now()`), for live and paper trading. */
export class WallClock implements Clock {
  /** `Date.now()`. */
  now(): number {
    return Date.now();
  }
}

/**
 * A clock that only moves when told to: for tests, and for event time in backtests and replay
 * (set to each event's `ts`). It never goes backwards.
 */
export class ManualClock implements Clock {
  #now: number;

  /** @param start the initial time in ms since the epoch. @default {0} */
  constructor(start = 0) {
    if (!Number.isFinite(start)) {
      throw new RangeError(`Cannot start a ManualClock: start is ${start}`);
    }
    this.#now = start;
  }

  /** The time last set. */
  now(): number {
    return this.#now;
  }

  /** Moves the clock to `ms`; throws a RangeError if that is earlier than now or not finite. */
  set(ms: number): void {
    if (!Number.isFinite(ms) || ms < this.#now) {
      throw new RangeError(
        `Cannot set a ManualClock at ${this.#now} back or off the line: ms is ${ms}`,
      );
    }
    this.#now = ms;
  }

  /** Moves the clock forward by `ms` (>= 0). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(
        `Cannot advance a ManualClock by a negative or infinite step: ms is ${ms}`,
      );
    }
    this.#now += ms;
  }
}
