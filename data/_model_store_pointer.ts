import { z } from "zod";
import { MODEL_ID_PATTERN, ModelKind, SYMBOL_PATTERN } from "../models/model_file.ts";

/**
 * `current-<symbol>-<kind>.json`: the version a symbol trades, and the versions it replaced
 * (oldest first), so a rollback is the pointer moved back to the last of them.
 */
export const CurrentPointerSchema = z.strictObject({
  format: z.literal(1),
  symbol: z.string().regex(SYMBOL_PATTERN),
  kind: z.enum(ModelKind),
  id: z.string().regex(MODEL_ID_PATTERN),
  history: z.array(z.string().regex(MODEL_ID_PATTERN)),
});
/** The current-model pointer of one symbol and kind. */
export type CurrentPointer = z.infer<typeof CurrentPointerSchema>;

/** The pointer's file name. */
export function pointerName(symbol: string, kind: ModelKind): string {
  return `current-${symbol}-${kind}.json`;
}

/** Canonical text of a pointer (fixed key order, `\n` at the end). */
export function encodePointer(p: CurrentPointer): string {
  return JSON.stringify(
    { format: p.format, symbol: p.symbol, kind: p.kind, id: p.id, history: p.history },
    null,
    2,
  ) + "\n";
}

/** Writes `text` to `path` through a temporary file in the same directory and a rename. */
export async function writeAtomic(dir: string, path: string, text: string): Promise<void> {
  const tmp = await Deno.makeTempFile({ dir, prefix: ".tmp-", suffix: ".json" });
  try {
    await Deno.writeTextFile(tmp, text);
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}
