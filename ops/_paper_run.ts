import { z } from "zod";
import {
  type Feed,
  type LoopProgress,
  runTradingLoop,
  type TradingLoopObserver,
} from "../actors/trading_loop.ts";
import { CcxtGateway, type CcxtTarget } from "../data/ccxt_gateway.ts";
import { CcxtMarketFeed } from "../data/ccxt_market_feed.ts";
import { formatTs } from "../data/csv_format.ts";
import { resolveDataDir } from "../data/data_dir.ts";
import type { GatewayEvent, GatewayOrder } from "../data/gateway.ts";
import { decisionFromClientId, JournaledGateway } from "../data/journaled_gateway.ts";
import { loadKlineSet } from "../data/load_kline_set.ts";
import { ModelStore } from "../data/model_store.ts";
import { RetrainJobs } from "./retrain_jobs.ts";
import { combineObservers, RunOps } from "./run_ops.ts";
import { OrderJournal } from "../data/order_journal.ts";
import { emptyQaReport } from "../data/qa_report.ts";
import {
  BASELINE_KEY,
  MismatchKind,
  reconcile,
  type ReconcileBaseline,
  type ReconcileReport,
} from "../data/reconcile.ts";
import type { RunInfo, RunSummary } from "../data/run_summary.ts";
import { loadExchangeInfo } from "../data/sim/exchange_info.ts";
import {
  type RunningSimExchange,
  startSimExchangeServer,
} from "../data/sim_server/start_sim_exchange_server.ts";
import { encodeModelFile, type ModelFile, modelRuntime } from "../models/model_file.ts";
import { klineDataHash } from "./_backtest_feed.ts";
import { ensureModel } from "./_ensure_model.ts";
import { runBands } from "./_paper_bands.ts";
import type { PaperFlags } from "./_paper_flags.ts";
import {
  readTape,
  TapedControl,
  tapedFeed,
  TapedGateway,
  type TapeEntry,
  TapePlayer,
} from "./_paper_tape.ts";
import { UsageError } from "./_train_flags.ts";
import {
  canonicalJson,
  checkConfigAgainstExchange,
  configHash,
  loadConfig,
  parseConfig,
  type ShoalConfig,
} from "./config.ts";

const DAY_MS = 86_400_000;

/**
 * The default first minute of a simulated paper run on the bundled long set: 2025-06-20 08:00 UTC,
 * the busiest hour of one-hour backtests of 2025-06-20..23 with the models a fresh store trains
 * (the 30 days before each day): this slow strategy places no order in most hours; in this one it
 * places two ETH limit orders (a paper run at speed 60 measured here: both rest and are cancelled
 * at their TTL, no fill). So the README's first command shows orders going through the venue. Any other data falls back to the data's
 * start + run.trainDays, and `--from` picks any minute.
 */
const DEFAULT_PAPER_FROM = Date.UTC(2025, 5, 20, 8, 0);
const BAR_MS = 60_000;
/** Feature warm-up margin on top of the pipeline's own warm-up, bars (as the backtest). */
const WARMUP_MARGIN_BARS = 1440;
/** Market minutes between two reconciliations during a run. */
const RECONCILE_EVERY_MINUTES = 15;
/** The simulated exchange's API key pair of a paper run (not a secret: a local test account). */
const SIM_KEYS = { apiKey: "paper-sim-key", secret: "paper-sim-secret" };
const PARAMS_KEY = "paper.params";
const FINISHED_KEY = "paper.finished";

/** What a paper run is, stored in its journal so `--resume` needs nothing else. */
const PaperParams = z.object({
  version: z.literal(1),
  runId: z.string(),
  mode: z.enum(["paper", "live"]),
  venue: z.enum(["sim", "testnet", "live", "url"]),
  /** For venue "url" (tests of the live path against a local server): the base URL. */
  baseUrl: z.string().nullable(),
  symbols: z.array(z.string()),
  set: z.string(),
  tradeFrom: z.number().int(),
  tradeTo: z.number().int(),
  warmupFrom: z.number().int(),
  speed: z.union([z.number().positive(), z.literal("max")]),
  config: z.unknown(),
  configSource: z.string(),
  models: z.record(z.string(), z.string()),
  stateFile: z.string().nullable(),
  dataHash: z.string(),
  startingEquityQuote: z.number(),
  quoteAsset: z.string(),
  /** Live caps (quote), or null for paper. */
  caps: z.object({ maxOrderNotional: z.number(), maxPositionNotional: z.number() }).nullable(),
});
type PaperParams = z.infer<typeof PaperParams>;

