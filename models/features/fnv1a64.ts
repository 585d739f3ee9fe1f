const OFFSET_BASIS = 0xcbf29ce484222325n;
const PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;

/**
 * The 64-bit FNV-1a hash of a string's UTF-8 bytes, as 16 lower-case hex digits
 * (Fowler, Noll & Vo; offset basis 0xcbf29ce484222325, prime 0x100000001b3, per
 * draft-eastlake-fnv). Synchronous and deterministic, for identities such as a feature schema's
 * hash; it is not a cryptographic hash. The empty string gives "cbf29ce484222325".
 */
export function fnv1a64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let h = OFFSET_BASIS;
  for (let i = 0; i < bytes.length; i++) {
    h ^= BigInt(bytes[i]);
    h = (h * PRIME) & MASK;
  }
  return h.toString(16).padStart(16, "0");
}
