import { z } from "zod";
import { ModelVersion, SymbolName, Ts } from "./_fields.ts";
import { GuardRecorded } from "./guard_recorded.ts";
import { IntentProposed } from "./intent_proposed.ts";

const F64 = z.instanceof(Float64Array);
const I32 = z.instanceof(Int32Array);

/**
 * A symbol actor's output for one `market.batch`: one row per decided bar (a bar at or after the
 * traded span's start whose features were ready), as typed-array columns of length `rows`, plus
 * the few intents and symbol-guard rows of the batch. Bars before the start only warm the
 * features (`warmupBars`); bars the feature engine rejected are counted (`rejectedBars`). Exactly
 * one decision batch answers every market batch, even when it holds no row.
 */
export const DecisionBatch = z.object({
  type: z.literal("decision.batch"),
  symbol: SymbolName,
  /** The market batch's `seq`. */
  seq: z.number().int().nonnegative(),
  /** The market batch's `ts`. */
  ts: Ts,
  modelVersion: ModelVersion,
  /** K, the flat states (columns of `posteriors`). */
  states: z.number().int().positive(),
  rows: z.number().int().nonnegative(),
  /** Decision time per row: the bar's close time. */
  barTs: F64,
  state: I32,
  macroState: I32,
  conf: F64,
  riskBias: F64,
  edge: F64,
  /** KL rate of the live transition matrix from the trained one (`TransitionMonitor`). */
  klDrift: F64,
  /** 1 while the transition monitor flags drift. */
  drift: z.instanceof(Uint8Array),
  /** rows × K, row-major: the filtered flat posterior. */
  posteriors: F64,
  /** What the policy wanted to hold after the bar (base units). */
  targetQty: F64,
  /** Symbol guards that fired on the bar, bit i = `SYMBOL_GUARD_BITS[i]`; 0 when none. */
  guardBits: z.instanceof(Uint16Array),
  intents: z.array(IntentProposed),
  guards: z.array(GuardRecorded),
  warmupBars: z.number().int().nonnegative(),
  rejectedBars: z.number().int().nonnegative(),
}).refine(
  (d) =>
    [
      d.barTs,
      d.state,
      d.macroState,
      d.conf,
      d.riskBias,
      d.edge,
      d.klDrift,
      d.drift,
      d.targetQty,
      d
        .guardBits,
    ].every((c) => c.length === d.rows) && d.posteriors.length === d.rows * d.states,
  { message: "every column must hold `rows` values (posteriors rows × states)" },
);
/** A parsed decision batch. */
export type DecisionBatch = z.infer<typeof DecisionBatch>;

/** The symbol guards in bit order of `DecisionBatch.guardBits`. */
export const SYMBOL_GUARD_BITS = ["DATA", "STALE", "CONF", "SPREAD", "VOL"] as const;
