import ccxt from "ccxt";
import { requestWeight } from "./_ccxt_weights.ts";
import type { RequestWeightBudget } from "./request_weight_budget.ts";

type ProBinance = InstanceType<typeof ccxt.pro.binance>;
type WsClient = Parameters<ProBinance["handleOrderUpdate"]>[0];

/** What the venue answered to a failed REST call, as read from the HTTP answer itself. */
export interface VenueHttpError {
  /** HTTP status (400, 401, 418, 429, 5xx). */
  status: number;
  /** Binance's error code from the body (`-2010`), or null when the body had none. */
  code: number | null;
  /** Binance's `msg`, or the raw body / status text. */
  msg: string;
  /** `Retry-After` in seconds, or null. */
  retryAfterS: number | null;
}

/** Where the raw pieces ccxt receives are passed on, untouched (exact Binance fields). */
export interface CcxtHooks {
  /** Every REST call waits here for its weight, and every answer is reported to it. */
  budget: RequestWeightBudget;
  /** Each user-data `executionReport` (the unwrapped event), in arrival order. */
  onExecutionReport?: (raw: unknown) => void;
  /** Each `<s>@kline_<i>` event. */
  onKline?: (raw: unknown) => void;
  /** Each `<s>@bookTicker` event. */
  onBookTicker?: (raw: unknown) => void;
  /** The body of each successful `exchangeInfo` answer. */
  onExchangeInfo?: (body: string) => void;
}

const venueErrors = new WeakMap<object, VenueHttpError>();

let guards = 0;
function swallowCcxtFuture(e: PromiseRejectionEvent): void {
  if (e.reason instanceof ccxt.NetworkError || e.reason instanceof ccxt.ExchangeClosedByUser) {
    e.preventDefault();
  }
}

/**
 * ccxt 4.5.84 creates WebSocket futures nobody awaits (e.g. `authenticate:signature:spot`, made
 * "ahead of the request" for concurrent callers); when a connection fails they are rejected with
 * a `NetworkError` that becomes an unhandled rejection and would end the process. While at least
 * one guard is held, such rejections (ccxt `NetworkError` / `ExchangeClosedByUser` only) are
 * marked handled; the failure itself still reaches the caller that awaited its own future. Returns
 * the release function.
 */
export function guardCcxtFutures(): () => void {
  if (guards++ === 0) globalThis.addEventListener("unhandledrejection", swallowCcxtFuture);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--guards === 0) globalThis.removeEventListener("unhandledrejection", swallowCcxtFuture);
  };
}

/** The venue's answer behind a ccxt exception, when the exception came from an HTTP answer. */
export function venueErrorOf(err: unknown): VenueHttpError | undefined {
  return typeof err === "object" && err !== null ? venueErrors.get(err) : undefined;
}

/**
 * `ccxt.pro.binance` (ccxt 4.5.84, pinned) with four observation points and nothing else changed:
 *
 * - `fetch2`: every REST call first acquires its weight from the shared `RequestWeightBudget`
 *   (reference §3 table) and releases it when answered or failed;
 * - `onRestResponse`: every answer's `X-MBX-USED-WEIGHT-1M`, status and `Retry-After` feed the
 *   budget, and a successful `exchangeInfo` body is handed on (rate limits, symbol filters);
 * - `handleErrors`: the HTTP status, Binance code/msg and `Retry-After` of a failed call are
 *   attached to the exception ccxt throws (`venueErrorOf`), so rejects keep Binance's code;
 * - `handleOrderUpdate`, `handleOHLCV`, `handleBidsAsks`: the raw stream events are passed on
 *   after ccxt processed them, in arrival order, with Binance's exact decimal strings and the
 *   fields ccxt's unified structures drop (`x` of a kline, the last-fill fields of an
 *   executionReport).
 *
 * The overridden methods are ccxt's own dispatch targets (`handleMessage` looks them up on
 * `this`), so subscriptions, reconnects and caches stay ccxt's.
 */
export class ShoalBinance extends ccxt.pro.binance {
  readonly hooks: CcxtHooks;

  constructor(config: Record<string, unknown>, hooks: CcxtHooks) {
    super(config);
    this.hooks = hooks;
  }

  override async fetch2(
    path: unknown,
    api: unknown = "public",
    method = "GET",
    params: Record<string, unknown> = {},
    headers: unknown = undefined,
    body: unknown = undefined,
    config = {},
  ): Promise<unknown> {
    const ticket = await this.hooks.budget.acquire(requestWeight(method, String(path), params));
    let answered = false;
    try {
      const out = await super.fetch2(path, api, method, params, headers, body, config);
      answered = true;
      return out;
    } catch (err) {
      answered = venueErrorOf(err) !== undefined;
      throw err;
    } finally {
      this.hooks.budget.release(ticket, { answered });
    }
  }

  override onRestResponse(
    statusCode: unknown,
    statusText: unknown,
    url: unknown,
    method: unknown,
    responseHeaders: unknown,
    responseBody: unknown,
    requestHeaders: unknown,
    requestBody: unknown,
  ): unknown {
    const status = Number(statusCode);
    this.hooks.budget.observe({
      status,
      usedWeight: headerNumber(responseHeaders, "x-mbx-used-weight-1m"),
      retryAfterS: headerNumber(responseHeaders, "retry-after"),
    });
    if (status === 200 && /\/exchangeInfo(\?|$)/.test(String(url))) {
      this.hooks.onExchangeInfo?.(String(responseBody));
    }
    return super.onRestResponse(
      statusCode,
      statusText,
      url,
      method,
      responseHeaders,
      responseBody,
      requestHeaders,
      requestBody,
    );
  }

  override handleErrors(
    code: number,
    reason: string,
    url: string,
    method: string,
    headers: Record<string, unknown>,
    body: string,
    response: unknown,
    requestHeaders: unknown,
    requestBody: unknown,
  ): undefined {
    try {
      return super.handleErrors(
        code,
        reason,
        url,
        method,
        headers,
        body,
        response,
        requestHeaders,
        requestBody,
      );
    } catch (err) {
      if (typeof err === "object" && err !== null) {
        venueErrors.set(err, {
          status: code,
          ...binanceBody(body, reason),
          retryAfterS: headerNumber(headers, "retry-after"),
        });
      }
      throw err;
    }
  }

  override handleOrderUpdate(client: WsClient, message: unknown): void {
    super.handleOrderUpdate(client, message);
    this.hooks.onExecutionReport?.(message);
  }

  override handleOHLCV(client: WsClient, message: Record<string, unknown>): void {
    super.handleOHLCV(client, message);
    this.hooks.onKline?.(message);
  }

  override handleBidsAsks(client: WsClient, message: unknown): void {
    super.handleBidsAsks(client, message);
    this.hooks.onBookTicker?.(message);
  }
}

/** A numeric header by case-insensitive name (ccxt capitalises header names), or null. */
function headerNumber(headers: unknown, name: string): number | null {
  if (typeof headers !== "object" || headers === null) return null;
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== name) continue;
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** Binance's `{code, msg}` from an error body, or the body itself as the message. */
function binanceBody(body: string, reason: string): { code: number | null; msg: string } {
  try {
    const json: unknown = JSON.parse(body);
    if (typeof json === "object" && json !== null) {
      const { code, msg } = json as { code?: unknown; msg?: unknown };
      if (typeof code === "number" && Number.isInteger(code)) {
        return { code, msg: typeof msg === "string" ? msg : "" };
      }
    }
  } catch {
    // not JSON: fall through
  }
  const text = typeof body === "string" && body.trim() !== "" ? body.trim() : reason;
  return { code: null, msg: text.slice(0, 200) };
}
