import { notAvailable } from "./_not_available.ts";

if (import.meta.main) {
  notAvailable("retrain", "nightly retrain with evaluation and rollback", Deno.args);
}
