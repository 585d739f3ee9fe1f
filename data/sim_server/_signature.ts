const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

/** Hex HMAC-SHA256 of `message` under `secret` (Binance's HMAC signature). */
export async function hmacSha256Hex(secret: string, message: string): Promise<string> {
  let key = keys.get(secret);
  if (key === undefined) {
    key = crypto.subtle.importKey(
      "raw",
      encoder.encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    keys.set(secret, key);
  }
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await key, encoder.encode(message)));
  let hex = "";
  for (const b of mac) hex += b.toString(16).padStart(2, "0");
  return hex;
}

/** Compares two hex signatures case-insensitively, in time independent of where they differ. */
export function signaturesEqual(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x.length !== y.length) return false;
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x.charCodeAt(i) ^ y.charCodeAt(i);
  return diff === 0;
}

/**
 * What a REST request's signature covers (Binance §2): the query string followed directly by the
 * body, exactly as sent (still percent-encoded), without the `signature=` parameter; and the
 * signature itself (null when absent).
 */
export function restSignaturePayload(
  query: string,
  body: string,
): { payload: string; signature: string | null } {
  let signature: string | null = null;
  const strip = (text: string): string => {
    if (text === "") return text;
    const kept: string[] = [];
    for (const part of text.split("&")) {
      if (part.startsWith("signature=")) signature = part.slice("signature=".length);
      else kept.push(part);
    }
    return kept.join("&");
  };
  const payload = strip(query) + strip(body);
  return { payload, signature };
}

/**
 * What a WebSocket API request's signature covers: every parameter except `signature`, sorted
 * by name, joined as `name=value&...` with values as their plain string form (what ccxt signs
 * for `userDataStream.subscribe.signature`).
 */
export function wsApiSignaturePayload(
  params: Readonly<Record<string, unknown>>,
): { payload: string; signature: string | null } {
  const names = Object.keys(params).filter((k) => k !== "signature").sort();
  const payload = names.map((k) => `${k}=${String(params[k])}`).join("&");
  const sig = params.signature;
  return { payload, signature: typeof sig === "string" ? sig : null };
}
