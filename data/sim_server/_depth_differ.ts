import type { DepthRecord } from "../sim/sim_records.ts";

/** A `depthUpdate` body: first and last update id it covers and the changed levels. */
export interface DepthDiff {
  U: number;
  u: number;
  b: [string, string][];
  a: [string, string][];
}

const ZERO = "0.00000000";

/**
 * Turns a book that changes by whole versions (`lastUpdateId`) into Binance diff events that a
 * client can apply on top of any REST snapshot taken meanwhile (the §9.3 procedure):
 * consecutive diffs are contiguous (`U = previous u + 1`), and a diff covering `(prevU, u]`
 * carries, with its final quantity ("0" = gone), every level that differed from the last
 * published state at *any* version in between, not only those that differ at the end. So a
 * snapshot taken at an intermediate version `L` becomes exactly the book at `u` after the diff.
 * `note()` must be called after every change of the book (every bar fed, every order that took
 * liquidity); `flush()` builds the diff.
 */
export class DepthDiffer {
  readonly #read: () => DepthRecord;
  #bids: Map<string, string>;
  #asks: Map<string, string>;
  #publishedU: number;
  #notedU: number;
  readonly #touchedBids = new Set<string>();
  readonly #touchedAsks = new Set<string>();

  /** @param read the current full book (all levels). The current book becomes the baseline. */
  constructor(read: () => DepthRecord) {
    this.#read = read;
    const book = read();
    this.#bids = new Map(book.bids);
    this.#asks = new Map(book.asks);
    this.#publishedU = book.lastUpdateId;
    this.#notedU = book.lastUpdateId;
  }

  /** The `u` of the last diff (or the baseline's id). */
  get publishedU(): number {
    return this.#publishedU;
  }

  /** Records which levels differ from the published state now (cheap when nothing changed). */
  note(): void {
    const book = this.#read();
    if (book.lastUpdateId === this.#notedU) return;
    this.#notedU = book.lastUpdateId;
    mark(this.#bids, book.bids, this.#touchedBids);
    mark(this.#asks, book.asks, this.#touchedAsks);
  }

  /** The diff since the last one, or null when the book's version did not move. */
  flush(): DepthDiff | null {
    this.note();
    const book = this.#read();
    if (book.lastUpdateId === this.#publishedU) return null;
    const bids = new Map(book.bids);
    const asks = new Map(book.asks);
    const diff: DepthDiff = {
      U: this.#publishedU + 1,
      u: book.lastUpdateId,
      b: levels(this.#touchedBids, bids, "desc"),
      a: levels(this.#touchedAsks, asks, "asc"),
    };
    this.#bids = bids;
    this.#asks = asks;
    this.#publishedU = book.lastUpdateId;
    this.#touchedBids.clear();
    this.#touchedAsks.clear();
    return diff;
  }
}

function mark(published: Map<string, string>, now: [string, string][], touched: Set<string>): void {
  const seen = new Set<string>();
  for (const [p, q] of now) {
    seen.add(p);
    if (published.get(p) !== q) touched.add(p);
  }
  for (const p of published.keys()) if (!seen.has(p)) touched.add(p);
}

function levels(
  touched: Set<string>,
  now: Map<string, string>,
  order: "asc" | "desc",
): [string, string][] {
  const out: [string, string][] = [...touched].map((p) => [p, now.get(p) ?? ZERO]);
  out.sort((x, y) => {
    const d = Number(x[0]) - Number(y[0]);
    return order === "asc" ? d : -d;
  });
  return out;
}
