import { defineFeatureSchema, type FeatureSchema } from "./feature_schema.ts";

/**
 * Where the order-flow imbalance column comes from. `clv`: the bar's close location value
 * ((close − low) − (high − close)) / (high − low), for OHLCV-only data such as the bundled klines.
 * `taker_imbalance`: (taker buy − taker sell) / volume, when the data has taker buy volume.
 */
export const ImbalanceSource = { CLV: "clv", TAKER: "taker_imbalance" } as const;
/** One imbalance source; it is also the imbalance column's name. */
export type ImbalanceSource = typeof ImbalanceSource[keyof typeof ImbalanceSource];

/**
 * The parameters of a per-bar feature schema; every one of them changes values, so all are
 * hashed. The schema v2 fields are present only when `version` is 2.
 */
export type BarFeatureParams = {
  readonly imbalance: ImbalanceSource;
  /** Bar length in minutes (1 for 1m klines, 60 for the hourly bars of the macro side). */
  readonly barMinutes: number;
  /** Realized-volatility windows in bars, one `rv_<n>` column each, in the order given. */
  readonly rvWindows: readonly number[];
  /** Volume z-score window in bars. */
  readonly volumeWindow: number;
  /** Rolling standardisation window in bars (over ready raw vectors). */
  readonly standardizeWindow: number;
  /** Floor on every standard deviation the engine divides by. */
  readonly stdFloor: number;
  /** Session definition; only "utc-day" (00:00 UTC from the bar's openTime) exists. */
  readonly session: "utc-day";
  /** v2: lag-1 autocorrelation window (returns and |returns|) in bars. */
  readonly autocorrWindow?: number;
  /** v2: span of the fast imbalance EMA in bars (α = 2 / (span + 1)). */
  readonly emaFast?: number;
  /** v2: span of the slow imbalance EMA in bars. */
  readonly emaSlow?: number;
};

/** A per-bar feature schema as `FeatureEngine` computes it. */
export interface BarFeatureSchema extends FeatureSchema {
  readonly kind: "bars";
  readonly params: BarFeatureParams;
}

/** Options of `barFeatureSchema`; each default is the value of `FEATURE_SCHEMA_V1`/`V2`. */
export interface BarFeatureSchemaOptions {
  /** 1 or 2. @default {1} */
  version?: 1 | 2;
  /** @default {"clv"} */
  imbalance?: ImbalanceSource;
  /** @default {1} */
  barMinutes?: number;
  /** @default {[5, 15, 60]} */
  rvWindows?: readonly number[];
  /** @default {60} */
  volumeWindow?: number;
  /** One UTC day of 1m bars. @default {1440} */
  standardizeWindow?: number;
  /** @default {1e-9} */
  stdFloor?: number;
  /** v2 only. @default {60} */
  autocorrWindow?: number;
  /** v2 only. @default {5} */
  emaFast?: number;
  /** v2 only. @default {30} */
  emaSlow?: number;
}

/**
 * Builds a per-bar feature schema. Columns, in order:
 * - v1: `log_return`, `rv_<n>` for each rv window, `range`, `volume_z_<n>`, the imbalance column
 *   (`clv` or `taker_imbalance`), `vwap_dist`;
 * - v2 adds: `ac1_<n>` (lag-1 autocorrelation of returns), `abs_ac1_<n>` (of |returns|: volatility
 *   clustering), `<imbalance>_mom_<fast>_<slow>` (fast minus slow EMA of the imbalance).
 * Name: `bars-<barMinutes>m-clv` or `bars-<barMinutes>m-taker`. Throws `RangeError` for a
 * window that is not an integer ≥ 2 (rv windows ≥ 1, autocorrelation ≥ 3), repeated rv
 * windows, `emaFast >= emaSlow`, or a `stdFloor` that is not positive and finite.
 */
