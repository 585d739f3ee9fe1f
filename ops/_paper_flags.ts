import { z } from "zod";
import { SYMBOL_PATTERN } from "../models/model_file.ts";
import { intFlag, parseFlags, splitFlags, timeFlag, UsageError } from "./_train_flags.ts";
import { opsFlagsUsage, OpsHostFlag, OpsPortFlag } from "./_ops_flags.ts";

/** `deno task paper --help`. */
export const PAPER_USAGE =
  `deno task paper: paper trading: the whole actor tree (symbol Workers → portfolio risk →
execution → recorder) trades through the ccxt gateway, by default against the simulated exchange
server started on 127.0.0.1 (a free port) replaying the bundled real Binance data

Usage: deno task paper [options]

  --venue sim|testnet   sim: the simulated exchange server, in-process, replaying the data;
                        testnet: Binance Spot testnet (ccxt sandbox mode) with BINANCE_API_KEY and
                        BINANCE_API_SECRET from the environment                 default sim
  --duration D          market time to trade: 90s, 60m, 2h (rounded up to minutes) default 60m
  --speed X|max         market minutes per wall minute: 60 = one market hour per wall minute,
                        1 = real time, max = as fast as the client keeps up (sim only)  default 60
  --from T              first traded minute (sim); ISO (UTC) or epoch ms
                        default 2025-06-20T08:00Z on the bundled long set (the busiest hour of
                        the default strategy there: it places two limit orders);
                        on other data the data's start + run.trainDays
  --symbols A,B         traded symbols (each needs an entry in the config)   default config run.symbols
  --kind h2|hmm         kind of the models trained or looked up for "auto"   default h2
  --seed N              seed of every random choice                          default config run.seed
  --config FILE         run configuration (JSON)                             default ops/default_config.json
  --data DIR            data directory                                       default ../shared/data/binance
  --store DIR           model store directory (trained first when empty)     default ./store
  --out DIR             run directory                                        default runs/<run-id>
  --state FILE          the simulated exchange's state file                  default <run dir>/sim-state.db
  --resume DIR          continue a run that was stopped (even by kill -9): reconciles the journal
                        with the exchange, replays the run's tape to rebuild every actor, then
                        trades on until the run's original end (only --speed, --store and --data
                        may be given with it, and the ops flags)
${opsFlagsUsage(24)}
  --help                print this text

Writes trades.csv, orders.csv, state_timeline.csv, guardrails.csv, equity.csv, summary.json (with
per-symbol slippage bands and the limit-order fill ratio under "paper"), parquet/ (daily rollups),
journal.db (every intent, order, fill, the tape) and, for sim, sim-state.db into the run directory,
and prints its path on stdout. Progress lines go to stderr.
Exit codes: 0 ok, 2 bad input (one line on stderr), 1 internal error.`;

const BOOLEANS = new Set(["help"]);

/**
 * `--duration`: `90s`, `60m`, `2h` (a number and a unit) → milliseconds, rounded up to whole
 * minutes (the bars are 1m: `90s` trades 2 minutes). Null when unreadable or not > 0.
 */
export function parseDuration(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)$/.exec(text.trim());
  if (m === null) return null;
  const ms = Number(m[1]) * (m[2] === "s" ? 1000 : m[2] === "m" ? 60_000 : 3_600_000);
  if (!(ms > 0) || !Number.isFinite(ms)) return null;
  const minutes = Math.ceil(ms / 60_000);
  return Number.isSafeInteger(minutes * 60_000) ? minutes * 60_000 : null;
}

/** `--speed`: a number > 0 (market minutes per wall minute) or `max`. */
export function parseSpeed(text: string): number | "max" | null {
  if (text === "max") return "max";
  const n = text.trim() === "" ? NaN : Number(text);
  return n > 0 && Number.isFinite(n) ? n : null;
}

/** `--duration` as a flag schema: milliseconds (see {@link parseDuration}). */
export const DurationFlag = z.string().transform((s, ctx) => {
  const ms = parseDuration(s);
  if (ms === null) {
    ctx.addIssue({ code: "custom", message: "must be a duration such as 90s, 60m or 2h" });
    return z.NEVER;
  }
  return ms;
});

const Speed = z.string().transform((s, ctx) => {
  const v = parseSpeed(s);
  if (v === null) {
    ctx.addIssue({ code: "custom", message: "must be a number > 0 or max" });
    return z.NEVER;
  }
  return v;
});

/** `--symbols` as a flag schema: distinct upper-case symbols. */
export const SymbolsFlag = z.string().transform((s, ctx) => {
  const items = s.split(",").map((x) => x.trim()).filter((x) => x !== "");
  if (
    items.length === 0 || items.some((x) => !SYMBOL_PATTERN.test(x)) ||
    new Set(items).size !== items.length
  ) {
    ctx.addIssue({ code: "custom", message: "must be a comma-separated list of distinct symbols" });
    return z.NEVER;
  }
  return items;
});

/** The paper task's flags, parsed. */
export const PaperFlags = z.strictObject({
  venue: z.enum(["sim", "testnet"]).default("sim"),
  duration: DurationFlag.default(3_600_000),
  /** @default {60} (applied by the run; on --resume, the run's own speed unless given) */
  speed: Speed.optional(),
  from: timeFlag().optional(),
  symbols: SymbolsFlag.optional(),
  kind: z.enum(["h2", "hmm"]).default("h2"),
  seed: intFlag(0).optional(),
  config: z.string().min(1).optional(),
  data: z.string().min(1).optional(),
  store: z.string().min(1).optional(),
  out: z.string().min(1).optional(),
  state: z.string().min(1).optional(),
  resume: z.string().min(1).optional(),
  "ops-host": OpsHostFlag,
  "ops-port": OpsPortFlag,
});
/** The paper task's flags. */
export type PaperFlags = z.infer<typeof PaperFlags>;

/** Flags that may accompany `--resume` (the rest come from the run being resumed). */
const RESUME_FLAGS = new Set(["resume", "speed", "store", "data", "ops-host", "ops-port"]);

/**
 * Parses the command line; throws `UsageError` (one line) for anything wrong: an unknown or
 * malformed flag, `--speed max` or `--from`/`--state` with `--venue testnet`, or a flag that
 * `--resume` does not take.
 */
export function parsePaperFlags(args: readonly string[]): PaperFlags {
  const raw = splitFlags(args, BOOLEANS);
  if (raw.resume !== undefined) {
    const extra = Object.keys(raw).filter((k) => !RESUME_FLAGS.has(k));
    if (extra.length > 0) {
      throw new UsageError(
        `bad flags: --resume continues a run with its own settings; ${
          extra.map((k) => `--${k}`).join(", ")
        } cannot be given with it`,
      );
    }
  }
  const flags = parseFlags(PaperFlags, raw);
  if (flags.venue === "testnet") {
    if (flags.speed !== undefined && flags.speed !== 1) {
      throw new UsageError("bad flags: --venue testnet trades in real time: --speed must be 1");
    }
    if (flags.from !== undefined || flags.state !== undefined) {
      throw new UsageError("bad flags: --from and --state apply to --venue sim only");
    }
  }
  return flags;
}
