import {
  type BarFeatureSchema,
  barFeatureSchema,
  FEATURE_SCHEMA_V1,
} from "./bar_feature_schema.ts";
import { defineFeatureSchema, type FeatureSchema } from "./feature_schema.ts";

/**
 * The observation schema of the hierarchical (macro/micro) models: the slow schema's columns
 * (prefixed `slow.`) then the fast schema's columns (prefixed `fast.`), in one vector, with its
 * own name, version and hash (the hash covers both parts' hashes).
 */
export interface MacroMicroSchema extends FeatureSchema {
  readonly kind: "macro-micro";
  /** Features of slow bars aggregated from the fast bars, e.g. hourly bars. */
  readonly slow: BarFeatureSchema;
  /** Features of every fast (e.g. 1m) bar. */
  readonly fast: BarFeatureSchema;
}

/**
 * The default slow side: schema v1 on hourly bars, rv over 6 and 24 hours, volume z-score over
 * 24 hours, standardised over 72 hours (3 days), with the close location value as imbalance.
 */
export const MACRO_SLOW_FEATURE_SCHEMA: BarFeatureSchema = barFeatureSchema({
  barMinutes: 60,
  rvWindows: [6, 24],
  volumeWindow: 24,
  standardizeWindow: 72,
});

/** Options of `macroMicroSchema`. */
export interface MacroMicroSchemaOptions {
  /** @default {MACRO_SLOW_FEATURE_SCHEMA} */
  slow?: BarFeatureSchema;
  /** @default {FEATURE_SCHEMA_V1} */
  fast?: BarFeatureSchema;
}

/**
 * Composes a macro/micro schema named `macro-micro`, version 1. Throws `RangeError` unless the
 * slow bar length is a whole multiple (> 1) of the fast one and divides a UTC day, so slow bars
 * align with UTC hours and days, or when the two imbalance sources differ (the same bars feed
 * both sides).
 */
export function macroMicroSchema(options: MacroMicroSchemaOptions = {}): MacroMicroSchema {
  const slow = options.slow ?? MACRO_SLOW_FEATURE_SCHEMA;
  const fast = options.fast ?? FEATURE_SCHEMA_V1;
  const s = slow.params.barMinutes, f = fast.params.barMinutes;
  if (s <= f || s % f !== 0 || 1440 % s !== 0) {
    throw new RangeError(
      `Cannot compose a macro/micro schema: slow bars must be a multiple of fast bars dividing a day: slow ${s}m, fast ${f}m`,
    );
  }
  if (slow.params.imbalance !== fast.params.imbalance) {
    throw new RangeError(
      `Cannot compose a macro/micro schema: imbalance sources differ: slow ${slow.params.imbalance}, fast ${fast.params.imbalance}`,
    );
  }
  const schema = defineFeatureSchema({
    name: "macro-micro",
    version: 1,
    columns: [...slow.columns.map((c) => `slow.${c}`), ...fast.columns.map((c) => `fast.${c}`)],
    params: { slow: slow.hash, fast: fast.hash },
  });
  return Object.freeze({ kind: "macro-micro" as const, ...schema, slow, fast });
}

/** `MACRO_SLOW_FEATURE_SCHEMA` (hourly, 7 columns) then `FEATURE_SCHEMA_V1` (1m, 8 columns). */
export const MACRO_MICRO_SCHEMA: MacroMicroSchema = macroMicroSchema();
