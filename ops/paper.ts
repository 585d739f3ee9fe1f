import { notAvailable } from "./_not_available.ts";

if (import.meta.main) {
  notAvailable(
    "paper",
    "paper trading through the ccxt gateway against the local simulated exchange",
    Deno.args,
  );
}
