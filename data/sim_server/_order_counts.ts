import { type ApiError, ApiErrors } from "./_api_error.ts";

interface Counts {
  tenSec: number;
  tenSecWindow: number;
  day: number;
  dayWindow: number;
}

const TEN_S = 10_000;
const DAY = 86_400_000;

/**
 * Binance's per-account ORDERS limits over fixed wall-clock windows: 10 seconds and one UTC day.
 * Every accepted new order counts once (Binance's finer "unfilled order count" is not modelled).
 * A limit of 0 turns that window's check off; the counts are still reported.
 */
export class OrderCounts {
  readonly #per10s: number;
  readonly #perDay: number;
  readonly #accounts = new Map<string, Counts>();

  constructor(options: { per10s: number; perDay: number }) {
    this.#per10s = options.per10s;
    this.#perDay = options.perDay;
  }

  /** The -1015 refusal (HTTP 429) when one more order would pass a limit, else null. */
  check(account: string, now: number): ApiError | null {
    const c = this.#counts(account, now);
    if (this.#per10s > 0 && c.tenSec >= this.#per10s) {
      const retry = Math.max(1, Math.ceil(((c.tenSecWindow + 1) * TEN_S - now) / 1000));
      return ApiErrors.tooManyOrders(this.#per10s, "10 SECOND", retry);
    }
    if (this.#perDay > 0 && c.day >= this.#perDay) {
      const retry = Math.max(1, Math.ceil(((c.dayWindow + 1) * DAY - now) / 1000));
      return ApiErrors.tooManyOrders(this.#perDay, "1 DAY", retry);
    }
    return null;
  }

  /** Counts one accepted order. */
  add(account: string, now: number): void {
    const c = this.#counts(account, now);
    c.tenSec++;
    c.day++;
  }

  /** `X-MBX-ORDER-COUNT-10S` and `X-MBX-ORDER-COUNT-1D` for the account at `now`. */
  headers(account: string, now: number): Record<string, string> {
    const c = this.#counts(account, now);
    return { "X-MBX-ORDER-COUNT-10S": String(c.tenSec), "X-MBX-ORDER-COUNT-1D": String(c.day) };
  }

  #counts(account: string, now: number): Counts {
    const tenSecWindow = Math.floor(now / TEN_S);
    const dayWindow = Math.floor(now / DAY);
    let c = this.#accounts.get(account);
    if (c === undefined) {
      c = { tenSec: 0, tenSecWindow, day: 0, dayWindow };
      this.#accounts.set(account, c);
    }
    if (c.tenSecWindow !== tenSecWindow) {
      c.tenSecWindow = tenSecWindow;
      c.tenSec = 0;
    }
    if (c.dayWindow !== dayWindow) {
      c.dayWindow = dayWindow;
      c.day = 0;
    }
    return c;
  }
}
