import { SeededRng } from "../../models/seeded_rng.ts";
import { CovarianceTracker } from "../../models/risk/covariance_tracker.ts";

const N = 5;
const tracker = new CovarianceTracker(["BTCUSDT", "ETHUSDT", "SOLUSDT", "BNBUSDT", "XRPUSDT"], {
  halfLifeBars: 720,
});
const rng = new SeededRng(7);
const BARS = 4096;
const returns = new Float64Array(BARS * N);
for (let k = 0; k < returns.length; k++) returns[k] = (rng.nextUint32() / 2 ** 32 - 0.5) * 2e-3;
let bar = 0;
let sink = 0;

Deno.bench("CovarianceTracker.update n=5", () => {
  tracker.update(returns.subarray(bar * N, bar * N + N));
  bar = (bar + 1) % BARS;
});

Deno.bench("CovarianceTracker.update + covariance() n=5 (PD check)", () => {
  tracker.update(returns.subarray(bar * N, bar * N + N));
  bar = (bar + 1) % BARS;
  sink += tracker.covariance()[0];
});

globalThis.addEventListener("unload", () => {
  if (Number.isNaN(sink)) console.log(sink);
});
