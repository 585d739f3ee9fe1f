import { GrowableF64, GrowableU8 } from "./_growable.ts";
import { RollingSorted } from "./_rolling_sorted.ts";
import type { KlineColumns } from "./kline_columns.ts";
import { QaFlag, type QaReport, type QaRule, QaTally } from "./qa_report.ts";

/** Options of the kline data QA; every loader passes them through. */
export interface KlineQaOptions {
  /** Keep bars with `openTime >= from` (ms since epoch, inclusive). @default {-Infinity} */
  from?: number;
  /** Keep bars with `openTime < to` (ms since epoch, exclusive). @default {Infinity} */
  to?: number;
  /** Bar interval in ms; every open time must be a multiple of it. @default {60000} */
  intervalMs?: number;
  /** Bars in the rolling window the volume outlier test compares against. @default {1440} */
  volumeWindow?: number;
  /** Bars (with volume > 0) the window must hold before `volume_outlier` can fire. @default {60} */
  volumeMinBars?: number;
  /**
   * `volume_outlier` fires when the robust z-score of ln(volume) exceeds this:
   * z = (ln v − median) / (IQR / 1.349) over the window. At the typical spread of the bundled
   * files (IQR / 1.349 ≈ 0.9 in ln units) z = 8 is about 1300× the window median; the largest z
   * in the seven bundled kline files is 6.3 (ETHUSDT long). A guard against unit and
   * decimal-shift errors (quote for base volume), not against genuine bursts. @default {8}
   */
  volumeZ?: number;
  /** The longest run of consecutive unchanged bars that is not yet `stale`. @default {5} */
  maxUnchangedBars?: number;
  /** Offending rows kept as examples in the report. @default {10} */
  maxSamples?: number;
}

/** Clean kline columns, one flag byte per kept row ({@link QaFlag} bits), and the QA report. */
export interface KlineLoad {
  columns: KlineColumns;
  flags: Uint8Array;
  qa: QaReport;
}

/** Scale factor from the interquartile range to a normal standard deviation: 2 Φ⁻¹(0.75). */
const IQR_TO_SIGMA = 1.3489795003921634;

/**
 * Streaming data QA for one symbol's klines, applied row by row while a loader reads (so a bad
 * row is judged in arrival order, as it would be in a live stream), and the builder of the clean
 * columns. Rules, in the order they are tried (the first broken drop rule decides):
 *
 * | rule | code | action | condition |
 * | --- | --- | --- | --- |
 * | truncated_line | DATA | drop | fewer fields than the header (an empty line included) |
 * | non_numeric | DATA | drop | a field that is empty or not a decimal number (`abc`, `0x10`) |
 * | non_finite | DATA | drop | `NaN`, `Infinity`, or a number that overflows (`1e999`) |
 * | misaligned_ts | DATA | drop | open time not a non-negative integer multiple of `intervalMs` |
 * | non_positive_price | DATA | drop | open, high, low or close ≤ 0 |
 * | negative_volume | DATA | drop | volume < 0 (0 is allowed: a minute without trades) |
 * | high_below_low | DATA | drop | high < low |
 * | ohlc_inconsistent | DATA | drop | open or close outside [low, high] |
 * | out_of_order | DATA | drop | open time earlier than the last kept bar's |
 * | duplicate_ts | DATA | drop | open time equal to the last kept bar's (the first one wins) |
 * | gap | DATA | flag | open time > last kept + interval; `missingBars` adds the missing bars |
 * | volume_outlier | DATA | flag | robust z of ln(volume) > `volumeZ` (see the option) |
 * | stale | STALE | flag | more than `maxUnchangedBars` consecutive unchanged bars |
 * | stream_stopped | STALE | flag | (across symbols, `loadKlineSet`) see `checkStreamStopped` |
 *
 * Out-of-order rows are dropped, not re-sorted: a live stream cannot be re-sorted either, and a
 * replay must see what a live run would. So a shuffled file keeps each row that is later than
 * every row kept before it (a greedy rising run from the first row); the rest is counted as
 * `out_of_order` or `duplicate_ts`.
 *
 * A bar is *unchanged* when it directly follows the previous kept bar (no gap) and either repeats
 * it exactly (open, high, low, close and volume all equal: a feed re-sending its last bar) or
 * has volume 0 and open = high = low = close = the previous close (no trade at all). A gap ends a
 * run. `volume_outlier` only looks up (a quiet minute is not an error), ignores bars with volume
 * 0, and never fires while the window's IQR is 0. Flagged rows stay in the columns.
 *
 * Rows outside `[from, to)` are skipped before any rule (not findings); a row whose open time
 * cannot be read is judged anyway, since it cannot be placed.
 */