export function barFeatureSchema(options: BarFeatureSchemaOptions = {}): BarFeatureSchema {
  const version = options.version ?? 1;
  const imbalance = options.imbalance ?? ImbalanceSource.CLV;
  const barMinutes = options.barMinutes ?? 1;
  const rvWindows = options.rvWindows ?? [5, 15, 60];
  const volumeWindow = options.volumeWindow ?? 60;
  const standardizeWindow = options.standardizeWindow ?? 1440;
  const stdFloor = options.stdFloor ?? 1e-9;
  if (version !== 1 && version !== 2) {
    throw new RangeError(`Cannot build a bar feature schema: version is ${version}`);
  }
  if (imbalance !== ImbalanceSource.CLV && imbalance !== ImbalanceSource.TAKER) {
    throw new RangeError(`Cannot build a bar feature schema: imbalance is ${imbalance}`);
  }
  checkWindow("barMinutes", barMinutes, 1);
  if (rvWindows.length === 0 || new Set(rvWindows).size !== rvWindows.length) {
    throw new RangeError(`Cannot build a bar feature schema: rvWindows is [${rvWindows}]`);
  }
  for (const n of rvWindows) checkWindow("rvWindows", n, 1);
  checkWindow("volumeWindow", volumeWindow, 2);
  checkWindow("standardizeWindow", standardizeWindow, 2);
  if (!(stdFloor > 0 && Number.isFinite(stdFloor))) {
    throw new RangeError(`Cannot build a bar feature schema: stdFloor is ${stdFloor}`);
  }
  const columns = [
    "log_return",
    ...rvWindows.map((n) => `rv_${n}`),
    "range",
    `volume_z_${volumeWindow}`,
    imbalance,
    "vwap_dist",
  ];
  const base = {
    imbalance,
    barMinutes,
    rvWindows: [...rvWindows],
    volumeWindow,
    standardizeWindow,
    stdFloor,
    session: "utc-day" as const,
  };
  let params: BarFeatureParams = base;
  if (version === 2) {
    const autocorrWindow = options.autocorrWindow ?? 60;
    const emaFast = options.emaFast ?? 5;
    const emaSlow = options.emaSlow ?? 30;
    checkWindow("autocorrWindow", autocorrWindow, 3);
    checkWindow("emaFast", emaFast, 1);
    checkWindow("emaSlow", emaSlow, 2);
    if (emaFast >= emaSlow) {
      throw new RangeError(
        `Cannot build a bar feature schema: emaFast must be below emaSlow: ${emaFast} >= ${emaSlow}`,
      );
    }
    columns.push(
      `ac1_${autocorrWindow}`,
      `abs_ac1_${autocorrWindow}`,
      `${imbalance}_mom_${emaFast}_${emaSlow}`,
    );
    params = { ...base, autocorrWindow, emaFast, emaSlow };
  }
  const name = `bars-${barMinutes}m-${imbalance === ImbalanceSource.CLV ? "clv" : "taker"}`;
  const schema = defineFeatureSchema({ name, version, columns, params });
  return Object.freeze({
    kind: "bars" as const,
    ...schema,
    params: schema.params as BarFeatureParams,
  });
}

function checkWindow(field: string, n: number, min: number): void {
  if (!Number.isInteger(n) || n < min) {
    throw new RangeError(
      `Cannot build a bar feature schema: ${field} must be an integer >= ${min}: ${n}`,
    );
  }
}

/**
 * Schema v1 on 1m bars with the close location value as imbalance (the bundled klines are
 * OHLCV only): log_return, rv_5, rv_15, rv_60, range, volume_z_60, clv, vwap_dist;
 * standardised over 1440 bars.
 */
export const FEATURE_SCHEMA_V1: BarFeatureSchema = barFeatureSchema();
/** Schema v2 on 1m bars with `clv`: v1 plus ac1_60, abs_ac1_60, clv_mom_5_30. */
export const FEATURE_SCHEMA_V2: BarFeatureSchema = barFeatureSchema({ version: 2 });
/** Schema v1 on 1m bars with `taker_imbalance` (needs taker buy volume on every bar). */
export const FEATURE_SCHEMA_V1_TAKER: BarFeatureSchema = barFeatureSchema({
  imbalance: ImbalanceSource.TAKER,
});
/** Schema v2 on 1m bars with `taker_imbalance` (needs taker buy volume on every bar). */
export const FEATURE_SCHEMA_V2_TAKER: BarFeatureSchema = barFeatureSchema({
  version: 2,
  imbalance: ImbalanceSource.TAKER,
});
