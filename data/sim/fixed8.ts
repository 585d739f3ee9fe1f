/**
 * Exact decimal arithmetic on Binance's 8-decimal grid.
 *
 * Representation: every price, quantity, balance, fee and fee rate in the simulated exchange is a
 * `bigint` counting units of 1e-8 ("fixed8"), so `"0.01000000"` is `1_000_000n` and `"1"` is
 * `100_000_000n`. Sums and differences are exact; `price % tickSize === 0n` is an exact test; a
 * product of two fixed8 values is in units of 1e-16 and is compared or divided back exactly with
 * `mulFixed8` / `divFixed8` and an explicit rounding direction. Binance itself pads every decimal
 * to 8 places on the wire, which `formatFixed8` reproduces.
 */

/** One whole unit (1.0) in fixed8. */
export const FIXED8_ONE = 100_000_000n;

/** How a result that falls between two fixed8 values is rounded. */
export const Rounding = {
  /** Toward minus infinity. */
  FLOOR: "floor",
  /** Toward plus infinity. */
  CEIL: "ceil",
  /** To the nearest, halves away from zero. */
  HALF_UP: "halfUp",
} as const;
/** One rounding direction. */
export type Rounding = typeof Rounding[keyof typeof Rounding];

/** Outcome of `tryParseFixed8`: the value, or why the text is not one. */
export type Fixed8Parse =
  | { ok: true; value: bigint; decimals: number }
  | { ok: false; reason: "malformed" | "precision" };

const PLAIN = /^([0-9]{1,20})(?:\.([0-9]{1,20}))?$/;
const GENERAL = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$/;

/**
 * Parses a non-negative decimal in Binance's request syntax (`^([0-9]{1,20})(\.[0-9]{1,20})?$`).
 * `decimals` is the number of significant fraction digits (trailing zeros do not count), so a
 * caller can apply an asset's precision. More than 8 significant decimals gives
 * `reason: "precision"`; anything else that does not match gives `reason: "malformed"`.
 */
export function tryParseFixed8(text: string): Fixed8Parse {
  const m = PLAIN.exec(text);
  if (m === null) return { ok: false, reason: "malformed" };
  const frac = (m[2] ?? "").replace(/0+$/, "");
  if (frac.length > 8) return { ok: false, reason: "precision" };
  const value = BigInt(m[1]) * FIXED8_ONE + BigInt(frac.padEnd(8, "0") || "0");
  return { ok: true, value, decimals: frac.length };
}

/**
 * Parses a decimal string into fixed8. Accepts an optional sign and exponent (`"-1.5"`,
 * `"1e-7"`), as JSON configs and `String(number)` produce them.
 *
 * @throws SyntaxError when the text is not a decimal number.
 * @throws RangeError when it has more than 8 significant decimals.
 */
export function parseFixed8(text: string): bigint {
  const exact = decimalToFixed8(text, null);
  if (exact === "malformed") throw new SyntaxError(`Cannot parse a decimal: text is "${text}"`);
  if (exact === "precision") {
    throw new RangeError(`Cannot parse a decimal with more than 8 decimals: text is "${text}"`);
  }
  return exact;
}

/**
 * Converts a float (e.g. a model's size) to fixed8 through its shortest decimal form
 * (`String(value)`), rounding digits beyond the 8th decimal as asked. `0.1 + 0.2` becomes
 * `30_000_000n` under `HALF_UP`, not 30000000.000000004.
 *
 * @param options.rounding @default {"halfUp"}
 * @throws RangeError when the value is not finite.
 */
export function fixed8FromNumber(value: number, options: { rounding?: Rounding } = {}): bigint {
  if (!Number.isFinite(value)) throw new RangeError(`Cannot convert to fixed8: value is ${value}`);
  const out = decimalToFixed8(String(value), options.rounding ?? Rounding.HALF_UP);
  if (typeof out !== "bigint") throw new RangeError(`Cannot convert to fixed8: value is ${value}`);
  return out;
}

const EXACT_UNITS = 2n ** 53n;

