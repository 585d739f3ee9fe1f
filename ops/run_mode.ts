import { z } from "zod";

/**
 * How a Shoal process runs: `paper`, `live` and `backtest` are the tasks; `demo` is only the ops
 * server's development entry (`ops/_ops_demo.ts`) with synthetic data, which the live page labels.
 */
export const RunMode = {
  paper: "paper",
  live: "live",
  backtest: "backtest",
  demo: "demo",
} as const;
/** One run mode. */
export type RunMode = typeof RunMode[keyof typeof RunMode];
/** Parses a run mode at a boundary. */
export const RunModeSchema = z.enum(RunMode);