/** Where a paper run reports (stderr in the task). */
export interface PaperHooks {
  log: (line: string) => void;
  /** Receives one progress line every 5 market minutes or 3 wall seconds. */
  progress?: (line: string) => void;
  /** The environment (keys for testnet/live). @default {Deno.env.get} */
  env?: (name: string) => string | undefined;
  /**
   * The trading loop's observer, for the ops server and metrics (a later task wires them):
   * progress, supervisor events, decisions, executions, guard rows, equity.
   */
  observer?: TradingLoopObserver;
  /** Each reconciliation pass (mismatch counts by kind feed `shoal_reconciliation_mismatches_total`). */
  onReconcile?: (report: ReconcileReport, when: string) => void;
}

/** The live path's extras (`ops/live.ts`). */
export interface LiveExtras {
  /** Caps enforced on every order (see `ops/_live_caps.ts`). */
  caps: { maxOrderNotional: number; maxPositionNotional: number };
  /** Trade against this base URL instead of production (tests only; `--unsafe-test-base-url`). */
  baseUrl?: string;
  /** Wraps the gateway the execution actor owns (the caps). */
  wrap: (gateway: JournaledGateway<CcxtGateway>, ctx: { symbols: string[] }) => Promise<
    import("../data/gateway.ts").Gateway
  >;
}

/** What a paper run produced. */
export interface PaperResult {
  dir: string;
  runId: string;
  summary: RunSummary & { paper: PaperSection };
  wallMs: number;
}

/** The `paper` section added to `summary.json`. */
export interface PaperSection {
  venue: string;
  speed: number | "max";
  resumed: number;
  /** Per symbol: slippage bands (bp) and limit-order fill ratio (`ops/_paper_bands.ts`). */
  bands: Awaited<ReturnType<typeof runBands>>;
  /** Reconciliation: passes, failures, mismatches by kind over the whole run (all resumes). */
  reconcile: {
    passes: number;
    failures: number;
    mismatches: Record<string, number>;
    final: { ok: boolean; mismatches: Record<string, number> };
  };
  /**
   * Balances of the traded assets at the end: the venue's (free + locked) and what the journal
   * explains (baseline + journaled fills); `equal` when they agree for every asset.
   */
  positions: { venue: Record<string, string>; journal: Record<string, string>; equal: boolean };
  /** Open orders cancelled when the run ended (client ids). */
  canceledAtEnd: string[];
  gateway: ReturnType<CcxtGateway["stats"]>;
  weight: ReturnType<CcxtGateway["budget"]["stats"]>;
  journal: ReturnType<OrderJournal["counts"]>;
}

/**
 * A whole paper (or live) run. Fresh: config and flags → data span and models (trained first when
 * the store has none usable: no look-ahead) → the venue (sim: the simulated exchange server
 * in-process on 127.0.0.1, a free port, state file in the run directory) → the ccxt gateway,
 * journal, reconciliation baseline → the trading loop (`runTradingLoop`, the backtest's) over the
 * live feed → end: cancel open orders, reconcile, `summary.json` with the `paper` section.
 * `--resume`: the same from the journal's stored parameters, with the tape played back first (see
 * `_paper_tape.ts`). Throws `UsageError`/`ConfigError`/… (one line each) for bad input.
 */
