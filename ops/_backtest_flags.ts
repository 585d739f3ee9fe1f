import { z } from "zod";
import { SYMBOL_PATTERN } from "../models/model_file.ts";
import { intFlag, parseFlags, splitFlags, timeFlag, UsageError } from "./_train_flags.ts";
import { opsFlagsUsage, OpsHostFlag, OpsPortFlag } from "./_ops_flags.ts";

/** `deno task backtest --help`. */
export const BACKTEST_USAGE =
  `deno task backtest: replay recorded klines in event time through the trading actors
(symbol Workers → portfolio risk → execution) with the simulated exchange in-process, as fast as
possible, and write the run outputs (deterministic: same data, config and seed => same bytes)

Usage: deno task backtest [options]

  --symbols A,B       traded symbols (each needs an entry in the config)   default config run.symbols
  --from T, --to T    traded span, bars with from <= open time < to; ISO (UTC) or epoch ms
                      default: from the data's start + run.trainDays, to the data's end
  --model ID[,ID]     stored model(s) to trade (one per symbol); refused when trained past --from
                      default: per symbol config "model", "auto" = newest usable model in the
                      store, trained first on the run.trainDays before --from when there is none
  --kind h2|hmm       kind of the models trained or looked up for "auto"   default h2
  --seed N            seed of every random choice (training, chaos)        default config run.seed
  --config FILE       run configuration (JSON)                             default ops/default_config.json
  --data DIR          data directory                                       default ../shared/data/binance
  --set long|cluster|auto   kline set                                     default auto (longest)
  --store DIR         model store directory                                default ./store
  --out DIR           run directory                                        default runs/<run-id>
  --batch-bars N      bars per market batch (all symbols, >= 100)          default config run.batchBars
  --chaos-crash-rate P  symbol Workers crash on this fraction of bars (0..1); the supervisor
                      restarts them and the outputs stay byte-identical    default 0
  --ops               serve the ops server while the backtest runs (metrics, /status, /ws, the
                      live page, /kill, /resume; /retrain is refused: a backtest's models are fixed)
${opsFlagsUsage(22)}
  --help              print this text

Writes trades.csv, orders.csv, state_timeline.csv, guardrails.csv, equity.csv, summary.json and
parquet/ (daily rollups) into the run directory and prints its path on stdout. Progress lines and
wall-clock figures go to stderr only (they are not part of any output file).
Exit codes: 0 ok, 2 bad input (one line on stderr), 1 internal error.`;

const BOOLEANS = new Set(["help", "ops"]);

function fraction() {
  return z.string().transform((s, ctx) => {
    const n = s.trim() === "" ? NaN : Number(s);
    if (!(n >= 0 && n <= 1)) {
      ctx.addIssue({ code: "custom", message: "must be a number in [0, 1]" });
      return z.NEVER;
    }
    return n;
  });
}

function list(pattern: RegExp, what: string) {
  return z.string().transform((s, ctx) => {
    const items = s.split(",").map((x) => x.trim()).filter((x) => x !== "");
    const bad = items.find((x) => !pattern.test(x));
    if (items.length === 0 || bad !== undefined || new Set(items).size !== items.length) {
      ctx.addIssue({ code: "custom", message: `must be a comma-separated list of ${what}` });
      return z.NEVER;
    }
    return items;
  });
}

/** The backtest's flags, parsed. */
export const BacktestFlags = z.strictObject({
  symbols: list(SYMBOL_PATTERN, "distinct upper-case symbols").optional(),
  from: timeFlag().optional(),
  to: timeFlag().optional(),
  model: list(/^(hmm|h2)-[0-9a-f]{12}$/, "model ids (h2-0123456789ab)").optional(),
  kind: z.enum(["h2", "hmm"]).default("h2"),
  seed: intFlag(0, Number.MAX_SAFE_INTEGER).optional(),
  config: z.string().min(1).optional(),
  data: z.string().min(1).optional(),
  set: z.enum(["long", "cluster", "auto"]).default("auto"),
  store: z.string().min(1).optional(),
  out: z.string().min(1).optional(),
  "batch-bars": intFlag(100, 100_000).optional(),
  "chaos-crash-rate": fraction().default(0),
  ops: z.boolean().default(false),
  "ops-host": OpsHostFlag,
  "ops-port": OpsPortFlag,
});
/** The backtest's flags. */
export type BacktestFlags = z.infer<typeof BacktestFlags>;

/** Parses the command line; throws `UsageError` (one line) for anything wrong. */
export function parseBacktestFlags(args: readonly string[]): BacktestFlags {
  const raw = splitFlags(args, BOOLEANS);
  if (raw.ops === undefined && (raw["ops-host"] !== undefined || raw["ops-port"] !== undefined)) {
    throw new UsageError("bad flags: --ops-host and --ops-port need --ops");
  }
  const flags = parseFlags(BacktestFlags, raw);
  if (flags.from !== undefined && flags.to !== undefined && !(flags.from < flags.to)) {
    throw new UsageError(`bad flags: --from must be before --to`);
  }
  return flags;
}
