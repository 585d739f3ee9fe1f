import { formatTs } from "../data/csv_format.ts";
import { resolveDataDir } from "../data/data_dir.ts";
import type { KlineSetChoice } from "../data/kline_files.ts";
import { type LoadedKlines, loadKlines } from "../data/load_klines.ts";
import { type ModelStore, type SaveResult } from "../data/model_store.ts";
import { QA_RULES, type QaReport, type QaRule } from "../data/qa_report.ts";
import { FEATURE_SCHEMA_V1, FEATURE_SCHEMA_V2 } from "../models/features/bar_feature_schema.ts";
import { macroMicroSchema } from "../models/features/macro_micro_schema.ts";
import type { AnyFeatureSchema } from "../models/features/parse_feature_schema.ts";
import type { ModelFile, ModelKind } from "../models/model_file.ts";
import type { BicRow, TrainingProgress } from "../models/training/fit_flat_hmm.ts";
import { trainModel, type TrainModelResult } from "../models/training/train_model.ts";
import { TrainingInputError } from "../models/training/training_input_error.ts";

/** Fast feature schema names the tasks accept (`--schema`). */
export const SCHEMA_NAMES = ["v1", "v2"] as const;
/** One `--schema` value. */
export type SchemaName = typeof SCHEMA_NAMES[number];

/** The feature schema of a model kind: per-bar v1/v2, or the macro/micro one over it. */
export function schemaFor(kind: ModelKind, name: SchemaName): AnyFeatureSchema {
  const fast = name === "v1" ? FEATURE_SCHEMA_V1 : FEATURE_SCHEMA_V2;
  return kind === "hmm" ? fast : macroMicroSchema({ fast });
}

/** What `trainRun` trains, on what, and where it writes. */
export interface TrainRunOptions {
  symbol: string;
  kind: ModelKind;
  schema: AnyFeatureSchema;
  /** `--data DIR`; undefined = the bundled data. */
  dataDir?: string;
  set: KlineSetChoice;
  /** Bars with open time ≥ from (ms); undefined = from the data's start. */
  from?: number;
  /** Bars with open time < to (ms); undefined = to the data's end. */
  to?: number;
  /**
   * True: train on whatever bars of [from, to) exist (`ensureModel`). False: refuse a span that
   * reaches outside the data.
   */
  clipSpan: boolean;
  /** Train although QA dropped rows inside the span (else refuse). */
  dropBadRows: boolean;
  store: ModelStore;
  /**
   * Model to align state labels to: "auto" = the previous version in the store (see
   * `findReference`: same schema, trained on data ending before this span's end); null = none.
   */
  reference: "auto" | ModelFile | null;
  states?: number | "auto";
  candidates?: readonly number[];
  macroStates?: number;
  microStates?: number;
  covarianceType?: "diag" | "full";
  seed?: number;
  minCovar?: number;
  tol?: number;
  maxIter?: number;
  horizon?: number;
  /** Progress and report lines (stderr in the tasks). */
  log: (line: string) => void;
  /** Print one line per EM iteration. @default {true} */
  progress?: boolean;
}

/** A trained and saved model. */
export interface TrainRunResult extends TrainModelResult {
  saved: SaveResult;
  loaded: LoadedKlines;
}

/**
 * Loads a symbol's klines (`loadKlines`, QA while reading), checks the span and the QA findings,
 * trains a model (`trainModel`) aligned to the store's previous version, and saves it. Every
 * known refusal is a one-line error: `DataFileError` (unknown symbol, bad data dir),
 * `TrainingInputError` (bad rows in the span, span outside the data, too few rows for K),
 * `ModelStoreError`.
 */
