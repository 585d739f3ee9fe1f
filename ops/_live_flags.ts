import { z } from "zod";
import { DurationFlag, SymbolsFlag } from "./_paper_flags.ts";
import { intFlag, parseFlags, positiveFlag, splitFlags, UsageError } from "./_train_flags.ts";
import { opsFlagsUsage, OpsHostFlag, OpsPortFlag } from "./_ops_flags.ts";

/** `deno task live --help`. */
export const LIVE_USAGE =
  `deno task live: live trading on Binance Spot with tiny size: the same actor tree as paper
trading, through ccxt against production, every order capped in notional and every position capped
in value (hard caps in front of the exchange, whatever the config says)

Usage: deno task live --confirm-live [options]
  (BINANCE_API_KEY and BINANCE_API_SECRET must be set in the environment)

  --confirm-live              required: you mean to trade real money
  --max-order-notional Q      hard cap of one order's notional, quote (USDT)   default 15
  --max-position-notional Q   hard cap of a symbol's position value, quote     default 50
  --duration D                time to trade: 90s, 60m, 2h                      default 60m
  --symbols A,B               traded symbols                                   default config run.symbols
  --kind h2|hmm               kind of the models trained or looked up          default h2
  --seed N                    seed of every random choice                      default config run.seed
  --config FILE               run configuration (JSON)                         default ops/default_config.json
  --data DIR                  data directory (training)                        default ../shared/data/binance
  --store DIR                 model store directory                            default ./store
  --out DIR                   run directory                                    default runs/<run-id>
${opsFlagsUsage(30)}
  --help                      print this text

Without BINANCE_API_KEY, BINANCE_API_SECRET and --confirm-live it refuses to start (exit 2, one
line, before any network call). Secrets are never printed, logged or written to the run directory.
Exit codes: 0 ok, 2 bad input or refused (one line on stderr), 1 internal error.`;

/** The test-only flag that points the live path at a local Binance-compatible server. */
export const TEST_BASE_URL_FLAG = "unsafe-test-base-url";

const BOOLEANS = new Set(["help", "confirm-live"]);

/** The live task's flags, parsed. */
export const LiveFlags = z.strictObject({
  "confirm-live": z.boolean().default(false),
  "max-order-notional": positiveFlag().default(15),
  "max-position-notional": positiveFlag().default(50),
  duration: DurationFlag.default(3_600_000),
  symbols: SymbolsFlag.optional(),
  kind: z.enum(["h2", "hmm"]).default("h2"),
  seed: intFlag(0).optional(),
  config: z.string().min(1).optional(),
  data: z.string().min(1).optional(),
  store: z.string().min(1).optional(),
  out: z.string().min(1).optional(),
  "ops-host": OpsHostFlag,
  "ops-port": OpsPortFlag,
  /**
   * Tests only: trade against this Binance-compatible base URL (the simulated exchange server)
   * instead of production. It changes nothing else: keys and `--confirm-live` are still required.
   */
  [TEST_BASE_URL_FLAG]: z.url({ protocol: /^https?$/ }).optional(),
});
/** The live task's flags. */
export type LiveFlags = z.infer<typeof LiveFlags>;

/** Parses the command line; throws `UsageError` (one line) for anything wrong. */
export function parseLiveFlags(args: readonly string[]): LiveFlags {
  return parseFlags(LiveFlags, splitFlags(args, BOOLEANS));
}

/**
 * Why the live task must not start, or null when it may: the keys and `--confirm-live` are all
 * required. Looks at the environment only for presence (the values are never read into the
 * message).
 */
export function liveRefusal(
  flags: LiveFlags,
  env: (name: string) => string | undefined,
): string | null {
  const missing: string[] = [];
  if ((env("BINANCE_API_KEY") ?? "") === "") missing.push("BINANCE_API_KEY");
  if ((env("BINANCE_API_SECRET") ?? "") === "") missing.push("BINANCE_API_SECRET");
  if (!flags["confirm-live"]) missing.push("--confirm-live");
  if (missing.length === 0) return null;
  return `refusing to start: live trading needs BINANCE_API_KEY, BINANCE_API_SECRET and ` +
    `--confirm-live (missing: ${missing.join(", ")})`;
}

/** Throws UsageError when the caps are not sensible (order cap above the position cap). */
export function checkCaps(flags: LiveFlags): void {
  if (flags["max-order-notional"] > flags["max-position-notional"]) {
    throw new UsageError(
      `bad flags: --max-order-notional (${flags["max-order-notional"]}) must not exceed ` +
        `--max-position-notional (${flags["max-position-notional"]})`,
    );
  }
}
