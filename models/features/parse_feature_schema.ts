import { z } from "zod";
import { type BarFeatureSchema, barFeatureSchema, ImbalanceSource } from "./bar_feature_schema.ts";
import { canonicalSchemaString } from "./feature_schema.ts";
import { type MacroMicroSchema, macroMicroSchema } from "./macro_micro_schema.ts";

const BarFeatureSchemaJson = z.object({
  kind: z.literal("bars"),
  name: z.string(),
  version: z.number(),
  columns: z.array(z.string()),
  params: z.object({
    imbalance: z.enum(ImbalanceSource),
    barMinutes: z.number(),
    rvWindows: z.array(z.number()),
    volumeWindow: z.number(),
    standardizeWindow: z.number(),
    stdFloor: z.number(),
    session: z.literal("utc-day"),
    autocorrWindow: z.number().optional(),
    emaFast: z.number().optional(),
    emaSlow: z.number().optional(),
  }),
  hash: z.string(),
});

/** The JSON shape of a stored feature schema (as `JSON.stringify` writes a schema object). */
export const FeatureSchemaJson = z.discriminatedUnion("kind", [
  BarFeatureSchemaJson,
  z.object({
    kind: z.literal("macro-micro"),
    name: z.string(),
    version: z.number(),
    columns: z.array(z.string()),
    params: z.record(z.string(), z.string()),
    hash: z.string(),
    slow: BarFeatureSchemaJson,
    fast: BarFeatureSchemaJson,
  }),
]);

/** Any schema a feature pipeline can be built from. */
export type AnyFeatureSchema = BarFeatureSchema | MacroMicroSchema;

/**
 * Reads a feature schema stored beside a model (e.g. in its manifest): parses the JSON shape,
 * rebuilds the schema from its parameters with the current code, and checks that the rebuilt
 * schema has the stored name, version, columns and hash. Throws `TypeError` for a wrong shape or
 * a schema whose stored hash does not match its content (edited by hand, or written by code
 * that computed features differently); `RangeError` for parameters out of range.
 */
export function parseFeatureSchema(value: unknown): AnyFeatureSchema {
  const parsed = FeatureSchemaJson.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(
      `Cannot parse a feature schema: ${issue.path.join(".") || "(root)"} ${issue.message}`,
    );
  }
  const json = parsed.data;
  const rebuilt = json.kind === "bars"
    ? rebuildBars(json)
    : macroMicroSchema({ slow: rebuildBars(json.slow), fast: rebuildBars(json.fast) });
  if (
    rebuilt.hash !== json.hash || canonicalSchemaString(rebuilt) !== canonicalSchemaString(json)
  ) {
    throw new TypeError(
      `Cannot parse feature schema "${json.name}" v${json.version}: stored hash ${json.hash} does not match its content (hash ${rebuilt.hash})`,
    );
  }
  return rebuilt;
}

function rebuildBars(json: z.infer<typeof BarFeatureSchemaJson>): BarFeatureSchema {
  const { version, params } = json;
  if (version !== 1 && version !== 2) {
    throw new RangeError(`Cannot parse feature schema "${json.name}": version is ${version}`);
  }
  const schema = barFeatureSchema({ ...params, version });
  if (schema.hash !== json.hash || canonicalSchemaString(schema) !== canonicalSchemaString(json)) {
    throw new TypeError(
      `Cannot parse feature schema "${json.name}" v${version}: stored hash ${json.hash} does not match its content (hash ${schema.hash})`,
    );
  }
  return schema;
}
