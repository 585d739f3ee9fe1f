import { createHash } from "node:crypto";
import {
  type LoopProgress,
  runTradingLoop,
  type TradingLoopObserver,
} from "../actors/trading_loop.ts";
import { TradingLoopControl } from "../actors/trading_loop_control.ts";
import { combineObservers, RunOps } from "./run_ops.ts";
import { formatTs } from "../data/csv_format.ts";
import { resolveDataDir } from "../data/data_dir.ts";
import { loadKlineSet } from "../data/load_kline_set.ts";
import { ModelStore } from "../data/model_store.ts";
import type { RunInfo, RunSummary } from "../data/run_summary.ts";
import { loadExchangeInfo } from "../data/sim/exchange_info.ts";
import { SimGateway } from "../data/sim_gateway.ts";
import { encodeModelFile, type ModelFile, modelRuntime } from "../models/model_file.ts";
import { klineDataHash, klineFeed } from "./_backtest_feed.ts";
import type { BacktestFlags } from "./_backtest_flags.ts";
import { ensureModel } from "./_ensure_model.ts";
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
/** Feature warm-up margin on top of the pipeline's own warm-up, bars. */
const WARMUP_MARGIN_BARS = 1440;

/** What a backtest produced. */
export interface BacktestResult {
  dir: string;
  summary: RunSummary;
  /** Wall-clock figures (never written into the run files). */
  wallMs: number;
  replayMs: number;
}

/** Where a backtest logs (stderr in the task). */
export interface BacktestHooks {
  log: (line: string) => void;
  progress?: (p: LoopProgress & { fraction: number; barsPerSecond: number }) => void;
  /** Where symbol actors run. @default {"worker"} */
  symbolHost?: "worker" | "local";
  /** More loop hooks (tests). */
  observer?: TradingLoopObserver;
  /** The ops token with `--ops` ("" generates one). @default {Deno.env.get("SHOAL_OPS_TOKEN")} */
  opsTokenEnv?: string;
  /** Handed the loop's control before the loop starts (tests kill and resume through it). */
  onControl?: (control: TradingLoopControl) => void;
}

/**
 * A whole backtest: config (+ flag overrides), data, models (trained first when the store has
 * none usable, on the `run.trainDays` before the traded span: no look-ahead), the traded span
 * (default: the data after the training days), the feature warm-up before it, then the trading
 * loop over the replayed bars with the simulated exchange in-process. Throws `UsageError`,
 * `ConfigError`, `DataFileError`, `ModelStoreError` or `TrainingInputError` (one line each) for
 * bad input.
 */
