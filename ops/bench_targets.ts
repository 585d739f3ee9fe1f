/**
 * Speed targets of the hot path, checked by `deno task bench` (never by tests: timings are noisy).
 * Each target names a benchmark by a prefix of its name and gives the average time it must stay
 * under, in nanoseconds. The budgets come from the hot-path arithmetic of a replay: 2 symbols ×
 * 130 708 bars must take seconds, not minutes, and a per-event step must stay well below one
 * Worker hop (2–5 µs), which is why the market path moves batches.
 */
export interface BenchTarget {
  /** A prefix of the `Deno.bench` name. */
  bench: string;
  /** Average time per iteration must stay below this, in ns. */
  maxAvgNs: number;
  /** Why this budget. */
  why: string;
}

/** The targets `deno task bench` reports against. */
export const BENCH_TARGETS: readonly BenchTarget[] = [
  {
    bench: "OnlineHmmFilter.step K=4 D=4 diag",
    maxAvgNs: 2_000,
    why: "one filter step per bar per symbol must cost less than one Worker hop",
  },
  {
    bench: "OnlineHmmFilter.step K=4 D=4 full",
    maxAvgNs: 2_000,
    why: "one filter step per bar per symbol must cost less than one Worker hop",
  },
  {
    bench: "FeatureEngine v1",
    maxAvgNs: 2_000,
    why: "one feature update per bar per symbol must cost less than one Worker hop",
  },
  {
    bench: "FeatureEngine v2",
    maxAvgNs: 2_000,
    why: "one feature update per bar per symbol must cost less than one Worker hop",
  },
  {
    bench: "loadKlines() BTCUSDT long",
    maxAvgNs: 1_500_000_000,
    why: "a backtest start loads 2 × 90 days of klines before it trades",
  },
];
