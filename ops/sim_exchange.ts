import { notAvailable } from "./_not_available.ts";

if (import.meta.main) {
  notAvailable(
    "sim-exchange",
    "serves the simulated exchange over Binance's REST/WebSocket API shapes",
    Deno.args,
  );
}
