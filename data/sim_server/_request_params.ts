import { ApiErrors, ApiFailure } from "./_api_error.ts";

const INT_RANGE = "^[0-9]{1,20}$";

/**
 * The parameters of one REST request: the query string and, for a form body, the body. A name
 * sent in both places takes the query string's value, as Binance documents. Getters throw
 * {@link ApiFailure} with Binance's codes (-1102 missing, -1100 malformed).
 */
export class RequestParams {
  readonly #values = new Map<string, string>();

  constructor(query: string, body: string) {
    for (const [k, v] of new URLSearchParams(body)) this.#values.set(k, v);
    for (const [k, v] of new URLSearchParams(query)) this.#values.set(k, v);
  }

  /** The raw value, or undefined when absent. Empty strings count as absent. */
  get(name: string): string | undefined {
    const v = this.#values.get(name);
    return v === undefined || v === "" ? undefined : v;
  }

  /** The raw value; -1102 when absent or empty. */
  required(name: string): string {
    const v = this.get(name);
    if (v === undefined) throw new ApiFailure(ApiErrors.mandatory(name));
    return v;
  }

  /** A non-negative integer parameter, or undefined; -1100 when not digits. */
  int(name: string): number | undefined {
    const v = this.get(name);
    if (v === undefined) return undefined;
    if (!/^[0-9]{1,20}$/.test(v) || !Number.isSafeInteger(Number(v))) {
      throw new ApiFailure(ApiErrors.illegalChars(name, INT_RANGE));
    }
    return Number(v);
  }

  /** A JSON array of strings (`symbols=["A","B"]`), or undefined; -1100 when malformed. */
  stringArray(name: string): string[] | undefined {
    const v = this.get(name);
    if (v === undefined) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch {
      throw new ApiFailure(ApiErrors.illegalChars(name, '["SYMBOL",...]'));
    }
    if (!Array.isArray(parsed) || !parsed.every((s) => typeof s === "string") || !parsed.length) {
      throw new ApiFailure(ApiErrors.illegalChars(name, '["SYMBOL",...]'));
    }
    return parsed;
  }

  /** Every parameter as a plain object (values as sent). */
  toObject(): Record<string, string> {
    return Object.fromEntries(this.#values);
  }
}
