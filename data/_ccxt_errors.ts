import ccxt from "ccxt";
import type { GatewayReject } from "./gateway.ts";
import { venueErrorOf } from "./_ccxt_client.ts";

/**
 * What a failed ccxt call means for the caller:
 *
 * - `reject`: the venue refused the request (Binance's code and message): it did not happen.
 * - `refused`: the request was turned away before the matching engine (HTTP 429/418, `-1003`
 *   "Too many requests queued", `-1021` timestamp outside the window): it did not happen and may
 *   be sent again after `retryAfterMs` (the `RequestWeightBudget` already waits a 429/418 out).
 * - `unknown`: no usable answer (timeout, connection reset, HTTP 5xx, unparsable body): the
 *   request may or may not have happened; a placement must be looked up before it is sent again.
 */
export type CcxtFailure =
  | { kind: "reject"; reject: GatewayReject }
  | { kind: "refused"; retryAfterMs: number; reason: string }
  | { kind: "unknown"; reason: string };

/** Binance's code for ccxt exceptions raised without a venue answer (client-side checks). */
const CLASS_CODES: ReadonlyArray<[new (...args: never[]) => Error, number]> = [
  [ccxt.BadSymbol, -1121],
  [ccxt.InsufficientFunds, -2010],
  [ccxt.OrderNotFound, -2013],
  [ccxt.InvalidOrder, -1013],
  [ccxt.ArgumentsRequired, -1102],
  [ccxt.BadRequest, -1102],
  [ccxt.AuthenticationError, -2015],
];

/**
 * Sorts a ccxt exception into {@link CcxtFailure}. Binance's code and message come from the
 * HTTP answer itself (`venueErrorOf`: ccxt's message drops the code when it matched the text);
 * ccxt's class decides only when there was no answer. Anything that is not a ccxt exception (a
 * bug) is thrown again.
 */
export function classifyCcxtError(err: unknown): CcxtFailure {
  const venue = venueErrorOf(err);
  if (venue !== undefined) {
    if (venue.status === 429 || venue.status === 418) {
      return {
        kind: "refused",
        retryAfterMs: (venue.retryAfterS ?? 60) * 1000,
        reason: `HTTP ${venue.status} ${venue.code ?? ""} ${venue.msg}`.replace(/\s+/g, " "),
      };
    }
    if (venue.code === -1003 || venue.code === -1021) {
      return { kind: "refused", retryAfterMs: 1000, reason: `${venue.code} ${venue.msg}` };
    }
    if (venue.status >= 500) {
      return { kind: "unknown", reason: `HTTP ${venue.status} ${venue.msg}` };
    }
    if (venue.code !== null) {
      return { kind: "reject", reject: { code: venue.code, msg: venue.msg } };
    }
    return { kind: "unknown", reason: `HTTP ${venue.status} without a Binance code: ${venue.msg}` };
  }
  if (!(err instanceof ccxt.BaseError)) throw err;
  const reason = `${err.constructor.name}: ${err.message}`.slice(0, 300);
  if (err instanceof ccxt.NetworkError || err instanceof ccxt.BadResponse) {
    return { kind: "unknown", reason };
  }
  for (const [cls, code] of CLASS_CODES) {
    if (err instanceof cls) return { kind: "reject", reject: { code, msg: stripId(err.message) } };
  }
  return { kind: "reject", reject: { code: -1000, msg: stripId(err.message) } };
}

/** True for the exception ccxt raises once `close()` was called (watch loops end on it). */
export function isClosedByUser(err: unknown): boolean {
  return err instanceof ccxt.ExchangeClosedByUser;
}

function stripId(message: string): string {
  return message.replace(/^binance\s+/, "").slice(0, 200);
}
