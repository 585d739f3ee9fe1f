/**
 * The "done when" check of the simulated exchange, with nothing but public ccxt calls: place,
 * query, fill and cancel orders on BTC/USDT, then check that the balances moved by exactly the
 * trades and fees ccxt reports (8-decimal exact, via the `info` strings), and that every fee is
 * the account's rate times the amount received, rounded up to 1e-8.
 *
 * Run against a server that is already listening, or let it start one in-process:
 *
 *   deno run -A data/sim_server/examples/ccxt_roundtrip.ts [--url http://127.0.0.1:9310]
 *     [--api-key sim-key] [--api-secret sim-secret]
 *
 * Exits 0 when everything adds up, 1 (listing the problems) when not.
 */
import ccxt from "ccxt";
import { parseArgs } from "node:util";
import { formatFixed8, mulFixed8, parseFixed8, Rounding } from "../../sim/fixed8.ts";
import { ccxtBinanceConfig } from "../ccxt_binance_config.ts";
import { startSimExchangeServer } from "../start_sim_exchange_server.ts";

/** What the round trip did and whether it added up. */
export interface RoundtripReport {
  /** Each order: what it was, and the status ccxt saw at the end. */
  orders: { id: string; type: string; side: string; status: string }[];
  /** Fills of the round trip. */
  trades: number;
  /** Balances (total = free + locked) before and after, and after as computed from the fills. */
  before: Record<string, string>;
  after: Record<string, string>;
  expected: Record<string, string>;
  /** Fees paid per asset. */
  fees: Record<string, string>;
  /** Everything that did not add up (empty = passed). */
  problems: string[];
}

type Info = Record<string, string | boolean>;

/**
 * Runs the round trip against the server at `baseUrl` with an unmodified `ccxt.binance`.
 * Needs about 700 USDT and a market that is not moving meanwhile (or moving: the checks use
 * what was filled, not what was expected to fill).
 */
export async function ccxtRoundtrip(
  baseUrl: string,
  options: { apiKey?: string; secret?: string } = {},
): Promise<RoundtripReport> {
  const ex = new ccxt.binance(ccxtBinanceConfig(baseUrl, options));
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
  };
  try {
    await ex.loadMarkets();
    const startBalance = await ex.fetchBalance();
    const account = startBalance.info as { balances: Info[]; commissionRates: Info };
    const rates = {
      maker: parseFixed8(String(account.commissionRates.maker)),
      taker: parseFixed8(String(account.commissionRates.taker)),
    };
    const before = totals(account.balances);
    const since = (await ex.fetchMyTrades("BTC/USDT")).length;
    const ticker = await ex.fetchTicker("BTC/USDT");
    const last = ticker.last!;

    // 1. a limit buy below the market rests and locks price × qty of USDT
    const resting = await ex.createOrder(
      "BTC/USDT",
      "limit",
      "buy",
      0.002,
      Math.floor(last * 0.97),
    );
    const queried = await ex.fetchOrder(resting.id!, "BTC/USDT");
    check(queried.status === "open", `resting order is ${queried.status}, expected open`);
    const locked = totalsOf((await ex.fetchBalance()).info, "locked");
    const lockWant = mulFixed8(
      parseFixed8(String(Math.floor(last * 0.97))),
      parseFixed8("0.002"),
      Rounding.CEIL,
    );
    check(locked.USDT === lockWant, `USDT locked ${fmt(locked.USDT)}, expected ${fmt(lockWant)}`);

    // 2. a market buy fills at once; 3. a limit sell below the bid fills at once (taker)
    const bought = await ex.createOrder("BTC/USDT", "market", "buy", 0.004);
    check(bought.status === "closed", `market buy is ${bought.status}, expected closed`);
    const bid = (await ex.fetchTicker("BTC/USDT")).bid!;
    const sold = await ex.createOrder("BTC/USDT", "limit", "sell", 0.001, Math.floor(bid * 0.999));
    const soldNow = await ex.fetchOrder(sold.id!, "BTC/USDT");
    check(soldNow.status === "closed", `crossing limit sell is ${soldNow.status}, expected closed`);

    // 4. cancel the resting order
    const canceled = await ex.cancelOrder(resting.id!, "BTC/USDT");
    check(canceled.status === "canceled", `cancel gave ${canceled.status}`);
    const open = await ex.fetchOpenOrders("BTC/USDT");
    check(!open.some((o) => o.id === resting.id), "the canceled order is still open");

    // 5. balances = before + what the fills say, exactly; fees = rate × received, rounded up
    const trades = (await ex.fetchMyTrades("BTC/USDT")).slice(since);
    const expected: Record<string, bigint> = { ...before };
    const fees: Record<string, bigint> = {};
    const add = (asset: string, v: bigint) => (expected[asset] = (expected[asset] ?? 0n) + v);
    for (const t of trades) {
      const i = t.info as Info;
      const qty = parseFixed8(String(i.qty));
      const quote = parseFixed8(String(i.quoteQty));
      const fee = parseFixed8(String(i.commission));
      const feeAsset = String(i.commissionAsset);
      fees[feeAsset] = (fees[feeAsset] ?? 0n) + fee;
      const rate = i.isMaker ? rates.maker : rates.taker;
      const received = i.isBuyer ? qty : quote;
      check(
        fee === mulFixed8(received, rate, Rounding.CEIL),
        `trade ${t.id}: fee ${fmt(fee)} is not ${fmt(rate)} × ${fmt(received)} rounded up`,
      );
      check(feeAsset === (i.isBuyer ? "BTC" : "USDT"), `trade ${t.id}: fee in ${feeAsset}`);
      if (i.isBuyer) {
        add("BTC", qty - fee);
        add("USDT", -quote);
      } else {
        add("BTC", -qty);
        add("USDT", quote - fee);
      }
    }
    const afterBalance = await ex.fetchBalance();
    const after = totals((afterBalance.info as { balances: Info[] }).balances);
    for (const asset of new Set([...Object.keys(expected), ...Object.keys(after)])) {
      const want = expected[asset] ?? 0n;
      const got = after[asset] ?? 0n;
      check(want === got, `${asset}: balance ${fmt(got)}, fills say ${fmt(want)}`);
    }
    check(trades.length >= 2, `expected at least 2 fills, got ${trades.length}`);
    const finalOrders = await Promise.all(
      [resting, bought, sold].map((o) => ex.fetchOrder(o.id!, "BTC/USDT")),
    );
    return {
      orders: finalOrders.map((o) => ({
        id: o.id!,
        type: o.type!,
        side: o.side!,
        status: o.status!,
      })),
      trades: trades.length,
      before: mapValues(before, fmt),
      after: mapValues(after, fmt),
      expected: mapValues(expected, fmt),
      fees: mapValues(fees, fmt),
      problems,
    };
  } finally {
    await ex.close();
  }
}

