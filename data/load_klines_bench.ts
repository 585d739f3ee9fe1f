import { loadKlines } from "./load_klines.ts";

// Run with `deno bench -A data/`. One long gzip file: 130,708 1m bars, streamed, QA on.
Deno.bench("loadKlines() BTCUSDT long (130708 bars, .csv.gz)", async () => {
  const r = await loadKlines("BTCUSDT", { set: "long" });
  if (r.columns.length !== 130_708) throw new Error(`Cannot bench: loaded ${r.columns.length}`);
});

Deno.bench("loadKlines() BTCUSDT cluster (43199 bars, .csv)", async () => {
  const r = await loadKlines("BTCUSDT", { set: "cluster" });
  if (r.columns.length !== 43_199) throw new Error(`Cannot bench: loaded ${r.columns.length}`);
});
