/**
 * A request the simulated exchange refused, exactly as Binance would answer it: the body is
 * `{code, msg}` and `httpStatus` is the HTTP status to send (400 for everything here), so a
 * server only has to serialise it.
 */
export interface SimReject {
  code: number;
  msg: string;
  httpStatus: number;
}

/** The result of an engine call: the Binance-shaped value, or the Binance reject. */
export type SimOutcome<T> = { ok: true; value: T } | { ok: false; reject: SimReject };

const CLIENT_ID_RANGE = "^[\\.A-Z\\:/a-z0-9_-]{1,36}$";
const DECIMAL_RANGE = "^([0-9]{1,20})(\\.[0-9]{1,20})?$";

function r(code: number, msg: string): SimReject {
  return { code, msg, httpStatus: 400 };
}

/** Builders for every reject the engine gives, with Binance's exact codes and messages. */
export const SimReject = {
  /** -1121 for an unknown symbol. */
  invalidSymbol: (): SimReject => r(-1121, "Invalid symbol."),
  /** -1013 when a symbol filter fails, e.g. `filter("LOT_SIZE")`. */
  filter: (filterType: string): SimReject => r(-1013, `Filter failure: ${filterType}`),
  /** -2010 when free balance does not cover the order. */
  insufficientBalance: (): SimReject =>
    r(-2010, "Account has insufficient balance for requested action."),
  /** -2010 for a LIMIT_MAKER that would trade at once. */
  wouldTake: (): SimReject => r(-2010, "Order would immediately match and take."),
  /** -2010 for a newClientOrderId already used by an open order of the account. */
  duplicateOrder: (): SimReject => r(-2010, "Duplicate order sent."),
  /** -2010 for a symbol whose status is not TRADING. */
  marketClosed: (): SimReject => r(-2010, "Market is closed."),
  /** -2010 for MARKET on a symbol without MARKET in its orderTypes. */
  marketNotSupported: (): SimReject => r(-2010, "Market orders are not supported for this symbol."),
  /** -2010 for quoteOrderQty on a symbol that does not allow it (Binance's wording, sic). */
  quoteOrderQtyNotSupported: (): SimReject =>
    r(-2010, "Quote order qty market orders are not support for this symbol."),
  /** -2010 for order types the simulator does not implement (stop and take-profit orders). */
  unsupportedCombination: (): SimReject => r(-2010, "Unsupported order combination"),
  /** -2010 when price × quantity is 0 and no filter caught it. */
  zeroNotional: (): SimReject => r(-2010, "Price * QTY is zero or less."),
  /** -2011 when a cancel names no open order. */
  unknownOrder: (): SimReject => r(-2011, "Unknown order sent."),
  /** -2013 when a query names no order. */
  noSuchOrder: (): SimReject => r(-2013, "Order does not exist."),
  /** -1102 for a missing or empty mandatory parameter. */
  mandatory: (param: string): SimReject =>
    r(-1102, `Mandatory parameter '${param}' was not sent, was empty/null, or malformed.`),
  /** -1102 when neither of two alternative parameters was sent. */
  eitherParam: (a: string, b: string): SimReject =>
    r(-1102, `Param '${a}' or '${b}' must be sent, but both were empty/null!`),
  /** -1100 for a decimal parameter that is not a plain non-negative decimal. */
  illegalDecimal: (param: string): SimReject =>
    r(
      -1100,
      `Illegal characters found in parameter '${param}'; legal range is '${DECIMAL_RANGE}'.`,
    ),
  /** -1100 for a client order id outside Binance's pattern. */
  illegalClientOrderId: (param: string): SimReject =>
    r(
      -1100,
      `Illegal characters found in parameter '${param}'; legal range is '${CLIENT_ID_RANGE}'.`,
    ),
  /** -1111 for more decimals than the asset allows. */
  precision: (param: string): SimReject => r(-1111, `Parameter '${param}' has too much precision.`),
  /** -1115 for an unknown timeInForce. */
  invalidTimeInForce: (): SimReject => r(-1115, "Invalid timeInForce."),
  /** -1116 for an unknown order type. */
  invalidOrderType: (): SimReject => r(-1116, "Invalid orderType."),
  /** -1117 for an unknown side. */
  invalidSide: (): SimReject => r(-1117, "Invalid side."),
  /** -1128 for parameters that may not be sent together (quantity and quoteOrderQty). */
  badCombination: (): SimReject => r(-1128, "Combination of optional parameters invalid."),
} as const;

/** Binance's newClientOrderId pattern. */
export const CLIENT_ORDER_ID_PATTERN = new RegExp(CLIENT_ID_RANGE);