export async function runPaper(
  flags: PaperFlags,
  hooks: PaperHooks,
  live?: LiveExtras,
): Promise<PaperResult> {
  const t0 = performance.now();
  const log = hooks.log;
  const env = hooks.env ?? ((n: string) => Deno.env.get(n));
  const prepared = flags.resume !== undefined
    ? await resumeParams(flags)
    : await freshParams(flags, log, env, live);
  const { params, dir } = prepared;
  let config = parseConfig(params.config, { source: params.configSource });
  const store = new ModelStore(flags.store);
  const models: Record<string, ModelFile> = {};
  for (const s of params.symbols) {
    models[s] = prepared.models?.[s] ?? await store.load(params.models[s]);
  }

  const keys = params.venue === "sim" ? SIM_KEYS : apiKeys(env, params.venue);
  const journal = new OrderJournal(`${dir}/journal.db`);
  let server: RunningSimExchange | null = null;
  let gateway: CcxtGateway | null = null;
  let ops: RunOps | null = null;
  let retrainJobs: RetrainJobs | null = null;
  try {
    const resumed = Number(journal.meta("paper.resumed") ?? 0) +
      (flags.resume !== undefined ? 1 : 0);
    journal.setMeta("paper.resumed", resumed);
    const speed = flags.resume !== undefined && flags.speed !== undefined
      ? flags.speed
      : params.speed;
    const numericSpeed = typeof speed === "number";

    if (params.venue === "sim") {
      server = await startSimExchangeServer({
        symbols: params.symbols,
        dataDir: prepared.dataDir,
        set: params.set as "long" | "cluster",
        from: params.tradeFrom,
        speed: speed === "max" ? "manual" : speed,
        stateFile: params.stateFile!,
        port: 0,
        accounts: [{ apiKey: SIM_KEYS.apiKey, apiSecret: SIM_KEYS.secret }],
        balances: Object.fromEntries(
          Object.entries(config.exchange.startingBalances).map(([k, v]) => [k, String(v)]),
        ),
        engine: config.exchange,
        progressMinutes: 0,
        log: (line) => log(`sim: ${line}`),
      });
      // the market waits while the run starts up (and replays its tape); it runs once live
      server.server.stop();
    }

    const tape = readTape(journal);
    const baseline = journal.meta(BASELINE_KEY) as ReconcileBaseline | undefined;
    const known = tapeTradeIds(tape, baseline?.lastTradeIds ?? {});
    const target: CcxtTarget = params.venue === "sim"
      ? { kind: "url", baseUrl: server!.baseUrl }
      : params.venue === "testnet"
      ? { kind: "testnet" }
      : params.venue === "url"
      ? { kind: "url", baseUrl: params.baseUrl! }
      : { kind: "live" };
    gateway = await CcxtGateway.connect({
      target,
      apiKey: keys.apiKey,
      secret: keys.secret,
      symbols: params.symbols,
      venue: params.venue === "sim"
        ? "sim"
        : params.venue === "testnet"
        ? "binance-testnet"
        : "binance",
      knownTradeIds: flags.resume !== undefined ? known : undefined,
      log: (line) => log(`gateway: ${line}`),
    });
    const gw = gateway;
    if (journal.meta(PARAMS_KEY) === undefined) {
      if (params.venue !== "sim") {
        // a real account: the book starts with the account's quote balance as cash (base assets
        // already held stay outside the book; reconciliation still counts them)
        const b = await gw.balances();
        if (!b.ok) throw new Error(`Cannot read the account's balances: ${b.reject.msg}`);
        const q = b.value.find((x) => x.asset === params.quoteAsset);
        const cash = q === undefined ? 0 : Number(q.free) + Number(q.locked);
        const json = params.config as ShoalConfig;
        json.exchange.startingBalances = { [params.quoteAsset]: cash };
        config = parseConfig(json, { source: params.configSource });
        params.config = JSON.parse(canonicalJson(config));
        params.startingEquityQuote = cash;
      }
      journal.setMeta(PARAMS_KEY, params);
    }
    checkConfigAgainstExchange(config, gw.exchangeInfo!.symbols, { source: params.configSource });
    // the decision behind each order: the intent of the same symbol and decision time
    const intents = new Map<string, { modelVersion: string; state: number; macroState: number }>();
    const jgw = new JournaledGateway(gw, journal, {
      // a request that never reached the venue is sent again (same client id) when the path
      // issues it again within two market minutes of its decision; an older one is stale
      resendDropped: (_request, decisionTs) =>
        (server !== null ? server.server.marketNow() : Date.now()) - decisionTs <=
          2 * BAR_MS,
      decisionOf: (request) => {
        const d = decisionFromClientId(request.clientOrderId);
        const it = intents.get(`${request.symbol}:${d.ts}`);
        return it === undefined ? undefined : { ts: d.ts, ...it };
      },
    });
    const assets = new Map(params.symbols.map((s) => {
      const r = gw.symbolRules(s)!;
      return [s, { base: r.baseAsset, quote: r.quoteAsset }] as const;
    }));
    const tally = reconcileTally(journal);
    const runReconcile = async (when: string): Promise<ReconcileReport> => {
      const r = await reconcile(journal, gw, {
        assets,
        quote: () => undefined,
      });
      tally.add(r);
      hooks.onReconcile?.(r, when);
      ops?.onReconcile(r);
      for (const line of r.lines) log(`reconcile (${when}): mismatch ${line}`);
      if (!r.ok) {
        log(`reconcile (${when}): the exchange could not be queried (${r.error}): trading paused`);
        jgw.pause(`reconciliation failed: ${r.error}`);
      } else if (jgw.paused !== null) {
        log(`reconcile (${when}): ok again: trading resumes`);
        jgw.resume();
      }
      return r;
    };
    // The trading path's gateway comes first, so that every venue event from now on — the
    // reconciliation's gap fill included — is held for the actors (none is lost before they
    // exist); the orders the tape showed them are what the gateway knows.
    gw.track(tapeOrders(tape));
    const traded = live === undefined ? jgw : await live.wrap(jgw, { symbols: params.symbols });
    const player = new TapePlayer(tape, async () => {
      await gw.resync();
      if (server !== null && numericSpeed) server.server.start();
      if (tape.length > 0) log(`resume: tape played back (${tape.length} entries); trading live`);
    });
    const tgw = new TapedGateway(traded, journal, player);
    const control = new TapedControl(journal, player);
    let liveFeed: CcxtMarketFeed | null = null;
    const jobs = new RetrainJobs({
      dir,
      store: flags.store ?? "store",
      data: flags.data,
      kinds: Object.fromEntries(params.symbols.map((s) => [s, models[s].manifest.kind])),
      to: () => control.eventTs + 1,
      log: (line) => log(`ops: ${line}`),
    });
    // the ops server comes up before the first reconciliation, so its mismatches are counted
    ops = await RunOps.start({
      mode: params.mode,
      runId: params.runId,
      dir,
      symbols: params.symbols,
      models: params.symbols.map((s) => ({
        symbol: s,
        kind: models[s].manifest.kind,
        id: models[s].manifest.id,
      })),
      control,
      startingEquityQuote: params.startingEquityQuote,
      exchange: () => {
        const w = gw.budget.stats(), g = gw.stats();
        return {
          usedWeight: w.used,
          weightLimit: w.limit,
          reconnects: {
            user: g.userReconnects,
            book: g.bookReconnects,
            market: liveFeed?.stats().reconnects ?? 0,
          },
        };
      },
      retrain: (request) =>
        control.eventTs === 0
          ? { accepted: false, reason: "the run has not traded a market minute yet" }
          : jobs.start(request),
    }, {
      host: flags["ops-host"],
      port: flags["ops-port"],
      log,
      tokenEnv: env("SHOAL_OPS_TOKEN") ?? "",
    });
    retrainJobs = jobs;
    const first = await runReconcile(flags.resume !== undefined ? "resume" : "start");
    if (!first.ok && flags.resume === undefined) {
      throw new Error(
        `Cannot start paper trading: the exchange cannot be reconciled: ${first.error}`,
      );
    }
    if (tape.length > 0) {
      log(
        `resume ${params.runId}: replaying the tape (${tape.length} entries) to rebuild the actors`,
      );
    } else if (server !== null && numericSpeed) {
      // fresh: nothing to replay; the market runs from the first live minute
    }

    const info: RunInfo = {
      runId: params.runId,
      mode: params.mode,
      venue: gw.venue,
      symbols: params.symbols,
      dataset: params.set,
      seed: config.run.seed,
      configHash: configHash(config),
      dataHash: params.dataHash,
      span: { from: params.warmupFrom, to: params.tradeTo },
      split: {
        trainFrom: Math.min(...params.symbols.map((s) => models[s].manifest.training.from)),
        trainTo: Math.max(...params.symbols.map((s) => models[s].manifest.training.to)),
        tradeFrom: params.tradeFrom,
        tradeTo: params.tradeTo,
      },
      models: params.symbols.map((s) => ({
        symbol: s,
        id: models[s].manifest.id,
        kind: models[s].manifest.kind,
        trainFrom: models[s].manifest.training.from,
        trainTo: models[s].manifest.training.to,
      })),
      dataQa: emptyQaReport(),
      startingEquityQuote: params.startingEquityQuote,
      quoteAsset: params.quoteAsset,
      chaos: null,
    };
    let nextReconcile = -Infinity;
    const feed: Feed = tapedFeed(journal, player, tgw, ({ lastOpenTime, nextSeq }) => {
      const resumeAt = lastOpenTime === null ? null : lastOpenTime + BAR_MS;
      const from = Math.max(params.tradeFrom, resumeAt ?? params.tradeFrom);
      const f = new CcxtMarketFeed(gw, {
        symbols: params.symbols,
        from,
        to: params.tradeTo,
        warmupFrom: resumeAt === null ? params.warmupFrom : Math.min(resumeAt, from),
        batchBars: config.run.batchBars,
        firstSeq: nextSeq,
        pace: server !== null && speed === "max"
          ? async () => {
            // one market minute, then a barrier: the fills it caused reach the gateway before
            // the minute is traded (so a run at "max" does not depend on socket timing)
            server!.server.advance(1);
            const last: Record<string, number> = {};
            for (const s of params.symbols) {
              const fills = server!.server.engine.fills({ symbol: s });
              if (fills.length > 0) last[s] = fills[fills.length - 1].tradeId;
            }
            await gw.waitForTrades(last);
          }
          : undefined,
        log: (line) => log(`feed: ${line}`),
      });
      liveFeed = f;
      return {
        async *[Symbol.asyncIterator]() {
          for await (const batch of f) {
            const last = Math.max(
              ...batch.bars.map((b) => (b.length > 0 ? b.openTime[b.length - 1] : -Infinity)),
            );
            if (last >= params.tradeFrom && last >= nextReconcile) {
              nextReconcile = last + RECONCILE_EVERY_MINUTES * BAR_MS;
              if (last > params.tradeFrom || jgw.paused !== null) await runReconcile("periodic");
            }
            if (last + BAR_MS >= params.tradeTo && server !== null) {
              // the run's last minute: stop the market so nothing fills after the loop's last look
              server.server.stop();
            }
            yield batch;
          }
          info.dataQa = f.qa();
        },
      };
    });

    log(
      `${params.mode} ${params.runId}: ${params.symbols.join(",")} on ${gw.venue}, market ${
        formatTs(params.tradeFrom)
      } → ${formatTs(params.tradeTo)} at speed ${speed}, models ${
        params.symbols.map((s) => models[s].manifest.id).join(",")
      }; run directory ${dir}`,
    );
    const t1 = performance.now();
    let lastLine = 0, lastMarket = -Infinity;
    const summary: RunSummary = await runTradingLoop({
      feed,
      gateway: tgw,
      config,
      models: Object.fromEntries(params.symbols.map((s) => [s, encodeModelFile(models[s])])),
      tradeFrom: params.tradeFrom,
      outDir: dir,
      info,
      lookahead: 0,
      writeThrough: true,
      control,
      observer: combineObservers(hooks.observer ?? {}, ops.observer, {
        decisions: (d) => {
          for (const it of d.intents) {
            intents.set(`${it.symbol}:${it.ts}`, {
              modelVersion: it.modelVersion,
              state: it.state,
              macroState: it.macroState,
            });
            if (player.live) {
              journal.recordIntent({
                ts: it.ts,
                symbol: it.symbol,
                modelVersion: it.modelVersion,
                side: it.side,
                targetQty: it.targetQty,
                conf: it.conf,
                state: it.state,
                macroState: it.macroState,
                price: it.price,
              });
            }
          }
        },
        progress: (p) => {
          if (p.ts < params.tradeFrom) return;
          const wall = performance.now();
          if (
            wall - lastLine < 3000 && p.ts - lastMarket < 5 * BAR_MS && p.ts + 1 < params.tradeTo
          ) return;
          lastLine = wall;
          lastMarket = p.ts;
          hooks.progress?.(progressLine(params, p, gw, (wall - t1) / 1000, liveFeed));
        },
      }),
    });

    // End of the run: what is still resting is cancelled (nothing is left working on the account
    // unattended), the journal is reconciled a last time, and summary.json gets the paper section.
    const canceledAtEnd: string[] = [];
    const open = await jgw.openOrders();
    if (open.ok) {
      for (const o of open.value) {
        const r = await jgw.cancelOrder(o.symbol, o.clientOrderId);
        if (r.ok) canceledAtEnd.push(o.clientOrderId);
      }
    }
    const final = await runReconcile("end");
    const section: PaperSection = {
      venue: gw.venue,
      speed,
      resumed,
      bands: await runBands(dir),
      reconcile: {
        passes: tally.passes,
        failures: tally.failures,
        mismatches: tally.mismatches(),
        final: { ok: final.ok, mismatches: final.mismatches },
      },
      positions: {
        venue: final.venueBalances,
        journal: final.expectedBalances,
        equal: final.ok &&
          canonicalJson(final.venueBalances) === canonicalJson(final.expectedBalances),
      },
      canceledAtEnd,
      gateway: gw.stats(),
      weight: gw.budget.stats(),
      journal: journal.counts(),
    };
    const full = { ...summary, paper: section };
    await Deno.writeTextFile(`${dir}/summary.json`, JSON.stringify(full, null, 2) + "\n");
    journal.setMeta(FINISHED_KEY, true);
    return { dir, runId: params.runId, summary: full, wallMs: performance.now() - t0 };
  } finally {
    await ops?.close();
    if (retrainJobs?.running !== null && retrainJobs?.running !== undefined) {
      log(`ops: waiting for ${retrainJobs.running} to finish`);
    }
    await retrainJobs?.settled();
    await gateway?.close();
    await server?.close();
    journal.close();
  }
}

