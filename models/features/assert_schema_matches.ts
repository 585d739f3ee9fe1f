import { canonicalSchemaString, type FeatureSchema } from "./feature_schema.ts";

/**
 * A model meets features of another schema than the one it was trained on. Thrown by
 * `assertSchemaMatches`; a model-swap controller catches it to refuse the model.
 */
export class FeatureSchemaMismatchError extends Error {
  override readonly name = "FeatureSchemaMismatchError";
  /** The schema the model was trained on. */
  readonly expected: FeatureSchema;
  /** The schema of the features offered. */
  readonly actual: FeatureSchema;
  /** Columns of `expected` missing from `actual`. */
  readonly missingColumns: readonly string[];
  /** Columns of `actual` absent from `expected`. */
  readonly unexpectedColumns: readonly string[];
  constructor(expected: FeatureSchema, actual: FeatureSchema, message: string) {
    super(message);
    this.expected = expected;
    this.actual = actual;
    this.missingColumns = expected.columns.filter((c) => !actual.columns.includes(c));
    this.unexpectedColumns = actual.columns.filter((c) => !expected.columns.includes(c));
  }
}

/**
 * Checks that features of schema `actual` may feed a model trained on `expected`: their hashes
 * must be equal and their canonical content too (a forged or stale hash does not pass).
 * Otherwise throws `FeatureSchemaMismatchError` whose message names both schemas with their
 * versions and hashes, then what differs: missing and unexpected columns, the column order, or
 * the parameters whose values differ.
 */
export function assertSchemaMatches(expected: FeatureSchema, actual: FeatureSchema): void {
  if (
    expected.hash === actual.hash &&
    canonicalSchemaString(expected) === canonicalSchemaString(actual)
  ) {
    return;
  }
  const missing = expected.columns.filter((c) => !actual.columns.includes(c));
  const unexpected = actual.columns.filter((c) => !expected.columns.includes(c));
  const parts: string[] = [];
  if (missing.length > 0) parts.push(`missing columns ${missing.join(", ")}`);
  if (unexpected.length > 0) parts.push(`unexpected columns ${unexpected.join(", ")}`);
  if (parts.length === 0 && expected.columns.join(",") !== actual.columns.join(",")) {
    parts.push(`column order ${actual.columns.join(",")} instead of ${expected.columns.join(",")}`);
  }
  const keys = new Set([...Object.keys(expected.params), ...Object.keys(actual.params)]);
  for (const key of [...keys].sort()) {
    const a = show(expected.params[key]), b = show(actual.params[key]);
    if (a !== b) parts.push(`parameter ${key} ${b} instead of ${a}`);
  }
  if (parts.length === 0) parts.push("same content under different hashes");
  throw new FeatureSchemaMismatchError(
    expected,
    actual,
    `Cannot run a model trained on feature schema ${label(expected)} on features of schema ${
      label(actual)
    }: ${parts.join("; ")}`,
  );
}

function label(schema: FeatureSchema): string {
  return `"${schema.name}" v${schema.version} (hash ${schema.hash})`;
}

function show(value: string | number | readonly number[] | undefined): string {
  if (value === undefined) return "(absent)";
  return typeof value === "object" ? `[${value.join(",")}]` : String(value);
}
