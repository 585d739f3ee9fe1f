/** A reservation of request weight, handed back with {@link RequestWeightBudget.release}. */
export interface WeightTicket {
  readonly weight: number;
  /** The window (`floor(now / windowMs)`) the weight was reserved in. */
  readonly window: number;
}

/** What the budget has seen and done so far (cumulative, for metrics and reports). */
export interface WeightBudgetStats {
  /** The limit in force (REQUEST_WEIGHT per window). */
  limit: number;
  /** Weight counted in the current window: the venue's last report plus our own since. */
  used: number;
  /** Weight reserved by requests still in flight. */
  pending: number;
  /** Requests admitted. */
  requests: number;
  /** Times a request had to wait for the window to roll over (the headroom was reached). */
  waits: number;
  /** Wall ms spent waiting in total (window waits and `Retry-After` waits). */
  waitedMs: number;
  /** 429 answers seen. */
  tooManyRequests: number;
  /** 418 answers seen (an IP ban: should stay 0). */
  banned: number;
}

/** Options of {@link RequestWeightBudget}. */
export interface RequestWeightBudgetOptions {
  /** REQUEST_WEIGHT allowed per window (exchangeInfo `rateLimits`). @default {6000} */
  limit?: number;
  /** Share of the limit never used by our own requests, for others on the same IP. @default {0.1} */
  headroomFraction?: number;
  /** The venue's counting window, ms (Binance: `X-MBX-USED-WEIGHT-1M`, one UTC minute). @default {60000} */
  windowMs?: number;
  /** Wait after a 429/418 without a usable `Retry-After`, ms. @default {60000} */
  defaultRetryAfterMs?: number;
  /** Wall clock, ms. @default {Date.now} */
  now?: () => number;
  /** Sleeps `ms` wall milliseconds. @default {setTimeout} */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * One REQUEST_WEIGHT budget per process, shared by every caller of the venue (Binance counts
 * weight per IP, per UTC minute, reference §6).
 *
 * - Before a request, {@link acquire} reserves the request's estimated weight (reference §3) and
 *   waits while the venue's last reported use in this window plus the weight in flight plus this
 *   request would pass `limit × (1 − headroomFraction)`: it sleeps to the next window, when the
 *   venue's count restarts. Admission is first-come first-served.
 * - Every answer feeds {@link observe}: the `X-MBX-USED-WEIGHT-1M` header replaces our estimate
 *   (the venue's count includes requests from elsewhere on the IP); a 429 or 418 blocks every
 *   request until `Retry-After` seconds have passed (never another request into a ban).
 * - {@link release} ends a reservation; a request that got no answer (timeout, reset) is counted
 *   as used, since it may have reached the venue.
 *
 * A single request heavier than the usable limit is admitted alone at the start of a window.
 */
export class RequestWeightBudget {
  #limit: number;
  readonly #headroom: number;
  readonly #windowMs: number;
  readonly #defaultRetryAfterMs: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  #window = -1;
  #reported = 0;
  #own = 0;
  #pending = 0;
  #blockedUntil = 0;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #stats = {
    requests: 0,
    waits: 0,
    waitedMs: 0,
    tooManyRequests: 0,
    banned: 0,
  };

  /** @throws RangeError for a limit that is not a positive integer or a headroom outside [0, 1). */
  constructor(options: RequestWeightBudgetOptions = {}) {
    this.#limit = checkedLimit(options.limit ?? 6000);
    this.#headroom = options.headroomFraction ?? 0.1;
    if (!(this.#headroom >= 0 && this.#headroom < 1)) {
      throw new RangeError(
        `Cannot budget request weight with headroomFraction outside [0, 1): ${this.#headroom}`,
      );
    }
    this.#windowMs = options.windowMs ?? 60_000;
    this.#defaultRetryAfterMs = options.defaultRetryAfterMs ?? 60_000;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** Sets the limit (from exchangeInfo's `REQUEST_WEIGHT` rate limit). */
  setLimit(limit: number): void {
    this.#limit = checkedLimit(limit);
  }

  /** The weight our requests may use per window: `floor(limit × (1 − headroom))`, at least 1. */
  get usable(): number {
    return Math.max(1, Math.floor(this.#limit * (1 - this.#headroom)));
  }

  /** Wall time (ms) until which every request waits after a 429/418; 0 when none. */
  get blockedUntil(): number {
    return this.#blockedUntil;
  }

  /**
   * Waits until `weight` fits the current window (and any `Retry-After` has passed), then
   * reserves it. Callers are admitted in call order.
   */
  acquire(weight: number): Promise<WeightTicket> {
    const w = Math.max(0, Math.ceil(weight));
    const turn = this.#queue.then(() => this.#admit(w));
    this.#queue = turn.catch(() => {});
    return turn;
  }

  /**
   * Ends a reservation. `answered: false` (no response: timeout, connection reset) counts the
   * weight as used in its window, since the venue may have counted it.
   */
  release(ticket: WeightTicket, options: { answered: boolean }): void {
    this.#pending = Math.max(0, this.#pending - ticket.weight);
    this.#roll();
    if (!options.answered && ticket.window === this.#window) this.#own += ticket.weight;
  }

  /**
   * Feeds one response: its HTTP status, the used weight it reports (`X-MBX-USED-WEIGHT-1M`;
   * null when absent) and its `Retry-After` in seconds (null when absent). A 429 or 418 blocks
   * requests until `now + Retry-After`.
   */
  observe(
    response: { status: number; usedWeight: number | null; retryAfterS: number | null },
  ): void {
    this.#roll();
    if (response.usedWeight !== null && Number.isFinite(response.usedWeight)) {
      // Answers can arrive out of order: keep the highest count of this window; our own
      // unanswered weight is now covered by the venue's figure.
      if (response.usedWeight >= this.#reported) {
        this.#reported = response.usedWeight;
        this.#own = 0;
      }
    }
    if (response.status === 429 || response.status === 418) {
      if (response.status === 429) this.#stats.tooManyRequests++;
      else this.#stats.banned++;
      const wait = response.retryAfterS !== null && response.retryAfterS >= 0
        ? response.retryAfterS * 1000
        : this.#defaultRetryAfterMs;
      this.#blockedUntil = Math.max(this.#blockedUntil, this.#now() + wait);
    }
  }

  /** Counters so far. */
  stats(): WeightBudgetStats {
    this.#roll();
    return {
      limit: this.#limit,
      used: this.#reported + this.#own,
      pending: this.#pending,
      ...this.#stats,
    };
  }

  async #admit(weight: number): Promise<WeightTicket> {
    let waited = false;
    for (;;) {
      const now = this.#now();
      if (now < this.#blockedUntil) {
        const ms = this.#blockedUntil - now;
        this.#stats.waitedMs += ms;
        await this.#sleep(ms);
        continue;
      }
      this.#roll();
      const busy = this.#reported + this.#own + this.#pending;
      if (busy === 0 || busy + weight <= this.usable) break;
      if (!waited) this.#stats.waits++;
      waited = true;
      const ms = (this.#window + 1) * this.#windowMs - now + 1;
      this.#stats.waitedMs += ms;
      await this.#sleep(ms);
    }
    this.#pending += weight;
    this.#stats.requests++;
    return { weight, window: this.#window };
  }

  /** Starts a new count when the window changed (the venue resets at window boundaries). */
  #roll(): void {
    const w = Math.floor(this.#now() / this.#windowMs);
    if (w !== this.#window) {
      this.#window = w;
      this.#reported = 0;
      this.#own = 0;
    }
  }
}

function checkedLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit <= 0) {
    throw new RangeError(`Cannot budget request weight with a limit that is not > 0: ${limit}`);
  }
  return limit;
}
