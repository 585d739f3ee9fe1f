/**
 * Binance's error answers as the server sends them: body `{code, msg}`, an HTTP status and
 * optional headers (`Retry-After`). Handlers throw {@link ApiFailure}; the router turns it into
 * the response, so a handler never builds an error response by hand.
 */
export interface ApiError {
  code: number;
  msg: string;
  status: number;
  headers?: Record<string, string>;
}

/** A request the server refuses with a Binance error; caught by the router. */
export class ApiFailure extends Error {
  override readonly name = "ApiFailure";
  readonly error: ApiError;
  constructor(error: ApiError) {
    super(`Binance error ${error.code}: ${error.msg}`);
    this.error = error;
  }
}

function e(code: number, msg: string, status = 400): ApiError {
  return { code, msg, status };
}

/** Builders for the errors the server produces itself (engine rejects pass through as-is). */
export const ApiErrors = {
  /** -1000, HTTP 500: a bug on our side; the message names it. */
  internal: (what: string): ApiError => e(-1000, `An unknown error occurred: ${what}`, 500),
  /** -1000, HTTP 404: no such endpoint. */
  notFound: (path: string): ApiError => e(-1000, `Unknown endpoint: ${path}`, 404),
  /** -1000, HTTP 405: the endpoint exists but not with this method. */
  methodNotAllowed: (method: string, path: string): ApiError =>
    e(-1000, `Method ${method} is not allowed on ${path}`, 405),
  /** -1003, HTTP 429: request weight over the limit for this minute. */
  tooMuchWeight: (limit: number, retryAfterS: number): ApiError => ({
    code: -1003,
    msg: `Too much request weight used; current limit is ${limit} request weight per 1 MINUTE. ` +
      "Please use WebSocket Streams for live updates to avoid polling the API.",
    status: 429,
    headers: { "Retry-After": String(retryAfterS) },
  }),
  /** -1003, HTTP 418: the IP kept sending after 429s and is banned until `untilMs`. */
  banned: (untilMs: number, retryAfterS: number): ApiError => ({
    code: -1003,
    msg: `Way too much request weight used; IP banned until ${untilMs}. ` +
      "Please use WebSocket Streams for live updates to avoid bans.",
    status: 418,
    headers: { "Retry-After": String(retryAfterS) },
  }),
  /** -1015, HTTP 429: too many new orders in the account's order-count window. */
  tooManyOrders: (limit: number, interval: string, retryAfterS: number): ApiError => ({
    code: -1015,
    msg: `Too many new orders; current limit is ${limit} orders per ${interval}.`,
    status: 429,
    headers: { "Retry-After": String(retryAfterS) },
  }),
  /** -1020: an operation this server does not implement. */
  unsupported: (): ApiError => e(-1020, "This operation is not supported."),
  /** -1021: `timestamp` ahead of the server by 1000 ms or more. */
  timestampAhead: (): ApiError =>
    e(-1021, "Timestamp for this request was 1000ms ahead of the server's time."),
  /** -1021: `timestamp` older than `recvWindow`. */
  outsideRecvWindow: (): ApiError =>
    e(-1021, "Timestamp for this request is outside of the recvWindow."),
  /** -1022: the HMAC does not match. */
  badSignature: (): ApiError => e(-1022, "Signature for this request is not valid."),
  /** -1100: a parameter that does not have the expected form. */
  illegalChars: (param: string, range: string): ApiError =>
    e(-1100, `Illegal characters found in parameter '${param}'; legal range is '${range}'.`),
  /** -1102: a mandatory parameter missing or empty. */
  mandatory: (param: string): ApiError =>
    e(-1102, `Mandatory parameter '${param}' was not sent, was empty/null, or malformed.`),
  /** -1120: an unknown kline interval. */
  invalidInterval: (): ApiError => e(-1120, "Invalid interval."),
  /** -1121: an unknown symbol. */
  invalidSymbol: (): ApiError => e(-1121, "Invalid symbol."),
  /** -1131: recvWindow above 60000. */
  recvWindowTooLarge: (): ApiError => e(-1131, "recvWindow must be less than 60000"),
  /** -2014, HTTP 401: no API key header (or an empty one). */
  apiKeyFormat: (): ApiError => e(-2014, "API-key format invalid.", 401),
  /** -2015, HTTP 401: unknown API key. */
  rejectedKey: (): ApiError => e(-2015, "Invalid API-key, IP, or permissions for action.", 401),
} as const;
