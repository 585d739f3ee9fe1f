import { createHash } from "node:crypto";
import type { Feed } from "../actors/trading_loop.ts";
import { lowerBound } from "../data/kline_columns.ts";
import type { LoadedKlineSet } from "../data/load_kline_set.ts";
import { replayBars } from "../data/market_replay.ts";

/**
 * A backtest feed over loaded klines: `replayBars` batches of `batchBars` bars (all symbols
 * together, whole minutes) with open times in [from, to), each symbol's entry carrying the QA
 * flags of its bars in a buffer of its own (so the batch can be transferred to a Worker).
 */
export function klineFeed(
  set: LoadedKlineSet,
  options: { batchBars: number; from: number; to: number },
): Feed {
  const bySymbol = new Map(set.symbols.map((l) => [l.columns.symbol, l]));
  return {
    async *[Symbol.asyncIterator]() {
      const series = set.symbols.map((l) => l.columns);
      for (
        const b of replayBars(series, {
          batchSize: options.batchBars,
          from: options.from,
          to: options.to,
        })
      ) {
        yield {
          seq: b.seq,
          bars: b.bars.map((bars) => {
            const loaded = bySymbol.get(bars.symbol)!;
            const start = bars.length === 0
              ? 0
              : lowerBound(loaded.columns.openTime, bars.openTime[0], loaded.columns.length);
            return { ...bars, flags: loaded.flags.slice(start, start + bars.length) };
          }),
        };
      }
    },
  };
}

/**
 * `sha256:<hex>` over the loaded bars of every symbol in name order: the symbol, then its six
 * columns and its QA flags as raw bytes. The same data window gives the same hash on every
 * machine; a different data directory with the same span but other rows does not.
 */
export function klineDataHash(set: LoadedKlineSet): string {
  const h = createHash("sha256");
  for (const l of [...set.symbols].sort((a, b) => (a.columns.symbol < b.columns.symbol ? -1 : 1))) {
    const c = l.columns;
    h.update(`${c.symbol}\n${c.length}\n`);
    for (const col of [c.openTime, c.open, c.high, c.low, c.close, c.volume]) {
      h.update(new Uint8Array(col.buffer, col.byteOffset, c.length * 8));
    }
    h.update(l.flags.subarray(0, c.length));
  }
  return `sha256:${h.digest("hex")}`;
}
