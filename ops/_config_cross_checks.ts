import { SimExchangeOptions } from "../data/sim/sim_exchange_options.ts";
import type { ConfigIssue } from "./_config_error.ts";

const DEFAULT_BAR_INTERVAL_MS = SimExchangeOptions.parse({}).barIntervalMs;

/**
 * The rules that tie fields together, read from the raw (unparsed) JSON so that they are reported
 * alongside every field error; a field that is not a finite number is skipped here (the schema
 * reports it):
 * - `symbols.<S>.minQty ≤ symbols.<S>.maxQty`;
 * - `symbols.<S>.notionalFloorQuote ≤ symbols.<S>.maxOrderNotionalQuote`;
 * - `symbols.<S>.baseSpreadBp ≤ symbols.<S>.maxSpreadBp`;
 * - `symbols.<S>.maxOrderNotionalQuote ≤ execution.maxOrderNotionalQuote`;
 * - `symbols.<S>.exitEdgeBp ≤ symbols.<S>.entryEdgeBp` and
 *   `symbols.<S>.earlyExitEdgeBp ≤ symbols.<S>.exitEdgeBp` (the policy's hysteresis band);
 * - `symbols.<S>.drift.clearBelowNats < symbols.<S>.drift.thresholdNats`;
 * - `risk.drawdownWindowMs ≥ exchange.barIntervalMs` (a shorter window holds one sample: the
 *   current equity, and DD could never fire);
 * - every `run.symbols` entry names an entry of `symbols`, and none is listed twice;
 * - with `execution.orderStyle` "limit": `execution.limitTtlMs ≥ exchange.barIntervalMs`
 *   (default 60 000), since a resting order fills only from bars after the one it was placed in.
 */
export function crossFieldIssues(raw: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (!isRecord(raw)) return issues;
  const symbols = isRecord(raw.symbols) ? raw.symbols : {};
  const exec = isRecord(raw.execution) ? raw.execution : {};
  const execCap = num(exec.maxOrderNotionalQuote);
  for (const [name, s] of Object.entries(symbols)) {
    if (!isRecord(s)) continue;
    const atMost = (field: string, bound: number | undefined, label: string) => {
      const v = num(s[field]);
      if (v !== undefined && bound !== undefined && v > bound) {
        issues.push({
          path: `symbols.${name}.${field}`,
          rule: `must be ≤ ${label} (${bound})`,
          value: v,
        });
      }
    };
    atMost("minQty", num(s.maxQty), `symbols.${name}.maxQty`);
    atMost(
      "notionalFloorQuote",
      num(s.maxOrderNotionalQuote),
      `symbols.${name}.maxOrderNotionalQuote`,
    );
    atMost("baseSpreadBp", num(s.maxSpreadBp), `symbols.${name}.maxSpreadBp`);
    atMost("maxOrderNotionalQuote", execCap, "execution.maxOrderNotionalQuote");
    atMost("exitEdgeBp", num(s.entryEdgeBp), `symbols.${name}.entryEdgeBp`);
    atMost("earlyExitEdgeBp", num(s.exitEdgeBp), `symbols.${name}.exitEdgeBp`);
    const drift = isRecord(s.drift) ? s.drift : {};
    const clear = num(drift.clearBelowNats), threshold = num(drift.thresholdNats);
    if (clear !== undefined && threshold !== undefined && clear >= threshold) {
      issues.push({
        path: `symbols.${name}.drift.clearBelowNats`,
        rule: `must be < symbols.${name}.drift.thresholdNats (${threshold})`,
        value: clear,
      });
    }
  }
  const run = isRecord(raw.run) ? raw.run : {};
  if (Array.isArray(run.symbols)) {
    const seen = new Set<string>();
    run.symbols.forEach((s: unknown, i: number) => {
      if (typeof s !== "string") return;
      const path = `run.symbols.${i}`;
      if (seen.has(s)) issues.push({ path, rule: "is listed twice", value: s });
      else if (!Object.hasOwn(symbols, s)) {
        issues.push({ path, rule: "must name an entry of symbols", value: s });
      }
      seen.add(s);
    });
  }
  const ttl = num(exec.limitTtlMs);
  const exchange = isRecord(raw.exchange) ? raw.exchange : {};
  const bar = exchange.barIntervalMs === undefined
    ? DEFAULT_BAR_INTERVAL_MS
    : num(exchange.barIntervalMs);
  if (exec.orderStyle === "limit" && ttl !== undefined && bar !== undefined && ttl < bar) {
    issues.push({
      path: "execution.limitTtlMs",
      rule: `must be ≥ exchange.barIntervalMs (${bar}): a limit order fills only from later bars`,
      value: ttl,
    });
  }
  const risk = isRecord(raw.risk) ? raw.risk : {};
  const window = num(risk.drawdownWindowMs);
  if (window !== undefined && bar !== undefined && window < bar) {
    issues.push({
      path: "risk.drawdownWindowMs",
      rule:
        `must be ≥ exchange.barIntervalMs (${bar}): the window must hold more than the current equity`,
      value: window,
    });
  }
  return issues;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}
