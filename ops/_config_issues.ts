import type { z } from "zod";
import type { ConfigIssue } from "./_config_error.ts";

/**
 * One `ConfigIssue` per bad field of a zod error: a dotted path, the rule in words and the value
 * found in `raw` (the unparsed JSON). An unknown key gives one issue per key.
 */
export function configIssuesFromZod(error: z.ZodError, raw: unknown): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of error.issues) {
    const path = issue.path;
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const at = [...path, key];
        out.push({ path: dotted(at), rule: "is not a known field", value: valueAt(raw, at) });
      }
      continue;
    }
    out.push({
      path: dotted(path),
      rule: ruleOf(issue, valueAt(raw, path)),
      value: valueAt(raw, path),
    });
  }
  return out;
}

/** The value at `path` in a JSON value; undefined when absent. */
export function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v = raw;
  for (const key of path) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function dotted(path: readonly PropertyKey[]): string {
  return path.map(String).join(".");
}

function ruleOf(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case "too_small":
      return bound(issue.origin, issue.inclusive ? "≥" : ">", issue.minimum, "at least");
    case "too_big":
      return bound(issue.origin, issue.inclusive ? "≤" : "<", issue.maximum, "at most");
    case "invalid_type":
      if (value === undefined) return `is required (${withArticle(issue.expected)})`;
      return `must be ${withArticle(issue.expected)}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_key": {
      const inner = issue.issues[0]?.message ?? "is not allowed";
      return `is not a valid key: ${inner}`;
    }
    case "invalid_union": {
      const kinds = issue.errors.flatMap((errs) =>
        errs.flatMap((e) => e.code === "invalid_type" ? [withArticle(e.expected)] : [])
      );
      if (kinds.length > 0 && kinds.length === issue.errors.length) {
        return `must be ${kinds.join(" or ")}`;
      }
      return "does not match any allowed form";
    }
    case "not_multiple_of":
      return `must be a multiple of ${issue.divisor}`;
    case "invalid_format":
      return issue.message.startsWith("must") ? issue.message : `must match ${issue.pattern}`;
    default:
      return issue.message;
  }
}

function bound(origin: string, op: string, limit: number | bigint, words: string): string {
  switch (origin) {
    case "array":
    case "set":
      return `must have ${words} ${limit} item${Number(limit) === 1 ? "" : "s"}`;
    case "string":
      return `must have ${words} ${limit} character${Number(limit) === 1 ? "" : "s"}`;
    default:
      return `must be ${op} ${limit}`;
  }
}

function withArticle(expected: string): string {
  if (expected === "int") return "an integer";
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}
