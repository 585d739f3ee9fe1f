import ccxt from "ccxt";

/** Where a running simulated exchange listens (what `startSimExchangeServer` returns). */
export interface SimEndpoints {
  baseUrl: string;
  wsUrl: string;
  wsApiUrl: string;
}

interface ClientOptions {
  apiKey?: string;
  secret?: string;
  /** More public ccxt constructor options, e.g. `{ enableRateLimit: false }`. */
  extra?: Record<string, unknown>;
}

type Urls = Record<string, unknown> & { ws?: Record<string, Record<string, string> | string> };

/** The constructor config of reference §1.2 (spot markets only, no sapi calls). */
function config(options: ClientOptions): Record<string, unknown> {
  return {
    apiKey: options.apiKey ?? "sim-key",
    secret: options.secret ?? "sim-secret",
    options: {
      fetchMarkets: { types: ["spot"] },
      fetchCurrencies: false,
      fetchMargins: false,
    },
    ...options.extra,
  };
}

/** Overrides the URLs exactly as reference §1.2 does. */
function point(api: Urls, at: SimEndpoints): void {
  api.public = `${at.baseUrl}/api/v3`;
  api.private = `${at.baseUrl}/api/v3`;
  api.v1 = `${at.baseUrl}/api/v1`;
  if (api.ws !== undefined) {
    api.ws.spot = at.wsUrl;
    (api.ws["ws-api"] as Record<string, string>).spot = at.wsApiUrl;
  }
}

/** An unmodified REST `ccxt.binance` configured exactly as reference §1.2 shows. */
export function ccxtRest(
  at: SimEndpoints,
  options: ClientOptions = {},
): InstanceType<typeof ccxt.binance> {
  const ex = new ccxt.binance(config(options));
  point(ex.urls.api as Urls, at);
  return ex;
}

/**
 * An unmodified `ccxt.pro.binance` configured exactly as reference §1.2 shows, with
 * `loadHttpProxyAgent()` called (required before `watch*` on a plain ws:// URL).
 */
export async function ccxtPro(
  at: SimEndpoints,
  options: ClientOptions = {},
): Promise<InstanceType<typeof ccxt.pro.binance>> {
  const ex = new ccxt.pro.binance(config(options));
  point(ex.urls.api as Urls, at);
  await ex.loadHttpProxyAgent();
  return ex;
}

/** The exception class name ccxt raised for `call`, or "none". */
export async function ccxtErrorOf(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
  } catch (err) {
    return (err as Error).constructor.name;
  }
  return "none";
}

/** Decimal string → integer units of 1e-8 (exact for Binance's 8-decimal strings). */
export function units(text: string | number | undefined): bigint {
  const s = String(text ?? "0");
  const [i, f = ""] = s.split(".");
  const neg = i.startsWith("-");
  const v = BigInt(i.replace("-", "") || "0") * 100_000_000n + BigInt((f + "00000000").slice(0, 8));
  return neg ? -v : v;
}
