import { notAvailable } from "./_not_available.ts";

if (import.meta.main) {
  notAvailable(
    "backtest",
    "replays recorded data through the actor tree and the in-process simulated exchange",
    Deno.args,
  );
}