/** The run's stored parameters for `--resume`. */
async function resumeParams(flags: PaperFlags): Promise<{
  params: PaperParams;
  dir: string;
  dataDir: string | undefined;
  models?: Record<string, ModelFile>;
}> {
  const dir = flags.resume!.replace(/\/+$/, "");
  try {
    await Deno.stat(`${dir}/journal.db`);
  } catch {
    throw new UsageError(
      `Cannot resume ${dir}: it holds no journal.db (not a paper run directory)`,
    );
  }
  const journal = new OrderJournal(`${dir}/journal.db`);
  try {
    const parsed = PaperParams.safeParse(journal.meta(PARAMS_KEY));
    if (!parsed.success) {
      throw new UsageError(`Cannot resume ${dir}: its journal has no run parameters`);
    }
    if (journal.meta(FINISHED_KEY) === true) {
      throw new UsageError(`Cannot resume ${dir}: the run finished (summary.json is written)`);
    }
    return {
      params: parsed.data,
      dir,
      dataDir: flags.data !== undefined ? await resolveDataDir(flags.data) : undefined,
    };
  } finally {
    journal.close();
  }
}

/** A fresh run's parameters: config, span, models, run id and directory. */
async function freshParams(
  flags: PaperFlags,
  log: (line: string) => void,
  env: (name: string) => string | undefined,
  live: LiveExtras | undefined,
): Promise<{
  params: PaperParams;
  dir: string;
  dataDir: string | undefined;
  models: Record<string, ModelFile>;
}> {
  const venue = live !== undefined ? (live.baseUrl !== undefined ? "url" : "live") : flags.venue;
  if (venue !== "sim") apiKeys(env, venue); // refuse before anything starts
  const configSource = flags.config ?? "ops/default_config.json";
  const config = live === undefined
    ? await effectiveConfig(flags)
    : capped(await effectiveConfig(flags), live.caps, configSource);
  const symbols = [...config.run.symbols].sort();
  const exchangeInfo = await loadExchangeInfo();
  checkConfigAgainstExchange(config, exchangeInfo.symbols, { source: configSource });
  const quotes = new Set(symbols.map((s) => exchangeInfo.symbols.get(s)!.quoteAsset));
  if (quotes.size !== 1) {
    throw new UsageError(`Cannot trade symbols quoted in different assets: ${[...quotes]}`);
  }
  const quoteAsset = [...quotes][0];
  const dataDir = await resolveDataDir(flags.data);
  const probe = await loadKlineSet(symbols, { dataDir, set: "auto", intervalMs: BAR_MS });
  const set = probe.set;
  let dataFrom = Infinity, dataTo = -Infinity;
  for (const l of probe.symbols) {
    if (l.columns.length === 0) continue;
    dataFrom = Math.min(dataFrom, l.columns.openTime[0]);
    dataTo = Math.max(dataTo, l.columns.openTime[l.columns.length - 1] + BAR_MS);
  }
  const duration = flags.duration;
  let tradeFrom: number;
  if (venue === "sim") {
    const earliest = floorTo(dataFrom + config.run.trainDays * DAY_MS, BAR_MS);
    const demo = DEFAULT_PAPER_FROM >= earliest && DEFAULT_PAPER_FROM + duration <= dataTo;
    tradeFrom = flags.from ?? (demo ? DEFAULT_PAPER_FROM : earliest);
    if (tradeFrom % BAR_MS !== 0) {
      throw new UsageError(`--from must be on a whole minute: ${formatTs(tradeFrom)}`);
    }
    if (tradeFrom < dataFrom + BAR_MS || tradeFrom + duration > dataTo) {
      throw new UsageError(
        `Cannot paper trade ${formatTs(tradeFrom)} → ${
          formatTs(tradeFrom + duration)
        }: the ${set} ` +
          `data spans ${formatTs(dataFrom)} to ${formatTs(dataTo)}`,
      );
    }
  } else if (venue === "url") {
    tradeFrom = await venueNextMinute(live!.baseUrl!, symbols[0]);
  } else {
    tradeFrom = floorTo(Date.now(), BAR_MS) + BAR_MS;
  }
  const tradeTo = tradeFrom + duration;
  const store = new ModelStore(flags.store);
  const models: Record<string, ModelFile> = {};
  for (const symbol of symbols) {
    const configured = config.symbols[symbol].model;
    let file: ModelFile;
    if (configured !== "auto") {
      file = await store.load(configured);
      if (file.manifest.symbol !== symbol) {
        throw new UsageError(
          `model ${configured} was trained on ${file.manifest.symbol}, not ${symbol}`,
        );
      }
      if (file.manifest.training.to > tradeFrom) {
        throw new UsageError(
          `model ${configured} was trained until ${formatTs(file.manifest.training.to)}, after ` +
            `the traded span starts at ${formatTs(tradeFrom)} (look-ahead)`,
        );
      }
    } else {
      file = (await ensureModel({
        symbol,
        kind: flags.kind,
        tradeFrom: venue === "sim" || venue === "url" ? tradeFrom : dataTo,
        dataDir,
        set,
        store,
        seed: config.run.seed,
        trainDays: config.run.trainDays,
        log: (line) => log(`model ${symbol}: ${line}`),
      })).file;
    }
    models[symbol] = file;
  }
  const warmup = Math.max(
    ...symbols.map((s) => modelRuntime(models[s]).createPipeline().warmupBars),
  );
  const warmupFrom = venue === "sim" || venue === "url"
    ? Math.max(floorTo(dataFrom, BAR_MS), tradeFrom - (warmup + WARMUP_MARGIN_BARS) * BAR_MS)
    : tradeFrom - (warmup + WARMUP_MARGIN_BARS) * BAR_MS;
  const dataHash = venue === "sim"
    ? klineDataHash(
      await loadKlineSet(symbols, {
        dataDir,
        set,
        from: warmupFrom,
        to: tradeTo,
        intervalMs: BAR_MS,
      }),
    )
    : `live:${venue}`;
  const runId = `${live !== undefined ? "lv" : "pp"}-${
    new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z")
  }-${crypto.randomUUID().slice(0, 6)}`;
  const dir = (flags.out ?? `runs/${runId}`).replace(/\/+$/, "");
  await Deno.mkdir(dir, { recursive: true });
  return {
    params: {
      version: 1,
      runId,
      mode: live !== undefined ? "live" : "paper",
      venue,
      baseUrl: live?.baseUrl ?? null,
      symbols,
      set,
      tradeFrom,
      tradeTo,
      warmupFrom,
      speed: venue === "sim" ? flags.speed ?? 60 : 1,
      config: JSON.parse(canonicalJson(config)),
      configSource,
      models: Object.fromEntries(symbols.map((s) => [s, models[s].manifest.id])),
      stateFile: venue === "sim" ? flags.state ?? `${dir}/sim-state.db` : null,
      dataHash,
      startingEquityQuote: Number(config.exchange.startingBalances[quoteAsset] ?? 0),
      quoteAsset,
      caps: live?.caps ?? null,
    },
    dir,
    dataDir,
    models,
  };
}

