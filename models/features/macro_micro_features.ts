import { z } from "zod";
import type { FeatureBar } from "./feature_bar.ts";
import { FeatureEngine, FeatureEngineSnapshot } from "./feature_engine.ts";
import type { FeaturePipeline } from "./feature_pipeline.ts";
import { FeatureStatus, featureStatusRank } from "./feature_status.ts";
import type { MacroMicroSchema } from "./macro_micro_schema.ts";

const MINUTE_MS = 60_000;

/** The whole state of a `MacroMicroFeatures` as plain JSON-able data; parse it at a boundary. */
export const MacroMicroSnapshot = z.object({
  format: z.literal(1),
  schemaHash: z.string(),
  slow: FeatureEngineSnapshot,
  fast: FeatureEngineSnapshot,
  /** The slow engine's last raw and standardised outputs, held between slow bars. */
  slowRaw: z.array(z.number()),
  slowZ: z.array(z.number()),
  slowStatus: z.enum(FeatureStatus),
  /** has, index, aligned (0/1), open, high, low, close, volume, taker buy volume. */
  bucket: z.array(z.number()).length(9),
});
/** The whole state of a `MacroMicroFeatures`. */
export type MacroMicroSnapshot = z.infer<typeof MacroMicroSnapshot>;

/**
 * The observation vector of the hierarchical models: slow features of aggregated bars (hourly by
 * default) then fast per-bar features, as one `MacroMicroSchema` vector.
 *
 * Every fast bar goes to the fast `FeatureEngine`. Fast bars are also summed into the slow bar of
 * their bucket (UTC-aligned: floor(openTime / slow bar length)): open of the first, max high, min
 * low, close of the last, summed volume and taker buy volume. The slow bar goes to the slow engine
 * when the fast bar that ends its bucket arrives, so slow columns always describe the last
 * *completed* slow bar (no look-ahead) and hold their values until the next one completes. A
 * bucket left open by a gap is sent as a partial bar when a later bucket starts; a stream that
 * starts mid-bucket skips that first partial bucket. A bar the fast engine rejects changes
 * nothing. The status is the less ready of the two sides.
 */
export class MacroMicroFeatures implements FeaturePipeline {
  /** The composed schema. */
  readonly schema: MacroMicroSchema;
  /** slow dimension + fast dimension. */
  readonly dimension: number;
  /**
   * At most this many gap-free fast bars until the first `ready` status (a stream starting just
   * after a bucket start waits longest): max(fast warm-up, ratio·(slow warm-up + 1) − 1), with
   * ratio = slow bar length / fast bar length.
   */
  readonly warmupBars: number;

