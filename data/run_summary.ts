import { z } from "zod";
import { formatTs } from "./csv_format.ts";
import { QaReportSchema } from "./qa_report.ts";

const Iso = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
const Count = z.number().int().nonnegative();
const Counts = z.record(z.string(), Count);

const Ms = z.number().int();

/** One symbol's model. */
export const RunModelSchema = z.object({
  symbol: z.string(),
  id: z.string(),
  kind: z.string(),
  /** The model's training span, [trainFrom, trainTo) open times. */
  trainFrom: Ms,
  trainTo: Ms,
});
/** One symbol's model. */
export type RunModel = z.infer<typeof RunModelSchema>;

/** What the entry point knows before the run: identity, inputs, split and models. */
export const RunInfoSchema = z.object({
  /** Deterministic: a hash of config, data, span, seed and models (never of wall time). */
  runId: z.string().min(1),
  mode: z.enum(["backtest", "paper", "live"]),
  venue: z.string(),
  symbols: z.array(z.string()),
  /** The kline set (`long`, `cluster`) or the data source's name. */
  dataset: z.string(),
  seed: z.number().int(),
  configHash: z.string(),
  /** `sha256:<hex>` of the replayed bars. */
  dataHash: z.string(),
  /** Open times of the replayed bars: [from, to), warm-up included. */
  span: z.object({ from: Ms, to: Ms }),
  /** Training and traded spans (ms, [from, to)); the traded span starts at or after trainTo. */
  split: z.object({ trainFrom: Ms, trainTo: Ms, tradeFrom: Ms, tradeTo: Ms }),
  models: z.array(RunModelSchema),
  /** Data QA of the replayed window, all symbols merged. */
  dataQa: QaReportSchema,
  startingEquityQuote: z.number(),
  quoteAsset: z.string(),
  /** `--chaos-crash-rate` and the seed of its decisions; null without chaos. */
  chaos: z.object({ crashRate: z.number(), seed: z.number().int() }).nullable(),
});
/** What the entry point knows before the run. */
export type RunInfo = z.infer<typeof RunInfoSchema>;

/** What the recorder and the run loop counted while the run went. */
export interface RunTally {
  /** Market events (bars) delivered to the symbol actors, warm-up included. */
  events: number;
  /** Bars that only warmed features (before the traded span). */
  warmupBars: number;
  /** Bars in the traded span whose features were ready, decided (= state_timeline rows). */
  decisions: number;
  /** Bars the feature engine rejected. */
  rejectedBars: number;
  intents: number;
  /** Decided bars on which a symbol guard fired, by reason code. */
  guardBlockedBars: Record<string, number>;
  /** Distinct orders (client ids) with at least one `orders.csv` row. */
  orders: number;
  /** `orders.csv` rows by status. */
  orderRows: Record<string, number>;
  /** Rejected orders by reason (`-2010`, `cap`). */
  rejects: Record<string, number>;
  fills: number;
  makerFills: number;
  takerFills: number;
  /** Fees summed per asset, exact decimals. */
  feesByAsset: Record<string, string>;
  /** Fees valued in the quote asset (base fees at their fill price). */
  feesQuote: number;
  /** `guardrails.csv` rows by action and by reason code (a row with `A|B` counts once each). */
  guardRows: {
    block: Record<string, number>;
    scale: Record<string, number>;
    /** Rows of resting orders cancelled by a guard (the kill switch), by reason. */
    cancel: Record<string, number>;
    total: number;
  };
  equityRows: number;
  /** Equity of the last row, or null without rows. */
  finalEquity: number | null;
  peakEquity: number | null;
  maxDrawdown: number;
  /** First decision time per symbol (no look-ahead: at or after the model's training end). */
  firstDecision: Record<string, number | null>;
  restarts: number;
}

