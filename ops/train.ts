import { z } from "zod";
import { DataFileError } from "../data/data_file_error.ts";
import { ModelStore, ModelStoreError } from "../data/model_store.ts";
import { DEFAULT_PRIOR_HORIZON_BARS } from "../models/training/train_model.ts";
import { TrainingInputError } from "../models/training/training_input_error.ts";
import {
  heldLog,
  intFlag,
  parseFlags,
  positiveFlag,
  reportFailure,
  splitFlags,
  statesFlag,
  SymbolFlag,
  timeFlag,
  UsageError,
} from "./_train_flags.ts";
import { reportLines, SCHEMA_NAMES, schemaFor, trainRun } from "./_train_run.ts";

const USAGE =
  `deno task train: fit a Gaussian HMM (or a macro/micro H2 model) on recorded klines and
write it as a new version into the model store

Usage: deno task train --symbol BTCUSDT [options]

  --symbol S          symbol with kline files in the data dir (required)
  --states K|auto     flat HMM states, or "auto" (BIC over 2..6)            default 4
  --cov diag|full     covariance type                                       default diag
  --h2                fit a hierarchical model (macro regimes × micro states)
  --macro-states M    H2 macro regimes                                      default 3
  --micro-states U    H2 micro states per regime                            default 3
  --schema v1|v2      per-bar feature schema (the fast side for --h2)       default v1
  --from T, --to T    bars with from <= open time < to; ISO (UTC) or epoch ms; default: all data
                      (the first ~1 day (v1) / ~4 days (--h2) of the span warm the features up)
  --seed N            k-means++ seed; same data + seed => same model bytes  default 0
  --horizon H         forward horizon of the policy priors, bars            default ${DEFAULT_PRIOR_HORIZON_BARS}
  --max-iter N        EM iterations at most per fit                         default 200
  --tol X             stop when an iteration gains less loglik than this    default 0.01
  --min-covar X       added to variances at every M-step                    default 0.001
  --data DIR          data directory                                        default ../shared/data/binance
  --set long|cluster|auto   kline set                                      default auto (longest)
  --store DIR         model store directory                                 default ./store
  --drop-bad-rows     train even if data QA dropped rows inside the span
  --help              print this text

Prints progress (one line per EM iteration), the BIC table (auto), the per-state summary and the
data QA summary on stderr, and the new model id alone on the last line of stdout.
Exit codes: 0 ok, 2 bad input (one line on stderr), 1 internal error.`;

const BOOLEANS = new Set(["h2", "drop-bad-rows", "help"]);

const TrainFlags = z.strictObject({
  symbol: SymbolFlag,
  states: statesFlag(64).default(4),
  cov: z.enum(["diag", "full"]).default("diag"),
  h2: z.boolean().default(false),
  "macro-states": intFlag(1, 16).default(3),
  "micro-states": intFlag(1, 16).default(3),
  schema: z.enum(SCHEMA_NAMES).default("v1"),
  from: timeFlag().optional(),
  to: timeFlag().optional(),
  seed: intFlag(0, 2 ** 32 - 1).default(0),
  horizon: intFlag(1, 10_000).default(DEFAULT_PRIOR_HORIZON_BARS),
  "max-iter": intFlag(1, 100_000).default(200),
  tol: positiveFlag().default(0.01),
  "min-covar": positiveFlag().default(0.001),
  data: z.string().min(1).optional(),
  set: z.enum(["long", "cluster", "auto"]).default("auto"),
  store: z.string().min(1).optional(),
  "drop-bad-rows": z.boolean().default(false),
});

/** Runs `deno task train`; returns the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  try {
    const raw = splitFlags(args, BOOLEANS);
    const f = parseFlags(TrainFlags, raw);
    const kind = f.h2 ? "h2" : "hmm";
    const misplaced = f.h2
      ? ("states" in raw ? ["--states (use --macro-states/--micro-states with --h2)"] : [])
      : ["macro-states", "micro-states"].filter((k) => k in raw).map((k) => `--${k} (needs --h2)`);
    if (misplaced.length > 0) throw new UsageError(`bad flags: ${misplaced.join("; ")}`);
    const store = new ModelStore(f.store);
    // hold report lines until the first EM iteration, so bad input fails with one line only
    const log = heldLog();
    log(
      `train: ${f.symbol} ${kind}${
        kind === "hmm" ? ` states=${f.states}` : ` M=${f["macro-states"]} U=${f["micro-states"]}`
      } cov=${f.cov} schema=${f.schema} seed=${f.seed} store=${store.dir}`,
    );
    const t0 = performance.now();
    const result = await trainRun({
      symbol: f.symbol,
      kind,
      schema: schemaFor(kind, f.schema),
      dataDir: f.data,
      set: f.set,
      from: f.from,
      to: f.to,
      clipSpan: false,
      dropBadRows: f["drop-bad-rows"],
      store,
      reference: "auto",
      states: f.states,
      macroStates: f["macro-states"],
      microStates: f["micro-states"],
      covarianceType: f.cov,
      seed: f.seed,
      minCovar: f["min-covar"],
      tol: f.tol,
      maxIter: f["max-iter"],
      horizon: f.horizon,
      log,
    });
    log.flush();
    for (const line of reportLines(result.file)) log(line);
    if (result.skippedCandidates.length > 0) {
      log(`auto: skipped K=${result.skippedCandidates.join(",")} (too few rows)`);
    }
    log(
      `${result.saved.written ? "wrote" : "already stored"} ${result.saved.path} in ${
        ((performance.now() - t0) / 1000).toFixed(1)
      } s`,
    );
    console.log(result.file.manifest.id);
    return 0;
  } catch (e) {
    const known = e instanceof UsageError || e instanceof TrainingInputError ||
      e instanceof DataFileError || e instanceof ModelStoreError;
    return reportFailure("train", e, known);
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