  readonly #slow: FeatureEngine;
  readonly #fast: FeatureEngine;
  readonly #slowRaw: Float64Array;
  readonly #slowZ: Float64Array;
  readonly #fastRaw: Float64Array;
  readonly #fastZ: Float64Array;
  #slowStatus: FeatureStatus = FeatureStatus.WARMING;
  readonly #bucketMs: number;
  readonly #fastMs: number;
  readonly #taker: boolean;
  #has = false;
  #index = 0;
  #aligned = false;
  readonly #agg: Required<FeatureBar> = {
    openTime: 0,
    open: 0,
    high: 0,
    low: 0,
    close: 0,
    volume: 0,
    takerBuyVolume: 0,
  };
  readonly #slowBar: FeatureBar = { openTime: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };

  /** A fresh pipeline (no bars seen) for `schema`. */
  constructor(schema: MacroMicroSchema) {
    this.schema = schema;
    this.dimension = schema.columns.length;
    this.#slow = new FeatureEngine(schema.slow);
    this.#fast = new FeatureEngine(schema.fast);
    this.#slowRaw = new Float64Array(this.#slow.dimension);
    this.#slowZ = new Float64Array(this.#slow.dimension);
    this.#fastRaw = new Float64Array(this.#fast.dimension);
    this.#fastZ = new Float64Array(this.#fast.dimension);
    this.#bucketMs = schema.slow.params.barMinutes * MINUTE_MS;
    this.#fastMs = schema.fast.params.barMinutes * MINUTE_MS;
    this.#taker = schema.fast.params.imbalance === "taker_imbalance";
    const ratio = schema.slow.params.barMinutes / schema.fast.params.barMinutes;
    this.warmupBars = Math.max(this.#fast.warmupBars, ratio * (this.#slow.warmupBars + 1) - 1);
  }

  /** The fast engine (e.g. its `session` statistics); read it, do not update it. */
  get fast(): FeatureEngine {
    return this.#fast;
  }

  /** The slow engine; read it, do not update it. */
  get slow(): FeatureEngine {
    return this.#slow;
  }

  /**
   * Applies one fast bar and writes the composed raw vector (slow columns then fast columns) into
   * `raw`, and the composed standardised vector into `standardized` when given. Allocates
   * nothing. Throws `TypeError` when an output buffer is shorter than `dimension`.
   */
  update(bar: FeatureBar, raw: Float64Array, standardized?: Float64Array): FeatureStatus {
    const d = this.dimension;
    if (raw.length < d || (standardized !== undefined && standardized.length < d)) {
      throw new TypeError(
        `Cannot write features of schema "${this.schema.name}": output length is ${
          Math.min(raw.length, standardized?.length ?? d)
        }, need ${d}`,
      );
    }
    const fastStatus = this.#fast.update(bar, this.#fastRaw, this.#fastZ);
    if (fastStatus === FeatureStatus.REJECTED) return fastStatus;

    const t = bar.openTime, index = Math.floor(t / this.#bucketMs), a = this.#agg;
    if (this.#has && index !== this.#index) this.#flush();
    if (!this.#has) {
      this.#has = true;
      this.#index = index;
      this.#aligned = t === index * this.#bucketMs;
      a.open = bar.open;
      a.high = bar.high;
      a.low = bar.low;
      a.volume = 0;
      a.takerBuyVolume = 0;
    }
    if (bar.high > a.high) a.high = bar.high;
    if (bar.low < a.low) a.low = bar.low;
    a.close = bar.close;
    a.volume += bar.volume;
    if (this.#taker) a.takerBuyVolume += bar.takerBuyVolume ?? 0;
    if (t + this.#fastMs >= (index + 1) * this.#bucketMs) this.#flush();

    const ds = this.#slow.dimension;
    raw.set(this.#slowRaw, 0);
    raw.set(this.#fastRaw, ds);
    if (standardized !== undefined) {
      standardized.set(this.#slowZ, 0);
      standardized.set(this.#fastZ, ds);
    }
    return featureStatusRank(this.#slowStatus) < featureStatusRank(fastStatus)
      ? this.#slowStatus
      : fastStatus;
  }

  /** Sends the open bucket to the slow engine, unless it is the partial first bucket of a stream. */
  #flush(): void {
    this.#has = false;
    if (!this.#aligned && this.#slow.barCount === 0) return;
    const a = this.#agg, s = this.#slowBar;
    s.openTime = this.#index * this.#bucketMs;
    s.open = a.open;
    s.high = a.high;
    s.low = a.low;
    s.close = a.close;
    s.volume = a.volume;
    s.takerBuyVolume = this.#taker ? Math.min(a.takerBuyVolume, a.volume) : undefined;
    const status = this.#slow.update(s, this.#slowRaw, this.#slowZ);
    if (status !== FeatureStatus.REJECTED) this.#slowStatus = status;
  }

  /** The whole state as plain JSON-able data; allocates. */
  snapshot(): MacroMicroSnapshot {
    const a = this.#agg;
    return {
      format: 1,
      schemaHash: this.schema.hash,
      slow: this.#slow.snapshot(),
      fast: this.#fast.snapshot(),
      slowRaw: Array.from(this.#slowRaw),
      slowZ: Array.from(this.#slowZ),
      slowStatus: this.#slowStatus,
      bucket: [
        this.#has ? 1 : 0,
        this.#index,
        this.#aligned ? 1 : 0,
        a.open,
        a.high,
        a.low,
        a.close,
        a.volume,
        a.takerBuyVolume,
      ],
    };
  }

  /**
   * Replaces the state with a `snapshot()` of a pipeline of the same schema; it then continues bit
   * for bit. Throws `TypeError` for another schema hash or arrays that do not fit.
   */
  restore(snapshot: MacroMicroSnapshot): void {
    const where =
      `Cannot restore MacroMicroFeatures of schema "${this.schema.name}" (hash ${this.schema.hash})`;
    if (snapshot.schemaHash !== this.schema.hash) {
      throw new TypeError(`${where}: snapshot has schema hash ${snapshot.schemaHash}`);
    }
    if (
      snapshot.slowRaw.length !== this.#slowRaw.length ||
      snapshot.slowZ.length !== this.#slowZ.length
    ) {
      throw new TypeError(`${where}: slow outputs have length ${snapshot.slowRaw.length}`);
    }
    this.#slow.restore(snapshot.slow);
    this.#fast.restore(snapshot.fast);
    this.#slowRaw.set(snapshot.slowRaw);
    this.#slowZ.set(snapshot.slowZ);
    this.#slowStatus = snapshot.slowStatus;
    const [has, index, aligned, open, high, low, close, volume, takerBuyVolume] = snapshot.bucket;
    this.#has = has === 1;
    this.#index = index;
    this.#aligned = aligned === 1;
    Object.assign(this.#agg, { open, high, low, close, volume, takerBuyVolume });
    // the fast engine's outputs are rewritten by the next update; nothing else to restore
  }
}
