import { z } from "zod";
import { ReasonCodeSchema } from "../../models/reason_code.ts";

/** Event time in ms since the Unix epoch, from the data (never `Date.now()` in replay). */
export const Ts = z.number().int();
/** A Binance symbol name (`BTCUSDT`). */
export const SymbolName = z.string().regex(/^[A-Z0-9]{2,30}$/);
/** The id of the model that produced a message (`h2-0123456789ab`). */
export const ModelVersion = z.string().min(1);
/** A finite number (zod 4 refuses NaN and ±Infinity). */
export const Num = z.number();
/**
 * A non-negative decimal as Binance writes it on the wire (`"0.01000000"`): exact, never a float
 * that was rounded on the way.
 */
export const Decimal = z.string().regex(/^[0-9]{1,20}(\.[0-9]{1,20})?$/);
/** Binance order side. */
export const OrderSide = z.enum(["BUY", "SELL"]);
/** The policy's side: `buy` raises the position to the target, `sell` exits to 0. */
export const IntentSide = z.enum(["buy", "sell"]);
/** Order types the trading path sends. */
export const OrderKind = z.enum(["LIMIT", "MARKET"]);
/** Order types a venue may report. */
export const OrderTypeName = z.enum(["LIMIT", "MARKET", "LIMIT_MAKER"]);
/** Binance time in force. */
export const TimeInForceName = z.enum(["GTC", "IOC", "FOK"]);
/** Binance order status. */
export const OrderStatusName = z.enum([
  "NEW",
  "PARTIALLY_FILLED",
  "FILLED",
  "CANCELED",
  "REJECTED",
  "EXPIRED",
]);
/** Reason codes `|`-joined, in evaluation order (`CONF|SPREAD`). */
export const ReasonList = z.string().refine(
  (s) => s.split("|").every((code) => ReasonCodeSchema.safeParse(code).success),
  { message: "must be reason codes joined by |" },
);
