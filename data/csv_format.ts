/**
 * Event time as ISO-8601 UTC with milliseconds, e.g. `formatTs(1747699200000)` →
 * `2025-05-20T00:00:00.000Z`. Fractions of a millisecond are truncated toward -∞ (`Date`).
 *
 * @throws RangeError for a non-finite `ms` or one outside the `Date` range (±8.64e15).
 */
export function formatTs(ms: number): string {
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) {
    throw new RangeError(`Cannot format a timestamp from ms: ${ms}`);
  }
  return new Date(ms).toISOString();
}

/**
 * A number as a plain decimal: the shortest digits that read back to the same float64 (as
 * `String(x)`), but never in exponent notation: `1e-7` → `0.0000001`, `1.5e21` →
 * `1500000000000000000000`, `-0` → `0`, `100` → `100`, `0.1` → `0.1`.
 *
 * @throws RangeError for NaN or ±Infinity: a run must never write them.
 */
export function formatDecimal(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`Cannot write a non-finite number: ${x}`);
  if (x === 0) return "0";
  const s = String(x);
  const e = s.indexOf("e");
  if (e === -1) return s;
  const negative = s.startsWith("-");
  const mantissa = s.slice(negative ? 1 : 0, e);
  const exp = Number(s.slice(e + 1));
  const dot = mantissa.indexOf(".");
  const digits = dot === -1 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  // Position of the decimal point after the first digit, shifted by the exponent.
  const point = (dot === -1 ? mantissa.length : dot) + exp;
  let out: string;
  if (point <= 0) out = `0.${"0".repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + "0".repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${out}` : out;
}

/**
 * One CSV field (RFC 4180): a string that holds a comma, a double quote, CR or LF, or starts or
 * ends with a blank, is wrapped in double quotes with inner quotes doubled; anything else is
 * written as is.
 */
export function formatCsvField(s: string): string {
  if (/[",\r\n]/.test(s) || /^\s|\s$/.test(s)) return `"${s.replaceAll('"', '""')}"`;
  return s;
}

/**
 * The `posteriors` column: state probabilities joined by `|` in state order, each with
 * {@link formatDecimal} (`0.7|0.2|0.1`): no comma, so never quoted. An empty list gives "".
 */
export function formatPosteriors(p: ArrayLike<number>): string {
  const parts: string[] = [];
  for (let i = 0; i < p.length; i++) parts.push(formatDecimal(p[i]));
  return parts.join("|");
}

/** The `reasons` column of `guardrails.csv`: reason codes joined by `|` (`DD|KILL`). */
export function formatReasons(codes: readonly string[]): string {
  return codes.join("|");
}

/**
 * The `detail` column: `key=value` pairs joined by `;` in the given key order
 * (`used=0.021;limit=0.02`); numbers with {@link formatDecimal}. Keys and values must not hold
 * `=` or `;`.
 *
 * @throws RangeError for a key or value with `=` or `;`, or a non-finite number.
 */
export function formatDetail(pairs: Readonly<Record<string, string | number>>): string {
  const out: string[] = [];
  for (const [key, value] of Object.entries(pairs)) {
    const v = typeof value === "number" ? formatDecimal(value) : value;
    if (/[=;]/.test(key) || /[=;]/.test(v)) {
      throw new RangeError(`Cannot write a detail pair with "=" or ";": ${key}=${v}`);
    }
    out.push(`${key}=${v}`);
  }
  return out.join(";");
}
