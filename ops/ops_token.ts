/** Where a token came from. */
export type OpsTokenSource = "env" | "generated";

/** The bearer token of a run's ops server. */
export interface OpsToken {
  /** The secret itself; never print it, print {@link maskToken} of it. */
  token: string;
  source: OpsTokenSource;
  /** The file it was written to (generated tokens only), else null. */
  path: string | null;
}

/** Shortest token accepted from `SHOAL_OPS_TOKEN`. */
export const MIN_TOKEN_LENGTH = 16;

/** A token in a form safe to print: its first 4 characters and an ellipsis. */
export function maskToken(token: string): string {
  return `${token.slice(0, 4)}…`;
}

function generateToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The ops token of a run: `SHOAL_OPS_TOKEN` when set (at least {@link MIN_TOKEN_LENGTH}
 * characters), otherwise 32 random bytes (64 hex characters) written to `<runDir>/ops-token`
 * with mode 0600, created new (an existing file is an error, never reused or overwritten).
 *
 * @param runDir the run's output folder, `runs/<run-id>`; created when missing.
 * @throws RangeError when `SHOAL_OPS_TOKEN` is set but too short.
 */
export async function resolveOpsToken(
  runDir: string,
  options: {
    /** The `SHOAL_OPS_TOKEN` value; "" counts as unset. @default {Deno.env.get("SHOAL_OPS_TOKEN")} */
    env?: string;
  } = {},
): Promise<OpsToken> {
  const fromEnv = "env" in options ? options.env : Deno.env.get("SHOAL_OPS_TOKEN");
  if (fromEnv !== undefined && fromEnv !== "") {
    if (fromEnv.length < MIN_TOKEN_LENGTH) {
      throw new RangeError(
        `Cannot use SHOAL_OPS_TOKEN as the ops token as it must have at least ${MIN_TOKEN_LENGTH} characters: current length is ${fromEnv.length}`,
      );
    }
    return { token: fromEnv, source: "env", path: null };
  }
  const token = generateToken();
  await Deno.mkdir(runDir, { recursive: true });
  const path = `${runDir.replace(/\/+$/, "")}/ops-token`;
  await Deno.writeTextFile(path, `${token}\n`, { createNew: true, mode: 0o600 });
  await Deno.chmod(path, 0o600);
  return { token, source: "generated", path };
}

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

/**
 * Whether an `Authorization` header carries `Bearer <token>`. Compares SHA-256 digests in
 * constant time, so neither the token's content nor its length leaks through timing. A missing
 * header, another scheme or an empty token is false.
 */
export async function bearerMatches(header: string | null, token: string): Promise<boolean> {
  if (header === null || token === "") return false;
  const match = /^Bearer +(\S+)\s*$/i.exec(header);
  const given = match === null ? "" : match[1];
  const [a, b] = await Promise.all([digest(given), digest(token)]);
  let diff = match === null ? 1 : 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}
