/** p5 / p50 / p95 of a sample, bp; null values when the sample is empty. */
export interface Band {
  p5: number | null;
  p50: number | null;
  p95: number | null;
}

/** One symbol's execution quality in a run (M10 slippage bands). */
export interface SymbolBands {
  fills: number;
  takerFills: number;
  makerFills: number;
  /** Slippage of every fill, bp (0 for a maker fill at its limit). */
  slippageBp: Band;
  /** Slippage of taker fills only, bp. */
  takerSlippageBp: Band;
  /** LIMIT orders the venue accepted (a `NEW` row). */
  limitOrders: number;
  /** Of those, the ones filled completely (a `FILLED` row). */
  limitFilled: number;
  /** limitFilled / limitOrders; null without limit orders. */
  fillRatio: number | null;
  /** Executed quantity of the limit orders / their quantity; null without limit orders. */
  qtyFillRatio: number | null;
}

/**
 * The `q`-quantile of sorted values by linear interpolation between closest ranks (Hyndman & Fan
 * 1996, type 7: h = (n − 1)q); null for an empty sample.
 */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

function band(values: number[]): Band {
  const s = [...values].sort((a, b) => a - b);
  return { p5: quantile(s, 0.05), p50: quantile(s, 0.5), p95: quantile(s, 0.95) };
}

/**
 * Per symbol, the slippage bands (p5/p50/p95 of `slippage_bp`, all fills and takers only) and
 * the fill ratio of LIMIT orders, from a run directory's `trades.csv` and `orders.csv` (the same
 * for a backtest and a paper run, so the two can be compared). Symbols are sorted.
 */
export async function runBands(dir: string): Promise<Record<string, SymbolBands>> {
  const trades = readCsv(await Deno.readTextFile(`${dir}/trades.csv`));
  const orders = readCsv(await Deno.readTextFile(`${dir}/orders.csv`));
  const symbols = [...new Set([...trades, ...orders].map((r) => r.symbol))].sort();
  const out: Record<string, SymbolBands> = {};
  for (const symbol of symbols) {
    const fills = trades.filter((r) => r.symbol === symbol);
    const slip = fills.map((r) => Number(r.slippage_bp));
    const takers = fills.filter((r) => r.liquidity === "taker");
    const mine = orders.filter((r) => r.symbol === symbol);
    const limits = new Map<string, number>();
    for (const r of mine) {
      if (r.type === "LIMIT" && r.status === "NEW") limits.set(r.client_order_id, Number(r.qty));
    }
    const filled = new Set(
      mine.filter((r) => r.status === "FILLED" && limits.has(r.client_order_id)).map((r) =>
        r.client_order_id
      ),
    );
    let executed = 0, ordered = 0;
    for (const [cid, qty] of limits) {
      ordered += qty;
      for (const f of fills) if (f.client_order_id === cid) executed += Number(f.qty);
    }
    out[symbol] = {
      fills: fills.length,
      takerFills: takers.length,
      makerFills: fills.length - takers.length,
      slippageBp: band(slip),
      takerSlippageBp: band(takers.map((r) => Number(r.slippage_bp))),
      limitOrders: limits.size,
      limitFilled: filled.size,
      fillRatio: limits.size > 0 ? filled.size / limits.size : null,
      qtyFillRatio: ordered > 0 ? executed / ordered : null,
    };
  }
  return out;
}

/** Rows of a CSV with a header line (RFC 4180 quoting), as records by column name. */
export function readCsv(text: string): Record<string, string>[] {
  const rows = parseRows(text);
  if (rows.length === 0) return [];
  const [header, ...body] = rows;
  return body.filter((r) => r.length > 1 || r[0] !== "").map((r) =>
    Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""]))
  );
}

function parseRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
