/**
 * The constructor config that points an unmodified `ccxt.binance` / `ccxt.pro.binance` (ccxt
 * 4.5) at the simulated exchange: spot markets only, no `sapi` calls (currencies, margin), and
 * every spot URL (REST public/private/v1, market streams, WebSocket API) on the server. ccxt
 * deep-merges `urls` into its defaults, so this equals setting the URLs after construction as
 * in the reference §1.2.
 *
 * ```ts
 * import ccxt from "ccxt";
 * const ex = new ccxt.pro.binance(ccxtBinanceConfig(run.baseUrl, { apiKey: "sim-key", secret: "sim-secret" }));
 * await ex.loadHttpProxyAgent(); // needed before any watch* on a plain ws:// URL
 * ```
 *
 * @param baseUrl `http://host:port` (what `startSimExchangeServer` returns).
 */
export function ccxtBinanceConfig(
  baseUrl: string,
  options: { apiKey?: string; secret?: string } = {},
): Record<string, unknown> {
  const http = baseUrl.replace(/\/+$/, "");
  const ws = http.replace(/^http/, "ws");
  return {
    apiKey: options.apiKey ?? "sim-key",
    secret: options.secret ?? "sim-secret",
    options: {
      fetchMarkets: { types: ["spot"] },
      fetchCurrencies: false,
      fetchMargins: false,
    },
    urls: {
      api: {
        public: `${http}/api/v3`,
        private: `${http}/api/v3`,
        v1: `${http}/api/v1`,
        ws: { spot: `${ws}/ws`, "ws-api": { spot: `${ws}/ws-api/v3` } },
      },
    },
  };
}
