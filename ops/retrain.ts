import { z } from "zod";
import { formatTs } from "../data/csv_format.ts";
import { DataFileError } from "../data/data_file_error.ts";
import { resolveDataDir } from "../data/data_dir.ts";
import { loadKlines } from "../data/load_klines.ts";
import { ModelStore, ModelStoreError } from "../data/model_store.ts";
import { createFeaturePipeline } from "../models/features/create_feature_pipeline.ts";
import { parseFeatureSchema } from "../models/features/parse_feature_schema.ts";
import { klTransmat } from "../models/hmm/kl_transmat.ts";
import { type ModelFile, modelRuntime } from "../models/model_file.ts";
import { holdoutScore } from "../models/training/holdout_score.ts";
import { TrainingInputError } from "../models/training/training_input_error.ts";
import {
  heldLog,
  intFlag,
  parseFlags,
  reportFailure,
  splitFlags,
  SymbolFlag,
  timeFlag,
  UsageError,
} from "./_train_flags.ts";
import { reportLines, SCHEMA_NAMES, schemaFor, trainRun } from "./_train_run.ts";

const DAY_MS = 86_400_000;

const USAGE =
  `deno task retrain: fit a new model version on the most recent data, compare it with the
current one on a held-out tail and promote it only if it is not worse

Usage: deno task retrain --symbol BTCUSDT [options]

  --symbol S           symbol (required)
  --h2                 retrain the symbol's H2 model instead of its flat HMM
  --window-days N      days of training bars before the held-out tail        default 30
  --holdout-days N     days at the end kept out of training, to compare on   default 2
  --to T               end of the data to use (ISO UTC or epoch ms)          default: data end
  --states K           flat states of the new version                        default: current's K, else 4
  --macro-states M, --micro-states U   H2 sizes                              default: current's, else 3
  --schema v1|v2       only when there is no current model (else the current schema is kept)
  --seed N             k-means++ seed                                        default 0
  --set long|cluster|auto   kline set                        default: the current model's, else auto
  --data DIR, --store DIR   as for deno task train
  --rollback           point current-<symbol>-<kind>.json back to the previous version and exit
  --help               print this text

Comparison: each model runs its own fresh feature pipeline and online filter over the tail (with a
warm-up before it); the figure is the mean one-step predictive log-likelihood per scored row,
(1/n) Σ log p(x_t | x_0..t−1). The new version is promoted when its figure is >= the current one's.
The last stdout line is the id that is current afterwards.`;

const BOOLEANS = new Set(["h2", "rollback", "help"]);

const RetrainFlags = z.strictObject({
  symbol: SymbolFlag,
  h2: z.boolean().default(false),
  "window-days": intFlag(1, 3650).default(30),
  "holdout-days": intFlag(1, 365).default(2),
  to: timeFlag().optional(),
  states: intFlag(1, 64).optional(),
  "macro-states": intFlag(1, 16).optional(),
  "micro-states": intFlag(1, 16).optional(),
  schema: z.enum(SCHEMA_NAMES).optional(),
  seed: intFlag(0, 2 ** 32 - 1).default(0),
  data: z.string().min(1).optional(),
  set: z.enum(["long", "cluster", "auto"]).optional(),
  store: z.string().min(1).optional(),
  rollback: z.boolean().default(false),
});