export async function runBacktest(
  flags: BacktestFlags,
  hooks: BacktestHooks,
): Promise<BacktestResult> {
  const t0 = performance.now();
  const log = hooks.log;
  const config = await effectiveConfig(flags);
  const symbols = [...config.run.symbols].sort();
  const dataDir = await resolveDataDir(flags.data);
  const exchangeInfo = await loadExchangeInfo();
  checkConfigAgainstExchange(config, exchangeInfo.symbols, {
    source: flags.config ?? "ops/default_config.json",
  });
  const quotes = new Set(symbols.map((s) => exchangeInfo.symbols.get(s)!.quoteAsset));
  if (quotes.size !== 1) {
    throw new UsageError(`Cannot trade symbols quoted in different assets: ${[...quotes]}`);
  }
  const quoteAsset = [...quotes][0];
  const interval = config.exchange.barIntervalMs;

  const probe = await loadKlineSet(symbols, { dataDir, set: flags.set, intervalMs: interval });
  const set = probe.set;
  let dataFrom = Infinity, dataTo = -Infinity;
  for (const l of probe.symbols) {
    if (l.columns.length === 0) continue;
    dataFrom = Math.min(dataFrom, l.columns.openTime[0]);
    dataTo = Math.max(dataTo, l.columns.openTime[l.columns.length - 1] + interval);
  }
  if (!Number.isFinite(dataFrom)) {
    throw new UsageError(`Cannot backtest ${symbols.join(",")}: the ${set} set holds no bar`);
  }
  const tradeFrom = flags.from ?? floorTo(dataFrom + config.run.trainDays * DAY_MS, interval);
  const tradeTo = flags.to ?? dataTo;
  if (!(tradeFrom < tradeTo) || tradeFrom >= dataTo) {
    throw new UsageError(
      `Cannot backtest from ${formatTs(tradeFrom)} to ${formatTs(tradeTo)}: the ${set} data ` +
        `spans ${formatTs(dataFrom)} to ${formatTs(dataTo)}`,
    );
  }

  const store = new ModelStore(flags.store);
  const models = await resolveModels(config, flags, {
    symbols,
    tradeFrom,
    store,
    dataDir,
    set,
    log,
  });
  const warmup = Math.max(
    ...symbols.map((s) => modelRuntime(models[s]).createPipeline().warmupBars),
  );
  const replayFrom = Math.max(
    floorTo(dataFrom, interval),
    tradeFrom - (warmup + WARMUP_MARGIN_BARS) * interval,
  );
  const loaded = await loadKlineSet(symbols, {
    dataDir,
    set,
    from: replayFrom,
    to: tradeTo,
    intervalMs: interval,
  });
  const dataHash = klineDataHash(loaded);
  const hash = configHash(config);
  const modelIds = symbols.map((s) => models[s].manifest.id);
  const runId = "bt-" + createHash("sha256").update(canonicalJson({
    configHash: hash,
    dataHash,
    set,
    span: [replayFrom, tradeTo],
    tradeFrom,
    seed: config.run.seed,
    models: modelIds,
  })).digest("hex").slice(0, 12);
  const dir = flags.out ?? `runs/${runId}`;
  const chaosRate = flags["chaos-crash-rate"];
  const info: RunInfo = {
    runId,
    mode: "backtest",
    venue: "sim",
    symbols,
    dataset: set,
    seed: config.run.seed,
    configHash: hash,
    dataHash,
    span: { from: replayFrom, to: tradeTo },
    split: {
      trainFrom: Math.min(...symbols.map((s) => models[s].manifest.training.from)),
      trainTo: Math.max(...symbols.map((s) => models[s].manifest.training.to)),
      tradeFrom,
      tradeTo,
    },
    models: symbols.map((s) => ({
      symbol: s,
      id: models[s].manifest.id,
      kind: models[s].manifest.kind,
      trainFrom: models[s].manifest.training.from,
      trainTo: models[s].manifest.training.to,
    })),
    dataQa: loaded.qa,
    startingEquityQuote: Number(config.exchange.startingBalances[quoteAsset] ?? 0),
    quoteAsset,
    chaos: chaosRate > 0 ? { crashRate: chaosRate, seed: config.run.seed } : null,
  };
  log(
    `backtest ${runId}: ${symbols.join(",")} ${set} traded ${formatTs(tradeFrom)} → ${
      formatTs(tradeTo)
    } (warm-up from ${formatTs(replayFrom)}), models ${
      modelIds.join(",")
    }, seed ${config.run.seed}${chaosRate > 0 ? `, chaos crash rate ${chaosRate}` : ""}`,
  );

  const gateway = new SimGateway(exchangeInfo, config.exchange);
  const control = new TradingLoopControl();
  hooks.onControl?.(control);
  const ops = flags.ops
    ? await RunOps.start({
      mode: "backtest",
      runId,
      dir,
      symbols,
      models: symbols.map((s) => ({
        symbol: s,
        kind: models[s].manifest.kind,
        id: models[s].manifest.id,
      })),
      control,
      startingEquityQuote: info.startingEquityQuote,
      retrainRefusal:
        "a backtest trades fixed models so that it is reproducible: use deno task retrain",
    }, {
      host: flags["ops-host"],
      port: flags["ops-port"],
      log,
      tokenEnv: hooks.opsTokenEnv ?? Deno.env.get("SHOAL_OPS_TOKEN") ?? "",
    })
    : null;
  const t1 = performance.now();
  const span = tradeTo - replayFrom;
  try {
    const summary = await runTradingLoop({
      feed: klineFeed(loaded, { batchBars: config.run.batchBars, from: replayFrom, to: tradeTo }),
      gateway,
      config,
      models: Object.fromEntries(symbols.map((s) => [s, encodeModelFile(models[s])])),
      tradeFrom,
      outDir: dir,
      info,
      chaos: info.chaos,
      symbolHost: hooks.symbolHost,
      control,
      observer: combineObservers(ops?.observer ?? {}, hooks.observer ?? {}, {
        progress: (p) => {
          const seconds = (performance.now() - t1) / 1000;
          hooks.progress?.({
            ...p,
            fraction: Math.min(1, (p.ts + 1 - replayFrom) / span),
            barsPerSecond: seconds > 0 ? p.events / seconds : 0,
          });
        },
      }),
    });
    const t2 = performance.now();
    return { dir, summary, wallMs: t2 - t0, replayMs: t2 - t1 };
  } finally {
    await ops?.close();
  }
}

