import type { RequestParams } from "./_request_params.ts";

/**
 * Binance's REQUEST_WEIGHT of a REST call (reference §3, docs of 2026-07). Unknown endpoints
 * weigh 1. Parameters that fail to parse weigh as if absent (the request then fails on them).
 */
export function endpointWeight(method: string, path: string, params: RequestParams): number {
  const endpoint = path.replace(/^\/api\/v[13]\//, "");
  const has = (name: string) => params.get(name) !== undefined;
  const symbolCount = (): number | null => {
    if (has("symbol")) return 1;
    const raw = params.get("symbols");
    if (raw === undefined) return null;
    try {
      const list = JSON.parse(raw);
      return Array.isArray(list) ? list.length : null;
    } catch {
      return null;
    }
  };
  switch (endpoint) {
    case "ping":
    case "time":
      return 1;
    case "exchangeInfo":
      return 20;
    case "depth": {
      const limit = Number(params.get("limit") ?? 100);
      if (!(limit > 100)) return 5;
      if (limit <= 500) return 25;
      if (limit <= 1000) return 50;
      return 250;
    }
    case "trades":
      return 25;
    case "aggTrades":
      return 4;
    case "klines":
    case "uiKlines":
      return 2;
    case "avgPrice":
      return 2;
    case "ticker/24hr": {
      const n = symbolCount();
      if (n === null) return 80;
      if (n <= 20) return 2;
      if (n <= 100) return 40;
      return 80;
    }
    case "ticker/bookTicker":
    case "ticker/price":
      return has("symbol") ? 2 : 4;
    case "account":
      return 20;
    case "order":
      return method === "GET" ? 4 : 1;
    case "order/test":
      return params.get("computeCommissionRates") === "true" ? 20 : 1;
    case "openOrders":
      return method === "DELETE" ? 1 : has("symbol") ? 6 : 80;
    case "allOrders":
      return 20;
    case "myTrades":
      return has("orderId") ? 5 : 20;
    case "rateLimit/order":
      return 40;
    default:
      return 1;
  }
}