/** Runs `deno task retrain`; returns the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  try {
    const f = parseFlags(RetrainFlags, splitFlags(args, BOOLEANS));
    const kind = f.h2 ? "h2" : "hmm";
    const store = new ModelStore(f.store);
    // hold report lines until the first EM iteration, so bad input fails with one line only
    const log = heldLog();
    if (f.rollback) {
      const before = await store.current(f.symbol, kind);
      const after = await store.rollback(f.symbol, kind);
      log(`rollback: ${f.symbol} ${kind} current ${before?.id} -> ${after.id}`);
      log.flush();
      console.log(after.id);
      return 0;
    }
    const ptr = await store.current(f.symbol, kind);
    const current: ModelFile | null = ptr !== null
      ? await store.load(ptr.id)
      : await store.latest({ symbol: f.symbol, kind });
    const schema = current !== null
      ? parseFeatureSchema(current.manifest.featureSchema)
      : schemaFor(kind, f.schema ?? "v1");
    if (
      current !== null && f.schema !== undefined && schemaFor(kind, f.schema).hash !== schema.hash
    ) {
      throw new UsageError(
        `--schema ${f.schema} differs from the schema of current model ${current.manifest.id} ("${schema.name}" v${schema.version}, ${schema.hash}); retrain keeps the schema (use deno task train for a new one)`,
      );
    }
    const dataDir = await resolveDataDir(f.data);
    const trainedOn = current?.manifest.training.dataset;
    const set = f.set ?? (trainedOn === "long" || trainedOn === "cluster" ? trainedOn : "auto");
    const all = await loadKlines(f.symbol, { dataDir, set, to: f.to });
    if (all.columns.length === 0) {
      throw new TrainingInputError(`Cannot retrain ${f.symbol}: no bars before ${formatTs(f.to!)}`);
    }
    const times = all.columns.openTime;
    const end = Math.min(f.to ?? Infinity, times[times.length - 1] + 60_000);
    const holdoutFrom = end - f["holdout-days"] * DAY_MS;
    const trainFrom = holdoutFrom - f["window-days"] * DAY_MS;
    if (holdoutFrom <= times[0]) {
      throw new TrainingInputError(
        `Cannot retrain ${f.symbol}: the ${f["holdout-days"]}-day tail starts at ${
          formatTs(holdoutFrom)
        }, before the data (${formatTs(times[0])})`,
      );
    }
    log(
      `retrain: ${f.symbol} ${kind}, current ${current?.manifest.id ?? "none"}; train on [${
        formatTs(Math.max(trainFrom, times[0]))
      }, ${formatTs(holdoutFrom)}), compare on [${formatTs(holdoutFrom)}, ${formatTs(end)})`,
    );
    const t = current?.manifest.training;
    const result = await trainRun({
      symbol: f.symbol,
      kind,
      schema,
      dataDir,
      set: all.source.set,
      from: trainFrom,
      to: holdoutFrom,
      clipSpan: true,
      dropBadRows: false,
      store,
      reference: current,
      states: f.states ?? (kind === "hmm" ? t?.K ?? 4 : undefined),
      macroStates: f["macro-states"] ?? t?.macroStates ?? undefined,
      microStates: f["micro-states"] ?? t?.microStates ?? undefined,
      covarianceType: t?.covarianceType,
      minCovar: t?.minCovar,
      tol: t?.tol,
      maxIter: t?.maxIter,
      seed: f.seed,
      log,
    });
    log.flush();
    for (const line of reportLines(result.file)) log(line);
    const fresh = result.file;
    // the tail plus a warm-up for the features and the filter
    const warmup = (createFeaturePipeline(schema).warmupBars + 1440) * 60_000;
    const tail = await loadKlines(f.symbol, {
      dataDir,
      set: all.source.set,
      from: holdoutFrom - warmup,
      to: end,
    });
    const newScore = holdoutScore(modelRuntime(fresh), tail.columns, holdoutFrom);
    if (current === null) {
      const p = await store.promote(fresh.manifest.id);
      log(
        `no current ${f.symbol} ${kind} model: promoted ${p.id} (held-out mean loglik ${
          newScore.meanLoglik.toFixed(4)
        } over ${newScore.rows} rows)`,
      );
      console.log(p.id);
      return 0;
    }
    const curScore = holdoutScore(modelRuntime(current), tail.columns, holdoutFrom);
    log(`held-out tail [${formatTs(holdoutFrom)}, ${formatTs(end)}): ${newScore.rows} rows`);
    log(`  current ${current.manifest.id}: mean loglik ${curScore.meanLoglik.toFixed(4)} per row`);
    log(`  new     ${fresh.manifest.id}: mean loglik ${newScore.meanLoglik.toFixed(4)} per row`);
    if (current.manifest.training.to > holdoutFrom) {
      log(
        `  note: ${current.manifest.id} was trained until ${
          formatTs(current.manifest.training.to)
        }, inside the tail: its score is optimistic`,
      );
    }
    const cf = modelRuntime(current).flat.model;
    const nf = modelRuntime(fresh).flat.model;
    if (cf.K === nf.K) {
      const kl = klTransmat(cf.transmat, nf.transmat).kl;
      log(
        `  transition drift KL(current || new): ${
          Number.isFinite(kl) ? kl.toFixed(6) : "inf"
        } nats per step`,
      );
    }
    // an implicit current (newest, never promoted) becomes explicit, so a rollback can return to it
    if (ptr === null) await store.promote(current.manifest.id);
    if (newScore.meanLoglik >= curScore.meanLoglik) {
      const p = await store.promote(fresh.manifest.id);
      log(`promoted ${p.id} (was ${current.manifest.id}; --rollback restores it)`);
      console.log(p.id);
    } else {
      log(
        `kept ${current.manifest.id}: the new version is worse on the tail (stored, not promoted)`,
      );
      console.log(current.manifest.id);
    }
    return 0;
  } catch (e) {
    const known = e instanceof UsageError || e instanceof TrainingInputError ||
      e instanceof DataFileError || e instanceof ModelStoreError;
    return reportFailure("retrain", e, known);
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