/** The config file with the flags' overrides applied and validated again. */
async function effectiveConfig(flags: BacktestFlags): Promise<ShoalConfig> {
  const base = await loadConfig(flags.config);
  if (
    flags.symbols === undefined && flags.seed === undefined && flags["batch-bars"] === undefined
  ) {
    return base;
  }
  const json = structuredClone(base) as ShoalConfig;
  if (flags.symbols !== undefined) json.run.symbols = flags.symbols;
  if (flags.seed !== undefined) json.run.seed = flags.seed;
  if (flags["batch-bars"] !== undefined) json.run.batchBars = flags["batch-bars"];
  return parseConfig(json, { source: `${flags.config ?? "ops/default_config.json"} with flags` });
}

/**
 * The model of every symbol: `--model` ids (matched to symbols by their manifest), else the
 * config's `model` id, else `ensureModel` ("auto"). A stored model trained past `tradeFrom` is
 * refused (look-ahead).
 */
async function resolveModels(
  config: ShoalConfig,
  flags: BacktestFlags,
  where: {
    symbols: readonly string[];
    tradeFrom: number;
    store: ModelStore;
    dataDir: string;
    set: "long" | "cluster";
    log: (line: string) => void;
  },
): Promise<Record<string, ModelFile>> {
  const explicit = new Map<string, ModelFile>();
  for (const id of flags.model ?? []) {
    const file = await where.store.load(id);
    const symbol = file.manifest.symbol;
    if (!where.symbols.includes(symbol)) {
      throw new UsageError(
        `--model ${id} is a ${symbol} model, not one of ${where.symbols.join(",")}`,
      );
    }
    if (explicit.has(symbol)) throw new UsageError(`--model names two models of ${symbol}`);
    explicit.set(symbol, file);
  }
  const out: Record<string, ModelFile> = {};
  for (const symbol of where.symbols) {
    let file = explicit.get(symbol);
    const configured = config.symbols[symbol].model;
    if (file === undefined && configured !== "auto") file = await where.store.load(configured);
    if (file !== undefined) {
      const m = file.manifest;
      if (m.symbol !== symbol) {
        throw new UsageError(`model ${m.id} was trained on ${m.symbol}, not ${symbol}`);
      }
      if (m.training.to > where.tradeFrom) {
        throw new UsageError(
          `model ${m.id} was trained until ${
            formatTs(m.training.to)
          }, after the traded span starts at ${
            formatTs(where.tradeFrom)
          } (look-ahead): choose a later --from or another model`,
        );
      }
      const horizon = config.symbols[symbol].priorHorizonBars;
      if (file.policy.horizon !== horizon) {
        throw new UsageError(
          `model ${m.id} has state priors over ${file.policy.horizon} bars, the config's symbols.${symbol}.priorHorizonBars is ${horizon}: train with --horizon ${horizon} or change the config`,
        );
      }
      where.log(`model ${symbol}: ${m.id} (given; trained until ${formatTs(m.training.to)})`);
      out[symbol] = file;
      continue;
    }
    const ensured = await ensureModel({
      symbol,
      kind: flags.kind,
      tradeFrom: where.tradeFrom,
      dataDir: where.dataDir,
      set: where.set,
      store: where.store,
      seed: config.run.seed,
      trainDays: config.run.trainDays,
      horizon: config.symbols[symbol].priorHorizonBars,
      log: (line) => where.log(`model ${symbol}: ${line}`),
    });
    out[symbol] = ensured.file;
  }
  return out;
}

function floorTo(ms: number, step: number): number {
  return Math.floor(ms / step) * step;
}

/** One progress line (stderr). */
export function progressLine(
  p: LoopProgress & { fraction: number; barsPerSecond: number },
): string {
  const equity = p.equity === null ? "-" : p.equity.toFixed(2);
  return `backtest: ${formatTs(p.ts).slice(0, 16)}Z ${
    (100 * p.fraction).toFixed(0).padStart(3)
  }% ` +
    `${
      Math.round(p.barsPerSecond)
    } bars/s, orders ${p.orders}, fills ${p.fills}, equity ${equity}` +
    (p.restarts > 0 ? `, restarts ${p.restarts}` : "");
}
