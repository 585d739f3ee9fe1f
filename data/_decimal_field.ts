import type { QaRule } from "./qa_report.ts";

const DECIMAL = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;
const NON_FINITE = /^\s*[+-]?(?:nan|inf|infinity)\s*$/i;
/** 10^0 .. 10^22: every one exact in float64. */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * Parses a CSV field as a plain decimal number (optional sign, digits, optional fraction and
 * exponent; surrounding blanks allowed). Anything else, `""` and `0x10` included, gives NaN, so
 * that `Number("")` = 0 never sneaks in. Overflow (`1e999`) gives ±Infinity.
 */
export function parseDecimalField(s: string): number {
  return DECIMAL.test(s) ? Number(s) : NaN;
}

/**
 * {@link parseDecimalField} of `s.slice(start, end)`, without the slice on the common path:
 * `[+-]digits[.digits]` with at most 15 digits is parsed as an integer mantissa divided by an
 * exact power of ten, a single correctly rounded IEEE operation, so the result is bit-identical
 * to `Number()` (Clinger 1990, the "fast path"); anything else falls back to the regex path.
 */
export function parseDecimalRange(s: string, start: number, end: number): number {
  let i = start;
  let negative = false;
  let c = s.charCodeAt(i);
  if (c === 45 || c === 43) {
    negative = c === 45;
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let fraction = -1;
  for (; i < end; i++) {
    c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
    } else if (c === 46 && fraction < 0) {
      fraction = digits;
    } else {
      return parseDecimalField(s.slice(start, end));
    }
  }
  if (digits === 0 || digits > 15) return parseDecimalField(s.slice(start, end));
  const scale = fraction < 0 ? 0 : digits - fraction;
  const x = scale === 0 ? mantissa : mantissa / POW10[scale];
  return negative ? -x : x;
}

/** The QA rule for a field {@link parseDecimalField} did not turn into a finite number. */
export function badFieldRule(s: string): QaRule {
  return DECIMAL.test(s) || NON_FINITE.test(s) ? "non_finite" : "non_numeric";
}