/**
 * The config under the live caps: no symbol's order cap, and not the execution actor's, above
 * `maxOrderNotional` (so the risk actor sizes orders to fit). The position cap is not mapped onto
 * the covariance budget (its scaling would block every order at these sizes); it is enforced,
 * with the order cap, in front of the venue by `CappedGateway`.
 */
function capped(
  config: ShoalConfig,
  caps: { maxOrderNotional: number; maxPositionNotional: number },
  source: string,
): ShoalConfig {
  const json = structuredClone(config) as ShoalConfig;
  json.execution.maxOrderNotionalQuote = Math.min(
    json.execution.maxOrderNotionalQuote,
    caps.maxOrderNotional,
  );
  for (const s of Object.values(json.symbols)) {
    s.maxOrderNotionalQuote = Math.min(s.maxOrderNotionalQuote, caps.maxOrderNotional);
  }
  return parseConfig(json, { source: `${source} under the live caps` });
}

/** The open time after the venue's latest 1m kline of `symbol` (a local test venue's market time). */
async function venueNextMinute(baseUrl: string, symbol: string): Promise<number> {
  const url = `${baseUrl.replace(/\/+$/, "")}/api/v3/klines?symbol=${symbol}&interval=1m&limit=1`;
  const res = await fetch(url);
  const rows = await res.json() as [number, ...unknown[]][];
  if (!res.ok || !Array.isArray(rows) || rows.length === 0) {
    throw new UsageError(`Cannot read the market time of ${baseUrl}: no kline of ${symbol}`);
  }
  return rows[rows.length - 1][0] + BAR_MS;
}

