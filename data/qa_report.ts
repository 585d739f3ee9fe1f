import { z } from "zod";
import { ReasonCode } from "../models/reason_code.ts";

/**
 * The data QA rules, each a stable sub-reason string written into `summary.json`. Never rename
 * one; add new ones at the end. {@link QA_RULES} gives each rule's reason code and whether the
 * row is dropped or kept with a flag.
 */
export const QaRule = {
  truncated_line: "truncated_line",
  non_numeric: "non_numeric",
  non_finite: "non_finite",
  misaligned_ts: "misaligned_ts",
  non_positive_price: "non_positive_price",
  negative_volume: "negative_volume",
  high_below_low: "high_below_low",
  ohlc_inconsistent: "ohlc_inconsistent",
  out_of_order: "out_of_order",
  duplicate_ts: "duplicate_ts",
  gap: "gap",
  volume_outlier: "volume_outlier",
  stale: "stale",
  stream_stopped: "stream_stopped",
  bad_json: "bad_json",
  schema_mismatch: "schema_mismatch",
  crossed_book: "crossed_book",
} as const;
/** One data QA rule. */
export type QaRule = typeof QaRule[keyof typeof QaRule];

/** What a rule does with the offending row. */
export type QaAction = "drop" | "flag";

/** The reason codes data QA reports under (a subset of {@link ReasonCode}). */
export type QaCode = typeof ReasonCode.DATA | typeof ReasonCode.STALE;

/**
 * Every rule's reason code and action. A dropped row never reaches the columns; a flagged row is
 * kept and its bit is set in the loader's `flags` array (see {@link QaFlag}). A dropped row is
 * counted once, under the first rule (in this table's order) it breaks; a kept row may carry
 * several flags and is counted once per flag.
 */
export const QA_RULES: Readonly<Record<QaRule, { code: QaCode; action: QaAction }>> = {
  truncated_line: { code: ReasonCode.DATA, action: "drop" },
  non_numeric: { code: ReasonCode.DATA, action: "drop" },
  non_finite: { code: ReasonCode.DATA, action: "drop" },
  misaligned_ts: { code: ReasonCode.DATA, action: "drop" },
  non_positive_price: { code: ReasonCode.DATA, action: "drop" },
  negative_volume: { code: ReasonCode.DATA, action: "drop" },
  high_below_low: { code: ReasonCode.DATA, action: "drop" },
  ohlc_inconsistent: { code: ReasonCode.DATA, action: "drop" },
  out_of_order: { code: ReasonCode.DATA, action: "drop" },
  duplicate_ts: { code: ReasonCode.DATA, action: "drop" },
  gap: { code: ReasonCode.DATA, action: "flag" },
  volume_outlier: { code: ReasonCode.DATA, action: "flag" },
  stale: { code: ReasonCode.STALE, action: "flag" },
  stream_stopped: { code: ReasonCode.STALE, action: "flag" },
  bad_json: { code: ReasonCode.DATA, action: "drop" },
  schema_mismatch: { code: ReasonCode.DATA, action: "drop" },
  crossed_book: { code: ReasonCode.DATA, action: "drop" },
};

/** Bits of the per-row `flags` array a kline loader returns beside the columns. */
export const QaFlag = {
  gap: 1,
  volume_outlier: 2,
  stale: 4,
  stream_stopped: 8,
} as const;
/** One flag bit. */
export type QaFlag = typeof QaFlag[keyof typeof QaFlag];

const QaRuleSchema = z.enum(QaRule);

/** One offending row kept as an example in a {@link QaReport}. */
export const QaSampleSchema = z.object({
  rule: QaRuleSchema,
  /** File base name the row came from ("" when the rows did not come from a file). */
  file: z.string(),
  /** 1-based line number in that file (the header is line 1); 0 when not line-based. */
  line: z.number().int().nonnegative(),
  /** The raw text, cut to 160 characters, or a description for cross-row rules. */
  text: z.string(),
});
/** One offending row kept as an example. */
export type QaSample = z.infer<typeof QaSampleSchema>;

