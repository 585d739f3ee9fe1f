/**
 * Binance's REQUEST_WEIGHT of one REST call as ccxt's `fetch2` sees it (`path` without the
 * `/api/v3/` prefix, e.g. `order`, `ticker/bookTicker`), from reference §3 (docs of 2026-07).
 * An endpoint not in the table weighs 1; the venue's `X-MBX-USED-WEIGHT-1M` corrects any
 * estimate on the next answer.
 */
export function requestWeight(
  method: string,
  path: string,
  params: Record<string, unknown>,
): number {
  const has = (name: string) => params[name] !== undefined;
  switch (path) {
    case "ping":
    case "time":
      return 1;
    case "exchangeInfo":
      return 20;
    case "depth": {
      const limit = Number(params.limit ?? 100);
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
    case "avgPrice":
      return 2;
    case "ticker/24hr":
      return has("symbol") ? 2 : 80;
    case "ticker/bookTicker":
    case "ticker/price":
      return has("symbol") ? 2 : 4;
    case "account":
      return 20;
    case "order":
      return method.toUpperCase() === "GET" ? 4 : 1;
    case "openOrders":
      return method.toUpperCase() === "DELETE" ? 1 : has("symbol") ? 6 : 80;
    case "allOrders":
      return 20;
    case "myTrades":
      return has("orderId") ? 5 : 20;
    default:
      return 1;
  }
}