/** The config file with `--symbols` and `--seed` applied and validated again. */
async function effectiveConfig(flags: PaperFlags): Promise<ShoalConfig> {
  const base = await loadConfig(flags.config);
  if (flags.symbols === undefined && flags.seed === undefined) return base;
  const json = structuredClone(base) as ShoalConfig;
  if (flags.symbols !== undefined) json.run.symbols = flags.symbols;
  if (flags.seed !== undefined) json.run.seed = flags.seed;
  return parseConfig(json, { source: `${flags.config ?? "ops/default_config.json"} with flags` });
}

/**
 * `BINANCE_API_KEY` / `BINANCE_API_SECRET` for testnet and live.
 *
 * @throws UsageError naming what is missing (never the values).
 */
export function apiKeys(
  env: (name: string) => string | undefined,
  venue: string,
): { apiKey: string; secret: string } {
  const apiKey = env("BINANCE_API_KEY") ?? "";
  const secret = env("BINANCE_API_SECRET") ?? "";
  const missing = [
    apiKey === "" ? "BINANCE_API_KEY" : null,
    secret === "" ? "BINANCE_API_SECRET" : null,
  ]
    .filter((x) => x !== null);
  if (missing.length > 0) {
    throw new UsageError(
      `--venue ${venue} needs ${missing.join(" and ")} in the environment (Binance ${
        venue === "testnet" ? "Spot testnet" : "Spot"
      } API key and secret)`,
    );
  }
  return { apiKey, secret };
}

