import { fixed8ToNumber } from "../data/sim/fixed8.ts";
import type { SymbolRules } from "../data/sim/exchange_info.ts";
import { configErrorFrom, type ConfigIssue } from "./_config_error.ts";
import type { ShoalConfig } from "./_config_schema.ts";

/**
 * Checks a parsed config against the exchange's trading rules (exchangeInfo), for every symbol
 * in `run.symbols`, and throws one `ConfigError` listing every problem:
 * - the symbol exists on the exchange and its status is `TRADING` (`run.symbols.<i>`);
 * - `notionalFloorQuote` ≥ the exchange's minimum notional (MIN_NOTIONAL / NOTIONAL), so every
 *   order that adds risk clears it;
 * - `minQty` ≥ the LOT_SIZE minimum (unless 0) and `maxQty` ≤ the LOT_SIZE maximum.
 *
 * @param source names the config in the message, e.g. `"ops/default_config.json"`.
 * @throws ConfigError when any check fails.
 */
export function checkConfigAgainstExchange(
  config: ShoalConfig,
  rules: ReadonlyMap<string, SymbolRules>,
  options: { source?: string } = {},
): void {
  const issues: ConfigIssue[] = [];
  config.run.symbols.forEach((symbol, i) => {
    const r = rules.get(symbol);
    if (r === undefined) {
      issues.push({
        path: `run.symbols.${i}`,
        rule: "is not a symbol of the exchange",
        value: symbol,
      });
      return;
    }
    if (r.status !== "TRADING") {
      issues.push({
        path: `run.symbols.${i}`,
        rule: `is not trading on the exchange (status ${r.status})`,
        value: symbol,
      });
    }
    const s = config.symbols[symbol];
    if (s === undefined) return; // reported by crossFieldIssues
    if (r.notional !== null) {
      const min = fixed8ToNumber(r.notional.minNotional);
      if (s.notionalFloorQuote < min) {
        issues.push({
          path: `symbols.${symbol}.notionalFloorQuote`,
          rule: `must be ≥ the exchange's minimum notional (${min})`,
          value: s.notionalFloorQuote,
        });
      }
    }
    if (r.lotSize !== null) {
      const lotMin = fixed8ToNumber(r.lotSize.minQty);
      const lotMax = fixed8ToNumber(r.lotSize.maxQty);
      if (s.minQty > 0 && s.minQty < lotMin) {
        issues.push({
          path: `symbols.${symbol}.minQty`,
          rule: `must be ≥ the exchange's LOT_SIZE minQty (${lotMin})`,
          value: s.minQty,
        });
      }
      if (lotMax > 0 && s.maxQty > lotMax) {
        issues.push({
          path: `symbols.${symbol}.maxQty`,
          rule: `must be ≤ the exchange's LOT_SIZE maxQty (${lotMax})`,
          value: s.maxQty,
        });
      }
    }
  });
  if (issues.length > 0) throw configErrorFrom(options.source ?? "(config)", issues);
}