/**
 * What data QA saw while loading one stream (or several, merged): JSON-able as is, so a run
 * writes it straight into `summary.json`. `counts` sums `byRule` by reason code; `byRule` always
 * lists every rule (zeros included) so that summaries of different runs line up.
 */
export const QaReportSchema = z.object({
  /** Data rows read (header and rows outside the requested window excluded). */
  rowsRead: z.number().int().nonnegative(),
  /** Rows that reached the columns (rowsRead minus dropped rows). */
  rowsKept: z.number().int().nonnegative(),
  /** Rows skipped because their timestamp was outside `[from, to)`; not QA findings. */
  rowsOutsideWindow: z.number().int().nonnegative(),
  /** Missing bars summed over all `gap` findings (klines only). */
  missingBars: z.number().int().nonnegative(),
  counts: z.object({ DATA: z.number().int().nonnegative(), STALE: z.number().int().nonnegative() }),
  byRule: z.record(QaRuleSchema, z.number().int().nonnegative()),
  samples: z.array(QaSampleSchema),
});
/** What data QA saw; see {@link QaReportSchema}. */
export type QaReport = z.infer<typeof QaReportSchema>;

/** A report with every count at zero. */
export function emptyQaReport(): QaReport {
  const byRule = {} as Record<QaRule, number>;
  for (const rule of Object.values(QaRule)) byRule[rule] = 0;
  return {
    rowsRead: 0,
    rowsKept: 0,
    rowsOutsideWindow: 0,
    missingBars: 0,
    counts: { DATA: 0, STALE: 0 },
    byRule,
    samples: [],
  };
}

/**
 * Sums reports (e.g. all symbols of a run, or several files of one symbol) into a new one;
 * samples are concatenated in argument order and cut to `maxSamples`.
 */
export function mergeQaReports(
  reports: readonly QaReport[],
  options: {
    /** @default {10} */
    maxSamples?: number;
  } = {},
): QaReport {
  const maxSamples = options.maxSamples ?? 10;
  const out = emptyQaReport();
  for (const r of reports) {
    out.rowsRead += r.rowsRead;
    out.rowsKept += r.rowsKept;
    out.rowsOutsideWindow += r.rowsOutsideWindow;
    out.missingBars += r.missingBars;
    out.counts.DATA += r.counts.DATA;
    out.counts.STALE += r.counts.STALE;
    for (const rule of Object.values(QaRule)) out.byRule[rule] += r.byRule[rule] ?? 0;
    for (const s of r.samples) if (out.samples.length < maxSamples) out.samples.push({ ...s });
  }
  return out;
}

/** The total number of findings (dropped plus flagged rows, counted per rule). */
export function qaFindings(report: QaReport): number {
  return report.counts.DATA + report.counts.STALE;
}

/**
 * Counts findings into a {@link QaReport} while a loader streams: one `record` per finding,
 * the first `maxSamples` kept as examples.
 */
export class QaTally {
  readonly report: QaReport = emptyQaReport();
  #maxSamples: number;
  /** File base name put into samples; loaders set it before each file. */
  file = "";

  constructor(options: {
    /** @default {10} */
    maxSamples?: number;
  } = {}) {
    this.#maxSamples = options.maxSamples ?? 10;
  }

  /** Counts one finding of `rule` at `line` (1-based, 0 if not line-based). */
  record(rule: QaRule, line: number, text: string): void {
    addQaFinding(this.report, { rule, file: this.file, line, text }, this.#maxSamples);
  }
}

/**
 * Counts one finding into `report` (by rule and by its reason code) and keeps `sample` (text cut
 * to 160 characters) if fewer than `maxSamples` are kept.
 */
export function addQaFinding(report: QaReport, sample: QaSample, maxSamples = 10): void {
  report.byRule[sample.rule]++;
  report.counts[QA_RULES[sample.rule].code]++;
  if (report.samples.length < maxSamples) {
    report.samples.push({ ...sample, text: sample.text.slice(0, 160) });
  }
}
