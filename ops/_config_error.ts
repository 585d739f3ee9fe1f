/** One bad field of a run configuration. */
export interface ConfigIssue {
  /** Dotted path of the field (`symbols.BTCUSDT.k`, `run.symbols.2`); "" for the whole file. */
  readonly path: string;
  /** What the field must be (`must be > 0`). */
  readonly rule: string;
  /** The value found; `undefined` when the field is missing. */
  readonly value: unknown;
}

/**
 * A run configuration that cannot be loaded: the entry point prints `message` (one line per bad
 * field) and exits 2, before anything trades. `field` is the first bad field's dotted path;
 * `issues` lists every one.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  /** Dotted path of the (first) offending field, e.g. "symbols.BTCUSDT.k"; "" for the file. */
  readonly field: string;
  /** Every bad field, in the order found. */
  readonly issues: readonly ConfigIssue[];
  constructor(
    field: string,
    message: string,
    issues: readonly ConfigIssue[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.field = field;
    this.issues = issues;
  }
}

/** `<path> <rule>: current value is <value>` (a missing field reads `missing`). */
export function formatConfigIssue(issue: ConfigIssue): string {
  const where = issue.path === "" ? "(root)" : issue.path;
  return `${where} ${issue.rule}: current value is ${formatValue(issue.value)}`;
}

/**
 * A `ConfigError` for a list of issues from `source`: the first line says how many fields are
 * bad, then one line per issue.
 */
export function configErrorFrom(source: string, issues: readonly ConfigIssue[]): ConfigError {
  const lines = issues.map((i) => `  ${formatConfigIssue(i)}`);
  const count = issues.length === 1 ? "1 bad field" : `${issues.length} bad fields`;
  return new ConfigError(
    issues[0]?.path ?? "",
    `Cannot load config ${source}: ${count}\n${lines.join("\n")}`,
    issues,
  );
}

function formatValue(v: unknown): string {
  if (v === undefined) return "missing";
  if (typeof v === "number") return String(v);
  let text: string;
  try {
    text = JSON.stringify(v) ?? String(v);
  } catch {
    text = String(v);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
