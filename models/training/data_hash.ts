import { createHash } from "node:crypto";

/**
 * `sha256:<64 hex>` of an observation matrix: SHA-256 (FIPS 180-4) over the float64 bytes of `x`
 * as they lie in memory (little-endian on every platform Deno runs on), so two trainings on
 * bit-identical rows record the same hash and any change of one value changes it. The empty
 * matrix gives the hash of no bytes.
 */
export function dataHash(x: Float64Array): string {
  const bytes = new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}