export async function trainRun(o: TrainRunOptions): Promise<TrainRunResult> {
  const dataDir = await resolveDataDir(o.dataDir);
  if (o.from !== undefined && o.to !== undefined && o.from >= o.to) {
    throw new TrainingInputError(
      `Cannot train on [${formatTs(o.from)}, ${formatTs(o.to)}): from must be before to`,
    );
  }
  const loaded = await loadKlines(o.symbol, {
    dataDir,
    set: o.set,
    from: o.from,
    to: o.to,
    maxSamples: 50,
  });
  const cols = loaded.columns;
  const file = loaded.source.paths.map((p) => p.slice(p.lastIndexOf("/") + 1)).join(", ");
  const span = `[${o.from === undefined ? "start" : formatTs(o.from)}, ${
    o.to === undefined ? "end" : formatTs(o.to)
  })`;
  if (cols.length === 0 || (!o.clipSpan && outside(cols.openTime, o.from, o.to))) {
    const all = await loadKlines(o.symbol, { dataDir, set: loaded.source.set });
    const t = all.columns.openTime;
    const covers = all.columns.length === 0
      ? "no valid bar"
      : `[${formatTs(t[0])}, ${formatTs(t[t.length - 1] + 60_000)})`;
    throw new TrainingInputError(
      `Cannot train ${o.symbol} on ${span}: the span reaches outside the data, which covers ${covers} (${file})`,
    );
  }
  const first = cols.openTime[0];
  const end = cols.openTime[cols.length - 1] + 60_000;
  o.log(
    `data: ${o.symbol} from ${file} (set ${loaded.source.set}), ${cols.length} bars [${
      formatTs(first)
    }, ${formatTs(end)})`,
  );
  o.log(`qa: ${qaSummary(loaded.qa)}`);
  const dropped = loaded.qa.rowsRead - loaded.qa.rowsKept;
  if (dropped > 0) {
    const firstBad = loaded.qa.samples.find((s) => QA_RULES[s.rule].action === "drop");
    const where = firstBad === undefined
      ? "first one not among the kept samples"
      : `first at ${firstBad.file}:${firstBad.line} (${firstBad.rule}) ${
        JSON.stringify(firstBad.text.slice(0, 80))
      }`;
    if (!o.dropBadRows) {
      throw new TrainingInputError(
        `Cannot train ${o.symbol} on ${span}: ${dropped} bad row(s) in the span, ${where}; fix the data or pass --drop-bad-rows`,
      );
    }
    o.log(`qa: training without ${dropped} dropped row(s), ${where}`);
  }
  const reference = o.reference === "auto" ? await findReference(o, end) : o.reference;
  o.log(
    `model: ${o.kind} on schema "${o.schema.name}" v${o.schema.version} (${o.schema.hash}), ${
      reference === null
        ? "no earlier version: states ordered calmest first"
        : `aligned to ${reference.manifest.id}`
    }`,
  );
  const progress = o.progress ?? true;
  const onIteration: TrainingProgress = (part, iter, loglik, delta) => {
    if (!progress) return;
    o.log(
      `iter ${iter} loglik ${loglik.toFixed(3)} delta ${
        Number.isFinite(delta) ? delta.toFixed(3) : "-"
      }${part === "" ? "" : ` (${part})`}`,
    );
  };
  const result = trainModel(cols, {
    symbol: o.symbol,
    dataset: loaded.source.set,
    kind: o.kind,
    schema: o.schema,
    states: o.states,
    candidates: o.candidates,
    macroStates: o.macroStates,
    microStates: o.microStates,
    covarianceType: o.covarianceType,
    seed: o.seed,
    minCovar: o.minCovar,
    tol: o.tol,
    maxIter: o.maxIter,
    horizon: o.horizon,
    reference,
    onIteration,
  });
  const saved = await o.store.save(result.file);
  return { ...result, saved, loaded };
}

/**
 * The previous version to align to: the current model of the symbol and kind if it has the schema
 * and was trained on data ending before `end`, else the newest stored such model. A model trained
 * on the same or later data is not a previous version (so training the same span twice gives the
 * same bytes, whatever the store holds).
 */
async function findReference(o: TrainRunOptions, end: number): Promise<ModelFile | null> {
  const ptr = await o.store.current(o.symbol, o.kind);
  if (ptr !== null) {
    const current = await o.store.load(ptr.id);
    const m = current.manifest;
    if (m.featureSchema.hash === o.schema.hash && m.training.to < end) return current;
  }
  return await o.store.latest({
    symbol: o.symbol,
    kind: o.kind,
    schemaHash: o.schema.hash,
    trainedBefore: end - 1,
  });
}

