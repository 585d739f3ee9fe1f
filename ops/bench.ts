import { notAvailable } from "./_not_available.ts";

if (import.meta.main) notAvailable("bench", "benchmarks, JSON out", Deno.args);
