import { ApiErrors, ApiFailure } from "./_api_error.ts";
import { hmacSha256Hex, signaturesEqual } from "./_signature.ts";

/** One API key of the server and the engine account it trades for. */
export interface ApiKeyEntry {
  apiKey: string;
  apiSecret: string;
  /** Engine account id (the API key itself). */
  account: string;
}

/** What a signed request (REST or WebSocket API) carries for authentication. */
export interface SignedInput {
  /** `X-MBX-APIKEY` header (REST) or `apiKey` param (WS API); null when absent. */
  apiKey: string | null;
  signature: string | null;
  timestamp: string | undefined;
  recvWindow: string | undefined;
  /** The exact text the signature covers. */
  payload: string;
}

const MS_RANGE = "^[0-9]{1,20}$";

/**
 * Checks a SIGNED request the way Binance does and returns the key's entry: API key present
 * (-2014, 401) and known (-2015, 401); `signature` and `timestamp` sent (-1102); `recvWindow`
 * ≤ 60000 (-1131, default 5000, up to 3 decimals); HMAC-SHA256 of the payload under the key's
 * secret (-1022); then the timing rule on the server's wall clock `now`:
 * `timestamp < now + 1000` and `now − timestamp ≤ recvWindow`, else -1021. A `timestamp` of 16
 * digits or more is read as microseconds.
 *
 * @throws ApiFailure with the Binance error.
 */
export async function authenticate(
  input: SignedInput,
  options: { keys: ReadonlyMap<string, ApiKeyEntry>; now: number },
): Promise<ApiKeyEntry> {
  if (input.apiKey === null || input.apiKey === "") throw new ApiFailure(ApiErrors.apiKeyFormat());
  const entry = options.keys.get(input.apiKey);
  if (entry === undefined) throw new ApiFailure(ApiErrors.rejectedKey());
  if (input.signature === null || input.signature === "") {
    throw new ApiFailure(ApiErrors.mandatory("signature"));
  }
  if (input.timestamp === undefined || input.timestamp === "") {
    throw new ApiFailure(ApiErrors.mandatory("timestamp"));
  }
  if (!/^[0-9]{1,20}$/.test(input.timestamp)) {
    throw new ApiFailure(ApiErrors.illegalChars("timestamp", MS_RANGE));
  }
  let ts = Number(input.timestamp);
  if (input.timestamp.length >= 16) ts = ts / 1000;
  let recvWindow = 5000;
  if (input.recvWindow !== undefined && input.recvWindow !== "") {
    if (!/^[0-9]{1,20}(\.[0-9]{1,3})?$/.test(input.recvWindow)) {
      throw new ApiFailure(ApiErrors.illegalChars("recvWindow", "^[0-9]{1,20}(\\.[0-9]{1,3})?$"));
    }
    recvWindow = Number(input.recvWindow);
    if (recvWindow > 60000) throw new ApiFailure(ApiErrors.recvWindowTooLarge());
  }
  const expected = await hmacSha256Hex(entry.apiSecret, input.payload);
  if (!signaturesEqual(expected, input.signature)) throw new ApiFailure(ApiErrors.badSignature());
  if (ts >= options.now + 1000) throw new ApiFailure(ApiErrors.timestampAhead());
  if (options.now - ts > recvWindow) throw new ApiFailure(ApiErrors.outsideRecvWindow());
  return entry;
}
