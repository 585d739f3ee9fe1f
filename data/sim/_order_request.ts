import type { SymbolRules } from "./exchange_info.ts";
import { FIXED8_ONE, parseFixed8, tryParseFixed8 } from "./fixed8.ts";
import { CLIENT_ORDER_ID_PATTERN, SimReject } from "./sim_reject.ts";
import { OrderType, type PlaceOrderRequest, Side, TimeInForce } from "./sim_records.ts";

/** Binance order types that exist but that the simulator does not execute. */
const UNSUPPORTED_TYPES = new Set([
  "STOP_LOSS",
  "STOP_LOSS_LIMIT",
  "TAKE_PROFIT",
  "TAKE_PROFIT_LIMIT",
]);

/** A `placeOrder` request after Binance's parameter checks, decimals in fixed8. */
export interface ParsedOrder {
  rules: SymbolRules;
  side: Side;
  type: OrderType;
  timeInForce: TimeInForce;
  price: bigint | null;
  qty: bigint | null;
  quoteQty: bigint | null;
  clientOrderId: string | null;
  confidence: number | null;
}

/** A parsed request, or the reject Binance would give for it. */
export type ParseOutcome = { ok: true; order: ParsedOrder } | { ok: false; reject: SimReject };

/**
 * Checks the parameters of a `placeOrder` request the way Binance does before the filters:
 * mandatory parameters (-1102), enum values (-1115/-1116/-1117), decimal syntax (-1100) and
 * precision (-1111, also against the symbol's asset precisions), the symbol (-1121), the symbol
 * status and allowed order types (-2010).
 */
export function parseOrderRequest(
  req: PlaceOrderRequest,
  symbols: ReadonlyMap<string, SymbolRules>,
): ParseOutcome {
  const fail = (reject: SimReject): ParseOutcome => ({ ok: false, reject });
  if (!isNonEmpty(req.symbol)) return fail(SimReject.mandatory("symbol"));
  if (!isNonEmpty(req.side)) return fail(SimReject.mandatory("side"));
  if (!isNonEmpty(req.type)) return fail(SimReject.mandatory("type"));
  if (req.side !== Side.BUY && req.side !== Side.SELL) return fail(SimReject.invalidSide());
  const known = Object.values(OrderType) as string[];
  if (!known.includes(req.type) && !UNSUPPORTED_TYPES.has(req.type)) {
    return fail(SimReject.invalidOrderType());
  }
  const rules = symbols.get(req.symbol);
  if (rules === undefined) return fail(SimReject.invalidSymbol());
  if (UNSUPPORTED_TYPES.has(req.type)) return fail(SimReject.unsupportedCombination());
  const type = req.type as OrderType;

  let timeInForce: TimeInForce = TimeInForce.GTC;
  if (type === OrderType.LIMIT) {
    if (!isNonEmpty(req.timeInForce)) return fail(SimReject.mandatory("timeInForce"));
    if (!(Object.values(TimeInForce) as string[]).includes(req.timeInForce)) {
      return fail(SimReject.invalidTimeInForce());
    }
    timeInForce = req.timeInForce as TimeInForce;
  }

  let qty: bigint | null = null;
  let quoteQty: bigint | null = null;
  let price: bigint | null = null;
  const hasQty = isPresent(req.quantity);
  const hasQuote = isPresent(req.quoteOrderQty);
  if (type === OrderType.MARKET) {
    if (!hasQty && !hasQuote) return fail(SimReject.eitherParam("quantity", "quoteOrderQty"));
    if (hasQty && hasQuote) return fail(SimReject.badCombination());
  } else {
    if (!hasQty) return fail(SimReject.mandatory("quantity"));
    if (!isPresent(req.price)) return fail(SimReject.mandatory("price"));
  }
  if (hasQty) {
    const r = decimalParam(req.quantity, "quantity", rules.baseAssetPrecision);
    if (!r.ok) return fail(r.reject);
    qty = r.value;
  }
  if (hasQuote) {
    const r = decimalParam(req.quoteOrderQty, "quoteOrderQty", rules.quoteAssetPrecision);
    if (!r.ok) return fail(r.reject);
    quoteQty = r.value;
  }
  if (type !== OrderType.MARKET) {
    const r = decimalParam(req.price, "price", rules.quotePrecision);
    if (!r.ok) return fail(r.reject);
    price = r.value;
  }

  let clientOrderId: string | null = null;
  if (req.newClientOrderId !== undefined && req.newClientOrderId !== "") {
    if (
      typeof req.newClientOrderId !== "string" ||
      !CLIENT_ORDER_ID_PATTERN.test(req.newClientOrderId)
    ) {
      return fail(SimReject.illegalClientOrderId("newClientOrderId"));
    }
    clientOrderId = req.newClientOrderId;
  }
  let confidence: number | null = null;
  if (req.confidence !== undefined) {
    const c = req.confidence;
    if (typeof c !== "number" || !Number.isFinite(c) || c < 0 || c > 1) {
      return fail(SimReject.mandatory("confidence"));
    }
    confidence = c;
  }

  if (rules.status !== "TRADING") return fail(SimReject.marketClosed());
  if (!rules.orderTypes.includes(type)) {
    return fail(
      type === OrderType.MARKET
        ? SimReject.marketNotSupported()
        : SimReject.unsupportedCombination(),
    );
  }
  if (quoteQty !== null && !rules.quoteOrderQtyMarketAllowed) {
    return fail(SimReject.quoteOrderQtyNotSupported());
  }
  return {
    ok: true,
    order: {
      rules,
      side: req.side,
      type,
      timeInForce,
      price,
      qty,
      quoteQty,
      clientOrderId,
      confidence,
    },
  };
}

function isNonEmpty(v: unknown): v is string {
  return typeof v === "string" && v.length > 0;
}

function isPresent(v: unknown): boolean {
  return v !== undefined && v !== null && v !== "";
}

/** Reads a decimal parameter strictly: Binance's syntax for strings, exact decimals for numbers. */
function decimalParam(
  v: unknown,
  param: string,
  precision: number,
): { ok: true; value: bigint } | { ok: false; reject: SimReject } {
  let value: bigint;
  if (typeof v === "string") {
    const r = tryParseFixed8(v);
    if (!r.ok) {
      return {
        ok: false,
        reject: r.reason === "precision"
          ? SimReject.precision(param)
          : SimReject.illegalDecimal(param),
      };
    }
    value = r.value;
  } else if (typeof v === "number" && Number.isFinite(v) && v >= 0) {
    try {
      value = parseFixed8(String(v));
    } catch {
      return { ok: false, reject: SimReject.precision(param) };
    }
  } else {
    return { ok: false, reject: SimReject.illegalDecimal(param) };
  }
  if (decimalsOf(value) > precision) return { ok: false, reject: SimReject.precision(param) };
  return { ok: true, value };
}

/** Significant decimals of a fixed8 value (0..8). */
function decimalsOf(value: bigint): number {
  let frac = value % FIXED8_ONE;
  if (frac === 0n) return 0;
  let d = 8;
  while (frac % 10n === 0n) {
    frac /= 10n;
    d--;
  }
  return d;
}
