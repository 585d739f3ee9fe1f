import { type ApiError, ApiErrors } from "./_api_error.ts";

/** What {@link RequestWeights.charge} decided: pass with the used weight, or refuse. */
export type WeightDecision =
  | { ok: true; used: number }
  | { ok: false; used: number; error: ApiError };

/** Limits of {@link RequestWeights}. */
export interface RequestWeightOptions {
  /** REQUEST_WEIGHT per IP per wall-clock minute (Binance today: 6000). */
  limit: number;
  /** Over-limit requests answered 429 in one minute before the next one bans the IP. */
  banAfter: number;
  /** First ban length, ms; each further ban of the same IP doubles it. */
  banMs: number;
  /** Longest ban, ms (Binance: 3 days). */
  maxBanMs: number;
}

interface IpState {
  window: number;
  used: number;
  rejected: number;
  bannedUntil: number;
  bans: number;
}

const MINUTE = 60_000;

/**
 * Binance's REQUEST_WEIGHT limit per client IP over fixed wall-clock minutes
 * (`floor(now / 60000)`), with its two refusals:
 * - a request whose weight would take the minute's total past `limit` is refused with HTTP 429,
 *   `-1003` and `Retry-After` = seconds to the end of the minute; it adds no weight;
 * - an IP that keeps sending: once `banAfter` requests were refused with 429 in one minute, the
 *   next over-limit request bans the IP for `banMs` (doubling per repeat ban, at most
 *   `maxBanMs`); every request during a ban gets HTTP 418, `-1003` and `Retry-After` = seconds
 *   left.
 * A request that fits is always served, even after a 429 (it is not abuse). Time comes from the
 * caller (`now`, wall ms), so tests drive it with a manual clock.
 */
export class RequestWeights {
  readonly #options: RequestWeightOptions;
  readonly #ips = new Map<string, IpState>();

  constructor(options: RequestWeightOptions) {
    this.#options = options;
  }

  /** The configured limits. */
  get options(): RequestWeightOptions {
    return this.#options;
  }

  /** Counts `weight` for `ip` at `now` when it fits; otherwise the 429/418 answer. */
  charge(ip: string, weight: number, now: number): WeightDecision {
    const s = this.#state(ip, now);
    if (s.bannedUntil > now) {
      return {
        ok: false,
        used: s.used,
        error: ApiErrors.banned(
          s.bannedUntil,
          Math.max(1, Math.ceil((s.bannedUntil - now) / 1000)),
        ),
      };
    }
    if (s.used + weight <= this.#options.limit) {
      s.used += weight;
      return { ok: true, used: s.used };
    }
    s.rejected++;
    if (s.rejected > this.#options.banAfter) {
      s.bans++;
      const ms = Math.min(this.#options.banMs * 2 ** (s.bans - 1), this.#options.maxBanMs);
      s.bannedUntil = now + ms;
      s.rejected = 0;
      return {
        ok: false,
        used: s.used,
        error: ApiErrors.banned(s.bannedUntil, Math.max(1, Math.ceil(ms / 1000))),
      };
    }
    const retry = Math.max(1, Math.ceil(((s.window + 1) * MINUTE - now) / 1000));
    return { ok: false, used: s.used, error: ApiErrors.tooMuchWeight(this.#options.limit, retry) };
  }

  /** Weight used by `ip` in the minute of `now`. */
  used(ip: string, now: number): number {
    return this.#state(ip, now).used;
  }

  #state(ip: string, now: number): IpState {
    const window = Math.floor(now / MINUTE);
    let s = this.#ips.get(ip);
    if (s === undefined) {
      s = { window, used: 0, rejected: 0, bannedUntil: 0, bans: 0 };
      this.#ips.set(ip, s);
    } else if (s.window !== window) {
      s.window = window;
      s.used = 0;
      s.rejected = 0;
    }
    return s;
  }
}
