import { fnv1a64 } from "./fnv1a64.ts";

/** The parameters of a schema that change feature values (window lengths, spans, floors, sources). */
export type FeatureSchemaParams = Readonly<Record<string, string | number | readonly number[]>>;

/**
 * A named, versioned list of feature columns plus the parameters that produce their values, and a
 * hash over all of it. A model records the schema it was trained on; running it on features of
 * another schema must fail (see `assertSchemaMatches`).
 */
export interface FeatureSchema {
  /** Lower-case identifier, e.g. "bars-1m-clv". */
  readonly name: string;
  /** Positive integer; a new version may add or reorder columns. */
  readonly version: number;
  /** Column names in vector order; the observation vector has `columns.length` entries. */
  readonly columns: readonly string[];
  /** Everything besides name, version and columns that changes a value. */
  readonly params: FeatureSchemaParams;
  /** `fnv1a64(canonicalSchemaString(...))`: 16 hex digits. */
  readonly hash: string;
}

const NAME = /^[a-z0-9][a-z0-9._-]*$/;
const PARAM_KEY = /^[A-Za-z][A-Za-z0-9]*$/;

/**
 * The canonical text a schema hash is computed over: one `key=value` line each for the name,
 * the version, the comma-joined columns, then every parameter as `param.<key>=<value>` in sorted
 * key order (numbers in JavaScript's shortest round-trip form, arrays comma-joined).
 * Example: "name=x\nversion=1\ncolumns=a,b\nparam.window=60\n".
 */
export function canonicalSchemaString(spec: Omit<FeatureSchema, "hash">): string {
  let text = `name=${spec.name}\nversion=${spec.version}\ncolumns=${spec.columns.join(",")}\n`;
  for (const key of Object.keys(spec.params).sort()) {
    const value = spec.params[key];
    const shown = typeof value === "object" ? value.map((v) => String(v)).join(",") : String(value);
    text += `param.${key}=${shown}\n`;
  }
  return text;
}

/**
 * Builds a frozen `FeatureSchema` and computes its hash (FNV-1a 64 over `canonicalSchemaString`).
 * Throws `TypeError` when the name or a column is not a lower-case identifier, a column repeats,
 * the version is not a positive integer, a parameter key is not alphanumeric, a number is not
 * finite, or a string parameter is not a lower-case identifier.
 */
export function defineFeatureSchema(spec: Omit<FeatureSchema, "hash">): FeatureSchema {
  if (!NAME.test(spec.name)) {
    throw new TypeError(`Cannot define a feature schema: name is ${JSON.stringify(spec.name)}`);
  }
  if (!Number.isInteger(spec.version) || spec.version < 1) {
    throw new TypeError(`Cannot define feature schema "${spec.name}": version is ${spec.version}`);
  }
  if (spec.columns.length === 0) {
    throw new TypeError(`Cannot define feature schema "${spec.name}": columns are empty`);
  }
  const seen = new Set<string>();
  for (const column of spec.columns) {
    if (!NAME.test(column) || seen.has(column)) {
      throw new TypeError(
        `Cannot define feature schema "${spec.name}": column ${JSON.stringify(column)} ${
          seen.has(column) ? "repeats" : "is not a lower-case identifier"
        }`,
      );
    }
    seen.add(column);
  }
  const params: Record<string, string | number | readonly number[]> = {};
  for (const [key, value] of Object.entries(spec.params)) {
    const numbers = typeof value === "number" ? [value] : typeof value === "object" ? value : [];
    const bad = !PARAM_KEY.test(key) ||
      (typeof value === "string" && !NAME.test(value)) ||
      numbers.some((v) => typeof v !== "number" || !Number.isFinite(v));
    if (bad) {
      throw new TypeError(
        `Cannot define feature schema "${spec.name}": parameter ${key} is ${JSON.stringify(value)}`,
      );
    }
    params[key] = typeof value === "object" ? Object.freeze([...value]) : value;
  }
  const frozen = {
    name: spec.name,
    version: spec.version,
    columns: Object.freeze([...spec.columns]),
    params: Object.freeze(params),
  };
  return Object.freeze({ ...frozen, hash: fnv1a64(canonicalSchemaString(frozen)) });
}

/**
 * The position of a column in a schema's vector. Throws `RangeError` naming the schema and its
 * columns when the column is absent.
 */
export function columnIndex(schema: FeatureSchema, column: string): number {
  const index = schema.columns.indexOf(column);
  if (index < 0) {
    throw new RangeError(
      `Cannot find column "${column}" in feature schema "${schema.name}" v${schema.version}: ` +
        `columns are ${schema.columns.join(", ")}`,
    );
  }
  return index;
}
