import { configIssuesFromZod } from "./_config_issues.ts";
import { crossFieldIssues } from "./_config_cross_checks.ts";
import { ConfigError, configErrorFrom, type ConfigIssue } from "./_config_error.ts";
import { ShoalConfig } from "./_config_schema.ts";

export { ConfigError, type ConfigIssue, formatConfigIssue } from "./_config_error.ts";
export { canonicalJson, configHash } from "./_config_hash.ts";
export { checkConfigAgainstExchange } from "./_config_exchange_check.ts";
export {
  ExecutionConfig,
  RiskBudget,
  RunConfig,
  ShoalConfig,
  StrictSimExchangeOptions,
  SymbolConfig,
} from "./_config_schema.ts";

/** The documented default configuration that ships in the repository. */
export const DEFAULT_CONFIG_URL = new URL("./default_config.json", import.meta.url);

/**
 * Validates a configuration already decoded from JSON: the zod schema (strict objects: an unknown
 * key is an error, never a silent default) plus the cross-field rules, all reported at once.
 *
 * @param source names the config in the message. @default {"(config)"}
 * @throws ConfigError listing every bad field as `<dotted.path> <rule>: current value is <v>`.
 */
export function parseConfig(json: unknown, options: { source?: string } = {}): ShoalConfig {
  const source = options.source ?? "(config)";
  const parsed = ShoalConfig.safeParse(json);
  const issues: ConfigIssue[] = parsed.success ? [] : configIssuesFromZod(parsed.error, json);
  const known = new Set(issues.map((i) => i.path));
  for (const issue of crossFieldIssues(json)) if (!known.has(issue.path)) issues.push(issue);
  if (issues.length > 0 || !parsed.success) throw configErrorFrom(source, issues);
  return parsed.data;
}

/**
 * Reads and validates the run configuration file (JSON). Call it first in an entry point: on a
 * `ConfigError` print its message and exit 2, before anything trades.
 *
 * @param path file path or URL. @default {DEFAULT_CONFIG_URL} (`ops/default_config.json`)
 * @throws ConfigError when the file cannot be read, is not JSON, or has bad fields (all listed).
 */
export async function loadConfig(path: string | URL = DEFAULT_CONFIG_URL): Promise<ShoalConfig> {
  const name = path instanceof URL ? path.pathname : path;
  const source = `"${name}"`;
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    const why = err instanceof Deno.errors.NotFound ? "no such file" : (err as Error).message;
    throw new ConfigError("", `Cannot load config ${source}: ${why}`, [], { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(
      "",
      `Cannot load config ${source} as JSON: ${(err as Error).message}`,
      [],
      { cause: err },
    );
  }
  return parseConfig(json, { source });
}