/** Per symbol, the highest trade id the tape delivered (over the baseline's). */
function tapeTradeIds(
  tape: readonly TapeEntry[],
  baseline: Readonly<Record<string, number>>,
): Record<string, number> {
  const out: Record<string, number> = { ...baseline };
  for (const e of tape) {
    if (e.kind !== "event" || e.event.kind !== "fill") continue;
    const f = e.event.fill;
    out[f.symbol] = Math.max(out[f.symbol] ?? -1, f.tradeId);
  }
  return out;
}

/** The last state of every order the tape showed the actors (answers and events). */
function tapeOrders(tape: readonly TapeEntry[]): GatewayOrder[] {
  const last = new Map<string, GatewayOrder>();
  for (const e of tape) {
    if (e.kind === "event" && e.event.kind === "order") {
      last.set(
        e.event.order.clientOrderId,
        (e.event as Extract<GatewayEvent, { kind: "order" }>).order,
      );
    } else if (e.kind === "answer") {
      const r = e.result as { ok?: boolean; value?: unknown };
      const v = r?.value as Partial<GatewayOrder> | undefined;
      if (
        r?.ok === true && v !== undefined && typeof v.clientOrderId === "string" &&
        typeof v.status === "string"
      ) {
        if (!last.has(v.clientOrderId)) last.set(v.clientOrderId, v as GatewayOrder);
      }
    }
  }
  return [...last.values()];
}