export class KlineQa {
  readonly #symbol: string;
  readonly #from: number;
  readonly #to: number;
  readonly #interval: number;
  readonly #volumeMinBars: number;
  readonly #volumeZ: number;
  readonly #maxUnchanged: number;
  readonly #tally: QaTally;
  readonly #volumes: RollingSorted;
  readonly #cols = {
    openTime: new GrowableF64(),
    open: new GrowableF64(),
    high: new GrowableF64(),
    low: new GrowableF64(),
    close: new GrowableF64(),
    volume: new GrowableF64(),
  };
  readonly #flags = new GrowableU8();
  #lastT = -Infinity;
  #po = NaN;
  #ph = NaN;
  #pl = NaN;
  #pc = NaN;
  #pv = NaN;
  #unchangedRun = 0;

  constructor(symbol: string, options: KlineQaOptions = {}) {
    this.#symbol = symbol;
    this.#from = options.from ?? -Infinity;
    this.#to = options.to ?? Infinity;
    this.#interval = options.intervalMs ?? 60_000;
    this.#volumeMinBars = options.volumeMinBars ?? 60;
    this.#volumeZ = options.volumeZ ?? 8;
    this.#maxUnchanged = options.maxUnchangedBars ?? 5;
    this.#tally = new QaTally({ maxSamples: options.maxSamples ?? 10 });
    this.#volumes = new RollingSorted(options.volumeWindow ?? 1440);
    if (!(this.#interval > 0) || !Number.isInteger(this.#interval)) {
      throw new RangeError(`Cannot check klines with intervalMs: ${this.#interval}`);
    }
    if (Number.isNaN(this.#from) || Number.isNaN(this.#to)) {
      throw new RangeError(`Cannot check klines in window: from=${this.#from}, to=${this.#to}`);
    }
  }

  /** The file base name samples are attributed to; set before feeding each file. */
  set file(name: string) {
    this.#tally.file = name;
  }

  /**
   * True, and counted in `rowsOutsideWindow`, when `ts` is a number outside `[from, to)`: the
   * caller skips the row. A NaN `ts` is never outside (the row is judged by the rules).
   */
  skipOutside(ts: number): boolean {
    if (ts >= this.#from && ts < this.#to) return false;
    if (Number.isNaN(ts)) return false;
    this.#tally.report.rowsOutsideWindow++;
    return true;
  }

  /** Counts a row the caller could not parse (`truncated_line`, `non_numeric`, `non_finite`...). */
  reject(rule: QaRule, line: number, text: string): void {
    this.#tally.report.rowsRead++;
    this.#tally.record(rule, line, text);
  }

  /**
   * Judges one parsed row (all six values are finite numbers) and keeps it unless a drop rule
   * fires. `text.slice(start, end)` is the raw line, cut only if a sample needs it; null builds
   * the sample from the values.
   */
  push(
    t: number,
    o: number,
    h: number,
    l: number,
    c: number,
    v: number,
    line: number,
    text: string | null,
    start = 0,
    end = text?.length ?? 0,
  ): void {
    const report = this.#tally.report;
    if (this.skipOutside(t)) return;
    report.rowsRead++;
    const drop = this.#dropRule(t, o, h, l, c, v);
    if (drop !== null) {
      this.#tally.record(drop, line, sampleText(text, start, end, t, o, h, l, c, v));
      return;
    }
    let flags = 0;
    const consecutive = t === this.#lastT + this.#interval;
    if (this.#lastT !== -Infinity && !consecutive) {
      flags |= QaFlag.gap;
      report.missingBars += (t - this.#lastT) / this.#interval - 1;
      this.#tally.record("gap", line, sampleText(text, start, end, t, o, h, l, c, v));
    }
    const unchanged = consecutive &&
      ((o === this.#po && h === this.#ph && l === this.#pl && c === this.#pc && v === this.#pv) ||
        (v === 0 && o === h && h === l && l === c && c === this.#pc));
    this.#unchangedRun = unchanged ? this.#unchangedRun + 1 : 0;
    if (this.#unchangedRun > this.#maxUnchanged) {
      flags |= QaFlag.stale;
      this.#tally.record("stale", line, sampleText(text, start, end, t, o, h, l, c, v));
    }
    if (v > 0) {
      const x = Math.log(v);
      const w = this.#volumes;
      if (w.size >= this.#volumeMinBars) {
        const scale = (w.quantile(0.75) - w.quantile(0.25)) / IQR_TO_SIGMA;
        if (scale > 0 && (x - w.quantile(0.5)) / scale > this.#volumeZ) {
          flags |= QaFlag.volume_outlier;
          this.#tally.record(
            "volume_outlier",
            line,
            sampleText(text, start, end, t, o, h, l, c, v),
          );
        }
      }
      w.push(x);
    }
    const cols = this.#cols;
    cols.openTime.push(t);
    cols.open.push(o);
    cols.high.push(h);
    cols.low.push(l);
    cols.close.push(c);
    cols.volume.push(v);
    this.#flags.push(flags);
    report.rowsKept++;
    this.#lastT = t;
    this.#po = o;
    this.#ph = h;
    this.#pl = l;
    this.#pc = c;
    this.#pv = v;
  }

  /** The clean columns (exact-size buffers), their flags and the report. */
  finish(): KlineLoad {
    const cols = this.#cols;
    return {
      columns: {
        symbol: this.#symbol,
        openTime: cols.openTime.trimmed(),
        open: cols.open.trimmed(),
        high: cols.high.trimmed(),
        low: cols.low.trimmed(),
        close: cols.close.trimmed(),
        volume: cols.volume.trimmed(),
        length: cols.openTime.length,
      },
      flags: this.#flags.trimmed(),
      qa: this.#tally.report,
    };
  }

  #dropRule(t: number, o: number, h: number, l: number, c: number, v: number): QaRule | null {
    if (!(t >= 0) || t % this.#interval !== 0) return "misaligned_ts";
    if (!(o > 0 && h > 0 && l > 0 && c > 0)) return "non_positive_price";
    if (v < 0) return "negative_volume";
    if (h < l) return "high_below_low";
    if (o < l || o > h || c < l || c > h) return "ohlc_inconsistent";
    if (t < this.#lastT) return "out_of_order";
    if (t === this.#lastT) return "duplicate_ts";
    return null;
  }
}

function sampleText(
  text: string | null,
  start: number,
  end: number,
  ...values: number[]
): string {
  return text === null ? values.join(",") : text.slice(start, end);
}
