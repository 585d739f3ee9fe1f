import { formatTs } from "../data/csv_format.ts";
import type { KlineSetChoice } from "../data/kline_files.ts";
import { ModelStore } from "../data/model_store.ts";
import type { AnyFeatureSchema } from "../models/features/parse_feature_schema.ts";
import type { ModelFile, ModelKind } from "../models/model_file.ts";
import { DEFAULT_PRIOR_HORIZON_BARS } from "../models/training/train_model.ts";
import { schemaFor } from "./_train_run.ts";
import { trainRun } from "./_train_run.ts";

const DAY_MS = 86_400_000;

/** Options of `ensureModel`. */
export interface EnsureModelOptions {
  symbol: string;
  kind: ModelKind;
  /** First bar open time (ms) the model will trade; it must be trained on bars before it. */
  tradeFrom: number;
  /** Data directory. @default {the bundled data} */
  dataDir?: string;
  /** @default {"auto"} */
  set?: KlineSetChoice;
  /** The store, or its directory. */
  store: ModelStore | string;
  /** Seed of a fresh training. @default {0} */
  seed?: number;
  /**
   * Whole UTC days before the day of `tradeFrom` a fresh model is trained on (clipped to the data's
   * start; the features' warm-up, ~1 day for v1 and ~4 days for h2, is part of it).
   * @default {14}
   */
  trainDays?: number;
  /** @default {v1 for "hmm", the macro/micro schema over v1 for "h2"} */
  schema?: AnyFeatureSchema;
  /** Flat states of a fresh hmm. @default {4} */
  states?: number;
  /** @default {3} */
  macroStates?: number;
  /** @default {3} */
  microStates?: number;
  /**
   * Forward horizon of the policy priors, bars (`symbols.<S>.priorHorizonBars`): only a stored
   * model with this horizon is used, a fresh one is trained with it.
   * @default {DEFAULT_PRIOR_HORIZON_BARS}
   */
  horizon?: number;
  /** Train even if QA dropped rows in the training span (they are logged). @default {true} */
  dropBadRows?: boolean;
  /** Receives one line per event (which model, or what is being trained). @default {no output} */
  log?: (line: string) => void;
}

/** The model a run will trade, and where it came from. */
export interface EnsuredModel {
  file: ModelFile;
  /** `current`: the symbol's current pointer; `latest`: newest usable; `trained`: just trained. */
  source: "current" | "latest" | "trained";
}

/**
 * The model `backtest` and `paper` trade from `tradeFrom` on, without look-ahead: the store's
 * current model of the symbol and kind if it was trained on the requested schema with the
 * requested prior horizon and its training span ends at or before `tradeFrom`; else the newest
 * such model (`ModelStore.latest`'s order); else (e.g.
 * an empty store on a fresh clone) a model trained now on the `trainDays` whole UTC days before
 * the day of `tradeFrom` (bars with open time in [⌊tradeFrom⌋₁d − trainDays, ⌊tradeFrom⌋₁d)), saved to the store
 * and returned. Logs "no model in store for X before T: training on [a, b)" before training.
 *
 * Throws what `trainRun` throws (`DataFileError`, `TrainingInputError` e.g. when too few bars
 * precede `tradeFrom`, `ModelStoreError`).
 */
export async function ensureModel(options: EnsureModelOptions): Promise<EnsuredModel> {
  const store = typeof options.store === "string" ? new ModelStore(options.store) : options.store;
  const { symbol, kind, tradeFrom } = options;
  const schema = options.schema ?? schemaFor(kind, "v1");
  const horizon = options.horizon ?? DEFAULT_PRIOR_HORIZON_BARS;
  const log = options.log ?? (() => {});
  const ptr = await store.current(symbol, kind);
  if (ptr !== null) {
    const file = await store.load(ptr.id);
    const m = file.manifest;
    if (
      m.featureSchema.hash === schema.hash && m.training.to <= tradeFrom &&
      file.policy.horizon === horizon
    ) {
      log(`model: ${m.id} (current ${symbol} ${kind}, trained until ${formatTs(m.training.to)})`);
      return { file, source: "current" };
    }
  }
  const latest = await latestWithHorizon(store, {
    symbol,
    kind,
    schemaHash: schema.hash,
    trainedBefore: tradeFrom,
  }, horizon);
  if (latest !== null) {
    log(
      `model: ${latest.manifest.id} (newest ${symbol} ${kind} trained until ${
        formatTs(latest.manifest.training.to)
      })`,
    );
    return { file: latest, source: "latest" };
  }
  const trainDays = options.trainDays ?? 14;
  if (!(trainDays > 0)) throw new RangeError(`Cannot train on ${trainDays} days`);
  // Whole UTC days: every run starting on the same day trades the same model (a paper hour and
  // the backtest of its day agree, and the store does not grow a model per start minute).
  const to = Math.floor(tradeFrom / DAY_MS) * DAY_MS;
  const from = to - trainDays * DAY_MS;
  log(
    `no model in store for ${symbol} ${kind} (priors over ${horizon} bars) before ${
      formatTs(tradeFrom)
    }: training on [${formatTs(from)}, ${formatTs(to)})`,
  );
  const result = await trainRun({
    symbol,
    kind,
    schema,
    dataDir: options.dataDir,
    set: options.set ?? "auto",
    from,
    to,
    clipSpan: true,
    dropBadRows: options.dropBadRows ?? true,
    store,
    reference: "auto",
    states: options.states ?? 4,
    macroStates: options.macroStates,
    microStates: options.microStates,
    seed: options.seed ?? 0,
    horizon,
    log,
    progress: false,
  });
  const m = result.file.manifest;
  if (m.training.to > tradeFrom) {
    throw new RangeError(
      `Cannot use ${m.id}: trained until ${formatTs(m.training.to)}, after ${formatTs(tradeFrom)}`,
    );
  }
  log(
    `model: ${m.id} trained on ${m.training.rows} rows [${formatTs(m.training.from)}, ${
      formatTs(m.training.to)
    }), saved to ${result.saved.path}`,
  );
  return { file: result.file, source: "trained" };
}

/** `ModelStore.latest` restricted to models whose priors are over `horizon` bars. */
async function latestWithHorizon(
  store: ModelStore,
  query: { symbol: string; kind: ModelKind; schemaHash: string; trainedBefore: number },
  horizon: number,
): Promise<ModelFile | null> {
  const usable = (await store.list({ symbol: query.symbol, kind: query.kind })).filter((m) =>
    m.featureSchema.hash === query.schemaHash && m.training.to <= query.trainedBefore
  );
  usable.sort((a, b) =>
    b.training.to - a.training.to || b.training.from - a.training.from ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
  for (const m of usable) {
    const file = await store.load(m.id);
    if (file.policy.horizon === horizon) return file;
  }
  return null;
}
