import { notAvailable } from "./_not_available.ts";

if (import.meta.main) {
  notAvailable(
    "hmm-json",
    "the HMM engine over JSON lines (see ../shared/fixtures/hmm/FIXTURES.md)",
    Deno.args,
  );
}
