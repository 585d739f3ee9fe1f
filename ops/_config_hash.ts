import { createHash } from "node:crypto";

/**
 * JSON with every object's keys sorted (recursively) and no whitespace; arrays keep their order.
 * Two configs that differ only in key order give the same text.
 *
 * @throws TypeError for a value JSON cannot hold (NaN, Infinity, a function, a cycle)
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value, new Set()));
}

/**
 * The stable identity of a parsed configuration: SHA-256 (hex) of its `canonicalJson`. Hash the
 * parsed config (defaults filled in), so that two files meaning the same run hash alike;
 * `summary.json` records it.
 */
export function configHash(config: unknown): string {
  return createHash("sha256").update(canonicalJson(config)).digest("hex");
}

function sortKeys(value: unknown, seen: Set<object>): unknown {
  if (typeof value === "number" && !Number.isFinite(value)) {
    throw new TypeError(`Cannot write canonical JSON of a non-finite number: ${value}`);
  }
  if (typeof value === "function" || typeof value === "bigint" || typeof value === "symbol") {
    throw new TypeError(`Cannot write canonical JSON of a ${typeof value}`);
  }
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) throw new TypeError("Cannot write canonical JSON of a cyclic value");
  seen.add(value);
  let out: unknown;
  if (Array.isArray(value)) out = value.map((v) => sortKeys(v, seen));
  else {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) sorted[key] = sortKeys(v, seen);
    }
    out = sorted;
  }
  seen.delete(value);
  return out;
}