/** The nearest float to a fixed8 value (for estimators and reports, never for balances). */
export function fixed8ToNumber(value: bigint): number {
  // below 2^53 units the bigint converts exactly and one correctly rounded division gives the
  // nearest double; larger values go through the decimal text
  if (value < EXACT_UNITS && value > -EXACT_UNITS) return Number(value) / 1e8;
  return Number(formatFixed8(value));
}

/**
 * Formats fixed8 as Binance does on the wire: always 8 decimals (`1_000_000n` → `"0.01000000"`).
 *
 * @param options.decimals digits after the point, 0..8; extra digits are cut (toward zero).
 *   @default {8}
 */
export function formatFixed8(value: bigint, options: { decimals?: number } = {}): string {
  const decimals = options.decimals ?? 8;
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 8) {
    throw new RangeError(`Cannot format fixed8 with decimals: decimals is ${decimals}`);
  }
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const whole = abs / FIXED8_ONE;
  const frac = (abs % FIXED8_ONE).toString().padStart(8, "0").slice(0, decimals);
  const body = decimals === 0 ? whole.toString() : `${whole}.${frac}`;
  return negative && /[1-9]/.test(body) ? `-${body}` : body;
}

/** `a * b` for two fixed8 values, back in fixed8, rounded as asked (e.g. price × qty = quote). */
export function mulFixed8(a: bigint, b: bigint, rounding: Rounding): bigint {
  return divRound(a * b, FIXED8_ONE, rounding);
}

/** `a / b` for two fixed8 values, in fixed8, rounded as asked; throws RangeError when b is 0. */
export function divFixed8(a: bigint, b: bigint, rounding: Rounding): bigint {
  if (b === 0n) throw new RangeError(`Cannot divide by zero: divisor is ${b}`);
  return divRound(a * FIXED8_ONE, b, rounding);
}

/**
 * `value` rounded to a multiple of `step` (a tick or lot step). A step of 0 means "no grid" and
 * returns `value` unchanged.
 */
export function roundToStep(value: bigint, step: bigint, rounding: Rounding): bigint {
  if (step === 0n) return value;
  return divRound(value, step, rounding) * step;
}

/** Integer division `n / d` (d > 0) rounded as asked. */
export function divRound(n: bigint, d: bigint, rounding: Rounding): bigint {
  if (d <= 0n) throw new RangeError(`Cannot divide by a non-positive divisor: divisor is ${d}`);
  const q = n / d; // truncates toward zero
  const r = n % d;
  if (r === 0n) return q;
  switch (rounding) {
    case Rounding.FLOOR:
      return n < 0n ? q - 1n : q;
    case Rounding.CEIL:
      return n < 0n ? q : q + 1n;
    case Rounding.HALF_UP: {
      const twice = (r < 0n ? -r : r) * 2n;
      if (twice < d) return q;
      return n < 0n ? q - 1n : q + 1n;
    }
  }
}

/**
 * Parses a general decimal; digits beyond the 8th decimal are rounded when `rounding` is given,
 * otherwise they give "precision".
 */
function decimalToFixed8(
  text: string,
  rounding: Rounding | null,
): bigint | "malformed" | "precision" {
  const m = GENERAL.exec(text.trim());
  if (m === null) return "malformed";
  const [, sign, intPart, fracPart = "", expPart] = m;
  if (intPart === "" && fracPart === "") return "malformed";
  const exp = expPart === undefined ? 0 : Number(expPart);
  if (!Number.isSafeInteger(exp) || Math.abs(exp) > 400) return "malformed";
  // digits × 10^(exp - fracLen) = value; we want value × 10^8.
  const digits = BigInt((intPart + fracPart).replace(/^0+(?=\d)/, "") || "0");
  const shift = exp - fracPart.length + 8;
  let units: bigint;
  if (shift >= 0) {
    units = digits * 10n ** BigInt(shift);
  } else {
    const d = 10n ** BigInt(-shift);
    if (rounding === null) {
      if (digits % d !== 0n) return "precision";
      units = digits / d;
    } else {
      return divRound(sign === "-" ? -digits : digits, d, rounding);
    }
  }
  return sign === "-" ? -units : units;
}
