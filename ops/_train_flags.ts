import { z } from "zod";
import { SYMBOL_PATTERN } from "../models/model_file.ts";

/** Bad command-line input; the entry point prints `message` (one line) and exits 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/**
 * Splits `--name value`, `--name=value` and bare boolean flags (`booleans`) into a record. A
 * positional argument, a repeated flag or a value flag without a value is a `UsageError`.
 */
export function splitFlags(
  args: readonly string[],
  booleans: ReadonlySet<string>,
): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith("--") || arg.length < 3) {
      throw new UsageError(`unexpected argument ${JSON.stringify(arg)} (flags start with --)`);
    }
    const eq = arg.indexOf("=");
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    if (name in out) throw new UsageError(`flag --${name} is given twice`);
    if (booleans.has(name)) {
      if (eq >= 0) throw new UsageError(`flag --${name} takes no value`);
      out[name] = true;
      continue;
    }
    if (eq >= 0) {
      out[name] = arg.slice(eq + 1);
      continue;
    }
    const next = args[i + 1];
    if (next === undefined || (next.startsWith("--") && !/^--?\d/.test(next))) {
      throw new UsageError(`flag --${name} needs a value`);
    }
    out[name] = next;
    i++;
  }
  return out;
}

/**
 * Parses flags with a zod object schema whose keys are the flag names; every bad or unknown flag
 * is named in one `UsageError` line.
 */
export function parseFlags<S extends z.ZodType>(
  schema: S,
  flags: Record<string, string | boolean>,
): z.infer<S> {
  const parsed = schema.safeParse(flags);
  if (parsed.success) return parsed.data;
  const parts = parsed.error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((k) => `unknown flag --${k}`).join("; ");
    }
    const key = issue.path.length > 0 ? String(issue.path[0]) : "";
    const name = key === "" ? "flags" : `--${key}`;
    const given = key === "" ? undefined : flags[key];
    if (given === undefined) return `${name} is required`;
    const message = issue.code === "invalid_value"
      ? `must be one of ${issue.values.map(String).join("|")}`
      : issue.code === "invalid_type"
      ? (typeof given === "boolean" ? "needs a value" : "takes no value")
      : issue.message;
    return `${name} ${message}${typeof given === "string" ? `: ${JSON.stringify(given)}` : ""}`;
  });
  throw new UsageError(`bad flags: ${parts.join("; ")}`);
}

const ISO =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?))?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * A time flag: milliseconds since the epoch (digits only) or an ISO-8601 date or date-time; a
 * date-time without a zone is UTC (not local time). Null when unreadable.
 */
export function parseTimeFlag(text: string): number | null {
  if (/^\d+$/.test(text)) {
    const ms = Number(text);
    return Number.isSafeInteger(ms) ? ms : null;
  }
  const m = ISO.exec(text.trim());
  if (m === null) return null;
  const iso = `${m[1]}T${m[2] ?? "00:00"}${m[3] ?? "Z"}`;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
}

/** A flag value that must be an integer in [min, max]. */
export function intFlag(min: number, max = Number.MAX_SAFE_INTEGER) {
  return z.string().transform((s, ctx) => {
    const n = /^-?\d+$/.test(s) ? Number(s) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      ctx.addIssue({
        code: "custom",
        message: `must be an integer ${
          max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in ${min}..${max}`
        }`,
      });
      return z.NEVER;
    }
    return n;
  });
}

/** `--states`: "auto" or an integer in [1, max]. */
export function statesFlag(max: number) {
  return z.string().transform((s, ctx) => {
    if (s === "auto") return "auto" as const;
    const n = /^-?\d+$/.test(s) ? Number(s) : NaN;
    if (!Number.isSafeInteger(n) || n < 1 || n > max) {
      ctx.addIssue({ code: "custom", message: `must be auto or an integer in 1..${max}` });
      return z.NEVER;
    }
    return n;
  });
}

/** A flag value that must be a finite number > 0. */
export function positiveFlag() {
  return z.string().transform((s, ctx) => {
    const n = s.trim() === "" ? NaN : Number(s);
    if (!(n > 0) || !Number.isFinite(n)) {
      ctx.addIssue({ code: "custom", message: "must be a number > 0" });
      return z.NEVER;
    }
    return n;
  });
}

/** A time flag (see `parseTimeFlag`). */
export function timeFlag() {
  return z.string().transform((s, ctx) => {
    const ms = parseTimeFlag(s);
    if (ms === null) {
      ctx.addIssue({
        code: "custom",
        message: "must be an ISO date/time (2025-06-01, 2025-06-01T12:00Z) or epoch ms",
      });
      return z.NEVER;
    }
    return ms;
  });
}

/** `--symbol`: an upper-case symbol such as BTCUSDT. */
export const SymbolFlag = z.string().regex(
  SYMBOL_PATTERN,
  "must be an upper-case symbol such as BTCUSDT",
);

/** Prints a one-line error for `task` and returns the exit code: 2 for `known` errors, else 1. */
export function reportFailure(task: string, error: unknown, known: boolean): number {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.replace(/\s*\n\s*/g, " ").trim();
  console.error(`deno task ${task}: ${known ? "" : "internal error: "}${line}`);
  return known ? 2 : 1;
}

/**
 * A stderr logger (call it with a line) that holds lines until one starts with "iter " (the first
 * EM iteration) or `flush()` is called, then prints them and everything after at once. Input
 * errors are found before any fit starts, so a task refusing bad input prints its one error line
 * and nothing else.
 */
export function heldLog(): ((line: string) => void) & { flush(): void } {
  let held: string[] | null = [];
  const flush = () => {
    if (held !== null) { for (const h of held) console.error(h); }
    held = null;
  };
  const log = (line: string) => {
    if (held !== null && !line.startsWith("iter ")) {
      held.push(line);
      return;
    }
    flush();
    console.error(line);
  };
  return Object.assign(log, { flush });
}