/** `summary.json`, as written (timestamps as ISO strings). */
export const RunSummarySchema = z.strictObject({
  runId: z.string(),
  mode: z.enum(["backtest", "paper", "live"]),
  venue: z.string(),
  symbols: z.array(z.string()),
  dataset: z.string(),
  seed: z.number().int(),
  configHash: z.string(),
  dataHash: z.string(),
  span: z.strictObject({ from: Iso, to: Iso }),
  split: z.strictObject({ trainFrom: Iso, trainTo: Iso, tradeFrom: Iso, tradeTo: Iso }),
  models: z.array(z.strictObject({
    symbol: z.string(),
    id: z.string(),
    kind: z.string(),
    trainFrom: Iso,
    trainTo: Iso,
    firstDecision: Iso.nullable(),
  })),
  counts: z.strictObject({
    events: Count,
    warmupBars: Count,
    bars: Count,
    rejectedBars: Count,
    intents: Count,
    orders: Count,
    orderRows: Counts,
    rejects: Counts,
    fills: Count,
    makerFills: Count,
    takerFills: Count,
    guardRows: Count,
    guardBlocks: Counts,
    guardScales: Counts,
    /** Kill switch rows (`cancel` in guardrails.csv) by reason. */
    guardCancels: Counts,
    guardBlockedBars: Counts,
    equityRows: Count,
    dataQa: z.strictObject({
      rowsRead: Count,
      rowsKept: Count,
      missingBars: Count,
      byReason: Counts,
      byRule: Counts,
      samples: QaReportSchema.shape.samples,
    }),
  }),
  fees: z.strictObject({ quote: z.number(), byAsset: z.record(z.string(), z.string()) }),
  pnl: z.strictObject({
    startingEquity: z.number(),
    finalEquity: z.number(),
    quote: z.number(),
    returnFraction: z.number(),
  }),
  peakEquity: z.number(),
  maxDrawdown: z.number(),
  restarts: Count,
  chaos: z.strictObject({ crashRate: z.number(), seed: z.number().int() }).nullable(),
});
/** `summary.json`. */
export type RunSummary = z.infer<typeof RunSummarySchema>;

/**
 * Builds `summary.json` from what was known before the run and what was counted during it. Pure;
 * every field is a function of the data, the config and the seed, except `restarts` and `chaos`
 * (so a run under `--chaos-crash-rate` differs from a clean one in those two fields only). Wall
 * time (duration, bars per second) is never part of it. Counts by reason list their keys sorted.
 * PnL = final equity − starting equity (the whole book marked at the last closes, fees included).
 */
export function runSummary(info: RunInfo, tally: RunTally): RunSummary {
  const start = info.startingEquityQuote;
  const final = tally.finalEquity ?? start;
  const qa = info.dataQa;
  return {
    runId: info.runId,
    mode: info.mode,
    venue: info.venue,
    symbols: [...info.symbols],
    dataset: info.dataset,
    seed: info.seed,
    configHash: info.configHash,
    dataHash: info.dataHash,
    span: { from: formatTs(info.span.from), to: formatTs(info.span.to) },
    split: {
      trainFrom: formatTs(info.split.trainFrom),
      trainTo: formatTs(info.split.trainTo),
      tradeFrom: formatTs(info.split.tradeFrom),
      tradeTo: formatTs(info.split.tradeTo),
    },
    models: info.models.map((m) => {
      const first = tally.firstDecision[m.symbol] ?? null;
      return {
        symbol: m.symbol,
        id: m.id,
        kind: m.kind,
        trainFrom: formatTs(m.trainFrom),
        trainTo: formatTs(m.trainTo),
        firstDecision: first === null ? null : formatTs(first),
      };
    }),
    counts: {
      events: tally.events,
      warmupBars: tally.warmupBars,
      bars: tally.decisions,
      rejectedBars: tally.rejectedBars,
      intents: tally.intents,
      orders: tally.orders,
      orderRows: sorted(tally.orderRows),
      rejects: sorted(tally.rejects),
      fills: tally.fills,
      makerFills: tally.makerFills,
      takerFills: tally.takerFills,
      guardRows: tally.guardRows.total,
      guardBlocks: sorted(tally.guardRows.block),
      guardScales: sorted(tally.guardRows.scale),
      guardCancels: sorted(tally.guardRows.cancel),
      guardBlockedBars: sorted(tally.guardBlockedBars),
      equityRows: tally.equityRows,
      dataQa: {
        rowsRead: qa.rowsRead,
        rowsKept: qa.rowsKept,
        missingBars: qa.missingBars,
        byReason: sorted(qa.counts),
        byRule: sorted(Object.fromEntries(Object.entries(qa.byRule).filter(([, n]) => n > 0))),
        samples: qa.samples.map((s) => ({ ...s })),
      },
    },
    fees: { quote: tally.feesQuote, byAsset: sorted(tally.feesByAsset) },
    pnl: {
      startingEquity: start,
      finalEquity: final,
      quote: final - start,
      returnFraction: start > 0 ? (final - start) / start : 0,
    },
    peakEquity: tally.peakEquity ?? start,
    maxDrawdown: tally.maxDrawdown,
    restarts: tally.restarts,
    chaos: info.chaos === null ? null : { ...info.chaos },
  };
}

/** The text of `summary.json`: two-space JSON in the schema's key order, `\n` at the end. */
export function encodeRunSummary(summary: RunSummary): string {
  return JSON.stringify(RunSummarySchema.parse(summary), null, 2) + "\n";
}

function sorted<V>(record: Readonly<Record<string, V>>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const key of Object.keys(record).sort()) out[key] = record[key];
  return out;
}