/** Reconciliation counts over the whole run, kept in the journal so resumes add up. */
function reconcileTally(journal: OrderJournal) {
  const key = "paper.reconcile";
  const saved = (journal.meta(key) ?? { passes: 0, failures: 0, mismatches: {} }) as {
    passes: number;
    failures: number;
    mismatches: Record<string, number>;
  };
  return {
    get passes() {
      return saved.passes;
    },
    get failures() {
      return saved.failures;
    },
    mismatches(): Record<string, number> {
      return Object.fromEntries(
        Object.values(MismatchKind).map((k) => [k, saved.mismatches[k] ?? 0]),
      );
    },
    add(r: ReconcileReport) {
      saved.passes++;
      if (!r.ok) saved.failures++;
      for (const [k, n] of Object.entries(r.mismatches)) {
        saved.mismatches[k] = (saved.mismatches[k] ?? 0) + n;
      }
      journal.setMeta(key, saved);
    },
  };
}

function progressLine(
  params: PaperParams,
  p: LoopProgress,
  gw: CcxtGateway,
  wallS: number,
  feed: CcxtMarketFeed | null,
): string {
  const done = Math.min(params.tradeTo, p.ts + 1) - params.tradeFrom;
  const total = params.tradeTo - params.tradeFrom;
  const equity = p.equity === null ? "-" : p.equity.toFixed(2);
  const g = gw.stats();
  const w = gw.budget.stats();
  const reconnects = g.userReconnects + g.bookReconnects + (feed?.stats().reconnects ?? 0);
  return `${params.mode}: market ${formatTs(p.ts + 1).slice(0, 16)}Z ${Math.round(done / BAR_MS)}/${
    Math.round(total / BAR_MS)
  } min, wall ${
    wallS.toFixed(0)
  } s, bars ${p.events}, orders ${p.orders}, fills ${p.fills}, equity ${equity}, ` +
    `weight ${w.used}/${w.limit}` + (reconnects > 0 ? `, reconnects ${reconnects}` : "") +
    (p.restarts > 0 ? `, restarts ${p.restarts}` : "");
}

function floorTo(ms: number, step: number): number {
  return Math.floor(ms / step) * step;
}