function totals(balances: Info[]): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const b of balances) {
    out[String(b.asset)] = parseFixed8(String(b.free)) + parseFixed8(String(b.locked));
  }
  return out;
}

function totalsOf(info: unknown, field: "free" | "locked"): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const b of (info as { balances: Info[] }).balances) {
    out[String(b.asset)] = parseFixed8(String(b[field]));
  }
  return out;
}

function fmt(v: bigint | undefined): string {
  return formatFixed8(v ?? 0n);
}

function mapValues<T, U>(o: Record<string, T>, f: (v: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
}

const USAGE = `ccxt_roundtrip.ts: places, queries, fills and cancels orders with public ccxt calls
against the simulated exchange and checks that balances and fees add up; prints a JSON report
and exits 1 when something does not add up.

Usage: deno run -A data/sim_server/examples/ccxt_roundtrip.ts [--url URL] [--api-key K] [--api-secret S]
  --url URL         a running server (deno task sim-exchange); default: start one in-process
  --api-key K       default sim-key
  --api-secret S    default sim-secret`;

function parseRoundtripArgs(
  args: string[],
): { url?: string; "api-key"?: string; "api-secret"?: string } {
  try {
    return parseArgs({
      args,
      options: {
        url: { type: "string" },
        "api-key": { type: "string" },
        "api-secret": { type: "string" },
      },
    }).values;
  } catch (e) {
    console.error(`ccxt_roundtrip.ts: ${e instanceof Error ? e.message : String(e)} (see --help)`);
    Deno.exit(2);
  }
}

if (import.meta.main) {
  if (Deno.args.includes("--help") || Deno.args.includes("-h")) {
    console.log(USAGE);
    Deno.exit(0);
  }
  const values = parseRoundtripArgs(Deno.args);
  const run = values.url === undefined ? await startSimExchangeServer({ speed: "manual" }) : null;
  try {
    const report = await ccxtRoundtrip(values.url ?? run!.baseUrl, {
      apiKey: values["api-key"],
      secret: values["api-secret"],
    });
    console.log(JSON.stringify(report, null, 2));
    if (report.problems.length > 0) Deno.exitCode = 1;
  } finally {
    await run?.close();
  }
}
