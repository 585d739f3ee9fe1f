import { notAvailable } from "./_not_available.ts";

if (import.meta.main) {
  notAvailable("live", "live trading on Binance Spot with tiny size", Deno.args);
}
