import { z } from "zod";
import { type KlineColumns, lowerBound } from "./kline_columns.ts";

/**
 * One symbol's bars inside a replay batch, as typed-array columns of length `length`, in time
 * order. All six arrays are views into one fresh `ArrayBuffer` owned by this batch alone
 * (`openTime.buffer`), so the batch can be transferred to a Worker with
 * `postMessage(batch, [batch.openTime.buffer])` (see {@link replayTransferables}) and the
 * sender's source columns are untouched.
 */
export interface BarBatch {
  symbol: string;
  openTime: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  length: number;
}

/** One step of a replay: the next bars of every symbol, in event-time order. */
export interface ReplayBatch {
  /** 0, 1, 2, ... in replay order. */
  seq: number;
  /** Open time of the first and last bar in the batch (ms). */
  fromTs: number;
  toTs: number;
  /** Bars in the batch, all symbols together (≤ batchSize). */
  size: number;
  /** One entry per symbol of the replay, sorted by symbol name; `length` may be 0. */
  bars: BarBatch[];
}

const Column = z.instanceof(Float64Array);
/** Parses a {@link BarBatch} at a worker boundary: six Float64Array columns of equal length. */
export const BarBatchSchema = z.object({
  symbol: z.string().min(1),
  openTime: Column,
  open: Column,
  high: Column,
  low: Column,
  close: Column,
  volume: Column,
  length: z.number().int().nonnegative(),
}).refine(
  (b) => [b.openTime, b.open, b.high, b.low, b.close, b.volume].every((c) => c.length === b.length),
  { message: "every column must hold exactly `length` values" },
);

/** Parses a {@link ReplayBatch} at a worker boundary (once per batch, not per bar). */
export const ReplayBatchSchema = z.object({
  seq: z.number().int().nonnegative(),
  fromTs: z.number(),
  toTs: z.number(),
  size: z.number().int().nonnegative(),
  bars: z.array(BarBatchSchema),
});

/** The buffers to list in `postMessage(batch, transfer)` to move a batch without copying. */
export function replayTransferables(batch: ReplayBatch): ArrayBuffer[] {
  return batch.bars.map((b) => b.openTime.buffer as ArrayBuffer);
}

/**
 * Replays several symbols' klines merged in event time, as batches for the hot path. The merged
 * order is by `openTime`, ties by symbol name (so the same input always gives the same
 * batches). A batch takes the next `batchSize` bars of that order and then backs off to the last
 * whole timestamp, so all symbols' bars of one minute travel in the same batch (only when more
 * symbols than `batchSize` share one minute is that minute split, by symbol order). Only bars
 * with `from <= openTime < to` are replayed. Each symbol's bars are copied into fresh buffers
 * (see {@link BarBatch}); the input is never modified.
 *
 * @param series one {@link KlineColumns} per symbol, each strictly ascending in `openTime`
 *   (what the loaders return).
 * @throws RangeError for `batchSize` < 100 or not an integer, a repeated symbol or a series that
 *   is not strictly ascending. No series, or an empty window, yields no batch.
 */
export function* replayBars(
  series: readonly KlineColumns[],
  options: {
    /** Bars per batch, all symbols together; at least 100. @default {1000} */
    batchSize?: number;
    /** First open time replayed (ms, inclusive). @default {-Infinity} */
    from?: number;
    /** Open times replayed are below this (ms, exclusive). @default {Infinity} */
    to?: number;
  } = {},
): Generator<ReplayBatch> {
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 100) {
    throw new RangeError(`Cannot replay with batchSize (an integer >= 100): ${batchSize}`);
  }
  const syms = [...series].sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  for (let i = 0; i < syms.length; i++) {
    if (i > 0 && syms[i].symbol === syms[i - 1].symbol) {
      throw new RangeError(`Cannot replay a symbol twice: ${syms[i].symbol}`);
    }
    const t = syms[i].openTime;
    for (let j = 1; j < syms[i].length; j++) {
      if (!(t[j] > t[j - 1])) {
        throw new RangeError(
          `Cannot replay ${syms[i].symbol}: openTime not strictly ascending at index ${j}: ${t[j]}`,
        );
      }
    }
  }
  const n = syms.length;
  const pos = syms.map((s) => lowerBound(s.openTime, options.from ?? -Infinity, s.length));
  const end = syms.map((s) => lowerBound(s.openTime, options.to ?? Infinity, s.length));
  const take = new Array<number>(n);
  for (let seq = 0;; seq++) {
    take.fill(0);
    let size = 0;
    let lastTs = NaN;
    let lastSym = -1;
    while (size < batchSize) {
      let k = -1;
      let best = Infinity;
      for (let i = 0; i < n; i++) {
        const p = pos[i] + take[i];
        if (p < end[i] && syms[i].openTime[p] < best) {
          best = syms[i].openTime[p];
          k = i;
        }
      }
      if (k < 0) break;
      take[k]++;
      size++;
      lastTs = best;
      lastSym = k;
    }
    if (size === 0) return;
    if (size === batchSize && sharesNextTs(syms, pos, take, end, lastTs, lastSym)) {
      let backed = 0;
      for (let i = 0; i < n; i++) {
        if (take[i] > 0 && syms[i].openTime[pos[i] + take[i] - 1] === lastTs) backed++;
      }
      if (backed < size) {
        for (let i = 0; i < n; i++) {
          if (take[i] > 0 && syms[i].openTime[pos[i] + take[i] - 1] === lastTs) take[i]--;
        }
        size -= backed;
      }
    }
    let fromTs = Infinity;
    let toTs = -Infinity;
    const bars: BarBatch[] = [];
    for (let i = 0; i < n; i++) {
      const b = copyBars(syms[i], pos[i], take[i]);
      if (b.length > 0) {
        fromTs = Math.min(fromTs, b.openTime[0]);
        toTs = Math.max(toTs, b.openTime[b.length - 1]);
      }
      bars.push(b);
      pos[i] += take[i];
    }
    yield { seq, fromTs, toTs, size, bars };
  }
}

/** True when a bar not yet taken has open time `ts` (the batch would split that minute). */
function sharesNextTs(
  syms: readonly KlineColumns[],
  pos: readonly number[],
  take: readonly number[],
  end: readonly number[],
  ts: number,
  lastSym: number,
): boolean {
  for (let i = lastSym + 1; i < syms.length; i++) {
    const p = pos[i] + take[i];
    if (p < end[i] && syms[i].openTime[p] === ts) return true;
  }
  return false;
}

function copyBars(s: KlineColumns, start: number, count: number): BarBatch {
  const buffer = new ArrayBuffer(6 * 8 * count);
  const view = (k: number, src: Float64Array) => {
    const a = new Float64Array(buffer, k * 8 * count, count);
    a.set(src.subarray(start, start + count));
    return a;
  };
  return {
    symbol: s.symbol,
    openTime: view(0, s.openTime),
    open: view(1, s.open),
    high: view(2, s.high),
    low: view(3, s.low),
    close: view(4, s.close),
    volume: view(5, s.volume),
    length: count,
  };
}
