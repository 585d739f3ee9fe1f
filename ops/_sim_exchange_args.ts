import { parseArgs } from "node:util";
import { z } from "zod";
import type { SimServerOptionsInput } from "../data/sim_server/sim_server_options.ts";

/** The port the task listens on when `--port` is not given. */
export const DEFAULT_SIM_EXCHANGE_PORT = 9310;

/** `--help` text of `deno task sim-exchange`. */
export const SIM_EXCHANGE_USAGE =
  `deno task sim-exchange: the simulated Binance Spot exchange, served over Binance's REST and
WebSocket APIs so that unmodified ccxt (binance, ccxt.pro) can trade against it offline.

Replays the recorded 1m bars of ../shared/data/binance (one market minute per 60/speed seconds of
wall time), derives the order book from them and fills orders with the simulated exchange's
queue-aware model. Prints the base URL and API key on start; Ctrl-C (or SIGTERM) stops it cleanly.

Usage: deno task sim-exchange [options]

Options:
  --port P             port to listen on; 0 picks a free one (default ${DEFAULT_SIM_EXCHANGE_PORT})
  --host H             interface (default 127.0.0.1)
  --data DIR           data directory (default ../shared/data/binance)
  --set S              kline set: auto, long or cluster (default auto: the longest holding all symbols)
  --symbols A,B        symbols to replay and trade (default BTCUSDT,ETHUSDT)
  --from T, --to T     replay window: ISO date/time (UTC) or epoch ms (default: the whole set,
                       starting after the warm-up)
  --warmup N           bars fed at once before --from (default 60)
  --speed X            market minutes per wall minute (1 = real time, 60 = an hour a minute),
                       max (as fast as possible) or manual (market stands still) (default 1)
  --api-key K          API key (default sim-key)
  --api-secret S       API secret for HMAC-SHA256 signatures (default sim-secret; never printed)
  --balances LIST      starting balances, e.g. USDT=10000,BTC=0.5 (default USDT=10000)
  --weight-limit N     REQUEST_WEIGHT per IP per minute (default 6000); past it 429, then 418
  --state FILE         SQLite state file: orders, trades, balances and the replay position survive
                       restarts (kill -9 included); without it the state lives in memory only
  --fsync              fsync every change (survives power loss too; slower)
  --exchange-info FILE exchangeInfo JSON(.gz) (default the 2021 subset in ../shared)
  --help, -h           print this text and exit

Market data times are replay (market) time; signed requests' timestamp/recvWindow are checked
against the wall clock, as ccxt signs with its local clock.`;

const Time = z.string().transform((s, ctx) => {
  const t = /^[0-9]+$/.test(s) ? Number(s) : Date.parse(s);
  if (!Number.isSafeInteger(t)) {
    ctx.addIssue({ code: "custom", message: `not a date or epoch ms: ${s}` });
    return z.NEVER;
  }
  return t;
});
const Int = (min: number, max: number) =>
  z.string().regex(/^[0-9]+$/, "not a whole number").transform(Number).pipe(
    z.number().int().min(min).max(max),
  );

const Flags = z.object({
  port: Int(0, 65535).default(DEFAULT_SIM_EXCHANGE_PORT),
  host: z.string().min(1).optional(),
  data: z.string().min(1).optional(),
  set: z.enum(["auto", "long", "cluster"]).optional(),
  symbols: z.string().transform((s) => s.split(",").map((x) => x.trim().toUpperCase())).pipe(
    z.array(z.string().regex(/^[A-Z0-9]{2,20}$/, "not a symbol like BTCUSDT")).min(1),
  ).optional(),
  from: Time.optional(),
  to: Time.optional(),
  warmup: Int(0, 100_000).optional(),
  speed: z.string().transform((s, ctx) => {
    if (s === "max" || s === "manual") return s;
    const n = Number(s);
    if (!(n > 0) || !Number.isFinite(n)) {
      ctx.addIssue({ code: "custom", message: `expected a number > 0, max or manual: ${s}` });
      return z.NEVER;
    }
    return n;
  }).optional(),
  "api-key": z.string().regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces").optional(),
  "api-secret": z.string().min(1).optional(),
  balances: z.string().transform((s, ctx) => {
    const out: Record<string, string> = {};
    for (const part of s.split(",")) {
      const m = /^([A-Z0-9]{1,20})=([0-9]+(\.[0-9]{1,8})?)$/.exec(part.trim());
      if (m === null) {
        ctx.addIssue({ code: "custom", message: `expected ASSET=AMOUNT[,...]: ${part}` });
        return z.NEVER;
      }
      out[m[1]] = m[2];
    }
    return out;
  }).optional(),
  "weight-limit": Int(1, 10_000_000).optional(),
  state: z.string().min(1).optional(),
  fsync: z.boolean().optional(),
  "exchange-info": z.string().min(1).optional(),
});

/** The outcome of reading the task's arguments. */
export type SimExchangeArgs = { help: true } | { help: false; options: SimServerOptionsInput };

/**
 * Reads `deno task sim-exchange` arguments into server options (zod-checked).
 *
 * @throws TypeError with a one-line message naming the bad flag.
 */
export function parseSimExchangeArgs(args: readonly string[]): SimExchangeArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: "boolean", short: "h" },
        port: { type: "string" },
        host: { type: "string" },
        data: { type: "string" },
        set: { type: "string" },
        symbols: { type: "string" },
        from: { type: "string" },
        to: { type: "string" },
        warmup: { type: "string" },
        speed: { type: "string" },
        "api-key": { type: "string" },
        "api-secret": { type: "string" },
        balances: { type: "string" },
        "weight-limit": { type: "string" },
        state: { type: "string" },
        fsync: { type: "boolean" },
        "exchange-info": { type: "string" },
      },
    }).values;
  } catch (err) {
    throw new TypeError((err as Error).message.split("\n")[0]);
  }
  if (values.help) return { help: true };
  const parsed = Flags.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(`--${issue.path.join(".")}: ${issue.message}`);
  }
  const f = parsed.data;
  const options: SimServerOptionsInput = {
    port: f.port,
    host: f.host,
    dataDir: f.data,
    set: f.set,
    symbols: f.symbols,
    from: f.from,
    to: f.to,
    warmupBars: f.warmup,
    speed: f.speed,
    accounts: [{
      apiKey: f["api-key"] ?? "sim-key",
      apiSecret: f["api-secret"] ?? "sim-secret",
      balances: f.balances,
    }],
    weightLimit: f["weight-limit"],
    stateFile: f.state,
    fsync: f.fsync,
    exchangeInfo: f["exchange-info"],
  };
  for (const k of Object.keys(options) as (keyof SimServerOptionsInput)[]) {
    if (options[k] === undefined) delete options[k];
  }
  return { help: false, options };
}