function outside(openTime: Float64Array, from?: number, to?: number): boolean {
  if (from !== undefined && openTime[0] - from >= 60_000) return true;
  return to !== undefined && openTime[openTime.length - 1] + 60_000 < to;
}

/** One line: rows read and kept, dropped rows by rule, flagged rows by rule. */
export function qaSummary(qa: QaReport): string {
  const by = (action: "drop" | "flag") =>
    (Object.keys(qa.byRule) as QaRule[])
      .filter((r) => QA_RULES[r].action === action && qa.byRule[r] > 0)
      .map((r) => `${r} ${qa.byRule[r]}`)
      .join(", ") || "none";
  return `${qa.rowsRead} rows read, ${qa.rowsKept} kept; dropped: ${by("drop")}; flagged: ${
    by("flag")
  }${qa.missingBars > 0 ? `; ${qa.missingBars} missing bars` : ""}`;
}

/** The per-state summary, the macro summary (H2) and the BIC table, as text lines. */
export function reportLines(file: ModelFile): string[] {
  const m = file.manifest;
  const x = m.metrics;
  const lines: string[] = [];
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  if (x.bicTable !== null) {
    lines.push("BIC (lower is better):");
    lines.push(
      `${pad("K", 3)} ${pad("loglik", 16)} ${pad("params", 7)} ${pad("bic", 16)} ${
        pad("iter", 5)
      }  conv`,
    );
    for (const r of x.bicTable as BicRow[]) {
      lines.push(
        `${pad(r.K, 3)} ${pad(r.loglik.toFixed(3), 16)} ${pad(r.nParams, 7)} ${
          pad(r.bic.toFixed(3), 16)
        } ${pad(r.iterations, 5)}  ${r.converged ? "yes" : "no"}${
          r.K === m.training.K ? "  <- chosen" : ""
        }`,
      );
    }
  }
  if (x.macro !== null) {
    lines.push("macro regimes (volatility = mean rv per bar of its minutes):");
    lines.push(
      `${pad("regime", 6)} ${pad("occupancy", 9)} ${pad("filtered", 9)} ${pad("vol_bp", 8)} ${
        pad("bias", 5)
      } ${pad("duration_bars", 13)}`,
    );
    for (const r of x.macro) {
      lines.push(
        `${pad(r.state, 6)} ${pad(pct(r.occupancy), 9)} ${pad(pct(r.filterShare), 9)} ${
          pad((r.volatility * 1e4).toFixed(3), 8)
        } ${pad(r.riskBias.toFixed(2), 5)} ${pad(dur(r.expectedDuration), 13)}`,
      );
    }
    lines.push(`macro agreement (filtered vs assigned): ${pct(x.macroAgreement ?? 0)}`);
  }
  lines.push(
    `states (filtered posteriors; forward return over ${file.policy.horizon} bar${
      file.policy.horizon === 1 ? "" : "s"
    }, in bp):`,
  );
  lines.push(
    `${pad("state", 5)} ${pad("macro", 5)} ${pad("micro", 5)} ${pad("mean_bp", 9)} ${
      pad("vol_bp", 8)
    } ${pad("occupancy", 9)} ${pad("duration_bars", 13)} ${pad("prior_bp", 9)}`,
  );
  for (const s of x.states) {
    lines.push(
      `${pad(s.state, 5)} ${pad(s.macro, 5)} ${pad(s.micro, 5)} ${
        pad((s.meanReturn * 1e4).toFixed(4), 9)
      } ${pad((s.volatility * 1e4).toFixed(3), 8)} ${pad(pct(s.occupancy), 9)} ${
        pad(dur(s.expectedDuration), 13)
      } ${pad((s.prior * 1e4).toFixed(4), 9)}`,
    );
  }
  lines.push(
    `fit: ${m.training.rows} rows [${formatTs(m.training.from)}, ${
      formatTs(m.training.to)
    }), loglik ${x.loglik.toFixed(3)} (${x.loglikPerRow.toFixed(4)} per row), bic ${
      x.bic.toFixed(3)
    }, ${x.nParams} params, ${x.iterations} iterations, ${
      x.converged ? "converged" : "stopped at max-iter"
    }`,
  );
  return lines;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

function dur(d: number | null): string {
  return d === null ? "absorbing" : d.toFixed(1);
}
