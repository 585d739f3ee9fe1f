import { z } from "zod";
import { tryParseFixed8 } from "../sim/fixed8.ts";
import type { SimExchangeOptionsInput } from "../sim/sim_exchange_options.ts";

/** A non-negative decimal amount with at most 8 decimals, as a number or a string. */
const Amount = z.union([z.number().nonnegative(), z.string()]).refine(
  (v) => tryParseFixed8(String(v)).ok,
  "must be a non-negative decimal with at most 8 decimals",
);

/** One API key pair and the account it trades (the key is the engine account id). */
export const SimServerAccount = z.object({
  apiKey: z.string().min(1).regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces"),
  apiSecret: z.string().min(1),
  /** Starting balances of a new account. @default {the server's `balances`} */
  balances: z.record(z.string().min(1), Amount).optional(),
});
/** One API key pair. */
export type SimServerAccount = z.infer<typeof SimServerAccount>;

/** The replay's pace: market minutes per wall minute, `"max"` or `"manual"`. */
export const ReplaySpeedSchema = z.union([
  z.number().positive().finite(),
  z.literal("max"),
  z.literal("manual"),
]);

/**
 * Everything the simulated exchange server takes, with defaults (`createSimExchangeServer`,
 * `startSimExchangeServer`, and the `sim-exchange` task's flags). Times are ms since the epoch,
 * UTC.
 */
export const SimServerOptions = z.object({
  /** Interface to bind. @default {"127.0.0.1"} */
  host: z.string().min(1).default("127.0.0.1"),
  /** Port; 0 picks a free one. @default {0} */
  port: z.number().int().min(0).max(65535).default(0),
  /** Data directory (`--data`). @default {../shared/data/binance} */
  dataDir: z.string().min(1).optional(),
  /** Kline set: `long`, `cluster`, or `auto` (the longest holding every symbol). @default {"auto"} */
  set: z.enum(["auto", "long", "cluster"]).default("auto"),
  /** Symbols replayed and traded. @default {["BTCUSDT","ETHUSDT"]} */
  symbols: z.array(z.string().regex(/^[A-Z0-9]{2,20}$/, "upper-case symbol")).min(1)
    .default(["BTCUSDT", "ETHUSDT"]),
  /**
   * Open time of the first replayed bar. @default {the first bar + warmupBars minutes}
   */
  from: z.number().int().optional(),
  /** Bars opening at or after this are never replayed. @default {end of the data} */
  to: z.number().int().optional(),
  /** Bars fed at once at start, before `from`, so the book, volatility and average price exist. @default {60} */
  warmupBars: z.number().int().min(0).max(100_000).default(60),
  /** Replay pace. @default {1} */
  speed: ReplaySpeedSchema.default(1),
  /** API keys; the first is the engine's default account. @default {[{apiKey:"sim-key", apiSecret:"sim-secret"}]} */
  accounts: z.array(SimServerAccount).min(1)
    .default([{ apiKey: "sim-key", apiSecret: "sim-secret" }]),
  /** Starting balances of accounts that give none. @default {{USDT: "10000"}} */
  balances: z.record(z.string().min(1), Amount).default({ USDT: "10000" }),
  /** exchangeInfo file (JSON or .json.gz). @default {the 2021 subset in ../shared} */
  exchangeInfo: z.string().min(1).optional(),
  /** Engine parameters (fees, book, slippage), see `SimExchangeOptions`. @default {{}} */
  engine: z.custom<SimExchangeOptionsInput>((v) => typeof v === "object" && v !== null)
    .default({}),
  /** REQUEST_WEIGHT per IP per minute. @default {6000} */
  weightLimit: z.number().int().positive().default(6000),
  /** 429 answers in one minute after which the next over-limit request bans the IP (418). @default {5} */
  banAfter: z.number().int().min(0).default(5),
  /** First ban, ms (doubles per repeat, at most 3 days). @default {120000} */
  banMs: z.number().int().positive().default(120_000),
  /** New orders per account per 10 s; 0 = unlimited. @default {50} */
  orderLimit10s: z.number().int().min(0).default(50),
  /** New orders per account per UTC day; 0 = unlimited. @default {160000} */
  orderLimitDay: z.number().int().min(0).default(160_000),
  /** SQLite state file; absent = memory only. */
  stateFile: z.string().min(1).optional(),
  /** fsync every step (survives power loss, slower). @default {false} */
  fsync: z.boolean().default(false),
  /** Logged steps between checkpoints of the whole state. @default {10000} */
  checkpointEvery: z.number().int().positive().default(10_000),
  /** Bars fed per step at speed "max" (then the server answers requests). @default {500} */
  chunkBars: z.number().int().positive().default(500),
  /** Market minutes between progress lines (0 = none). @default {60} */
  progressMinutes: z.number().int().min(0).default(60),
  /** Seconds of silence after which a WebSocket is pinged and, without pong, closed. @default {20} */
  wsIdleTimeoutS: z.number().int().min(0).default(20),
});
/** Server options as a caller writes them. */
export type SimServerOptionsInput = z.input<typeof SimServerOptions>;
/** Server options after parsing. */
export type SimServerOptions = z.infer<typeof SimServerOptions>;
