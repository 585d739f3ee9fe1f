import type {
  Gateway,
  GatewayBalance,
  GatewayOrder,
  GatewayQuote,
  GatewayResult,
} from "./gateway.ts";
import { FillSource, type JournalOrder, OrderJournal } from "./order_journal.ts";
import { formatFixed8, parseFixed8 } from "./sim/fixed8.ts";
import { ExecutionType, OrderStatus, Side } from "./sim/sim_records.ts";

/** One account trade as a venue reports it (`GET /api/v3/myTrades`, 8-decimal strings). */
export interface VenueTrade {
  symbol: string;
  id: number;
  orderId: number;
  price: string;
  qty: string;
  quoteQty: string;
  commission: string;
  commissionAsset: string;
  time: number;
  isBuyer: boolean;
  isMaker: boolean;
}

/** What reconciliation needs beyond `Gateway` (the ccxt gateway has it). */
export interface ReconcilableGateway extends Gateway {
  /** The account's trades of `symbol` with id ≥ `fromId`, ascending (all pages). */
  trades(symbol: string, options: { fromId?: number; limit?: number }): Promise<
    GatewayResult<VenueTrade[]>
  >;
  /** The order with the venue's numeric id. */
  getOrderById(symbol: string, orderId: number): Promise<GatewayResult<GatewayOrder>>;
  /** Delivers over REST what the event stream may have missed (fills, order states). */
  resync?(): Promise<void>;
}

/** What a mismatch between the venue and the journal was about (metric label `kind`). */
export const MismatchKind = {
  /** A venue trade the journal did not have (now inserted). */
  MISSING_FILL: "missing_fill",
  /** An open venue order the journal did not know (adopted as `external`). */
  UNKNOWN_ORDER: "unknown_order",
  /** An order the journal thought open that the venue reports done (final state recorded). */
  ORDER_CLOSED: "order_closed",
  /** An open order whose executed quantity or status differed (venue's state recorded). */
  ORDER_STATE: "order_state",
  /** A pending request the venue had received (its answer was lost; now acked). */
  PENDING_FOUND: "pending_found",
  /**
   * A pending request the venue never received (-2013 after recvWindow): dropped; sent again
   * under the same client id only if the trading path issues it again while fresh.
   */
  PENDING_LOST: "pending_lost",
  /** An asset whose venue balance differs from baseline + journaled fills. */
  BALANCE: "balance",
} as const;
/** One mismatch kind. */
export type MismatchKind = typeof MismatchKind[keyof typeof MismatchKind];

/** The outcome of one reconciliation pass. */
export interface ReconcileReport {
  /**
   * True when the venue answered every query: the journal now matches it (after the fixes
   * listed). False: the venue could not be queried and positions are unknown (trading must pause;
   * "a missing report is not flat").
   */
  ok: boolean;
  /** Why it was not ok, or "". */
  error: string;
  /** Mismatches found (and fixed in the journal) in this pass, by kind; every kind present. */
  mismatches: Record<MismatchKind, number>;
  /** One line per mismatch (`kind=… symbol=… detail`). */
  lines: string[];
  /** The venue's balances (free + locked) of the reconciled assets, fixed8 strings; {} if not ok. */
  venueBalances: Record<string, string>;
  /** What baseline + journaled fills say the same balances should be. */
  expectedBalances: Record<string, string>;
}

/** Options of {@link reconcile}. */
export interface ReconcileOptions {
  /** The base and quote asset of each traded symbol. */
  assets: ReadonlyMap<string, { base: string; quote: string }>;
  /** `recvWindow` of the gateway, ms: a pending request is judged only once it has passed. @default {5000} */
  recvWindowMs?: number;
  /** Wall clock, ms. @default {Date.now} */
  now?: () => number;
  /** @default {setTimeout} */
  sleep?: (ms: number) => Promise<void>;
  /** The touch per symbol for fills inserted from venue trades (bestBid/bestAsk). */
  quote?: (symbol: string) => GatewayQuote | undefined;
}

/** The journal's `meta` key of the reconciliation baseline. */
export const BASELINE_KEY = "reconcile.baseline";

/** The account before the run's first fill: balances and, per symbol, the last trade id. */
export interface ReconcileBaseline {
  balances: Record<string, string>;
  lastTradeIds: Record<string, number>;
}

/**
 * Reconciles the journal with the venue, at start (also after a crash) and every few minutes:
 *
 * 1. **Stream gaps**: `gateway.resync()` first, so fills still on their way arrive as events.
 * 2. **Pending requests** (written, never answered): once `recvWindow` has passed since they were
 *    sent, `getOrder(clientOrderId)`: found → the answer was lost, record the order
 *    (`pending_found`); -2013 → the venue never got it and never will (a late copy would be refused
 *    for its timestamp) → **dropped, not re-sent** (`pending_lost`): it carries a decision made at
 *    an earlier market time; the symbol actor decides again on the next bar under a new client id.
 * 3. **Open orders**: venue vs journal. Unknown open order → adopted as `external`
 *    (`unknown_order`); journal-open order missing from the venue's list → its final state from
 *    `getOrder` (`order_closed`); differing executed quantity → the venue's state (`order_state`).
 * 4. **Trades** since the journal's last trade id (the baseline's on a fresh run) vs journaled fills:
 *    each missing one is inserted (`missing_fill`, source `reconcile`).
 * 5. **Balances**: venue (free + locked) vs baseline + the balance changes of the journaled fills,
 *    for every base and quote asset traded (`balance`).
 *
 * The first pass of a journal stores the baseline (venue balances and last trade ids) in `meta`.
 * A venue that cannot be queried (`VenueUnreachableError` or any transport failure) gives
 * `ok: false` with what was done so far; nothing is assumed flat. Mismatches are counted and each
 * gets a line; the journal is fixed so the next pass starts clean.
 */
export async function reconcile(
  journal: OrderJournal,
  gateway: ReconcilableGateway,
  options: ReconcileOptions,
): Promise<ReconcileReport> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const recvWindowMs = options.recvWindowMs ?? 5000;
  const mismatches = Object.fromEntries(
    Object.values(MismatchKind).map((k) => [k, 0]),
  ) as Record<MismatchKind, number>;
  const lines: string[] = [];
  const found = (kind: MismatchKind, symbol: string, detail: string) => {
    mismatches[kind]++;
    lines.push(`kind=${kind} symbol=${symbol} ${detail}`);
  };
  const report = (ok: boolean, error: string, venue = {}, expected = {}): ReconcileReport => ({
    ok,
    error,
    mismatches,
    lines,
    venueBalances: venue,
    expectedBalances: expected,
  });
  const symbols = [...options.assets.keys()].sort();
  const assetList = [...new Set([...options.assets.values()].flatMap((a) => [a.base, a.quote]))]
    .sort();
  try {
    let baseline = journal.meta(BASELINE_KEY) as ReconcileBaseline | undefined;
    if (baseline === undefined) {
      // The account as it was before the journal's first fill: the venue's balances less what
      // the journaled fills changed (nothing on a fresh run), and the trade ids before them.
      const balances = totals(must(await gateway.balances(), "balances"), assetList);
      const journaled = journal.balanceChanges((s) => options.assets.get(s)!);
      for (const a of assetList) {
        balances[a] = formatFixed8(parseFixed8(balances[a]) - parseFixed8(journaled[a] ?? "0"));
      }
      const lastTradeIds: Record<string, number> = {};
      for (const s of symbols) {
        const first = journal.fills({ symbol: s })[0];
        if (first !== undefined) {
          lastTradeIds[s] = first.tradeId - 1;
          continue;
        }
        const latest = must(await gateway.trades(s, { limit: 1 }), `trades ${s}`);
        lastTradeIds[s] = latest.length > 0 ? latest[latest.length - 1].id : -1;
      }
      baseline = { balances, lastTradeIds };
      journal.setMeta(BASELINE_KEY, baseline);
    }

    await gateway.resync?.();

    for (const p of journal.pendingRequests()) {
      const wait = p.sentAt + recvWindowMs + 250 - now();
      if (wait > 0) await sleep(wait);
      const r = await gateway.getOrder(p.symbol, p.clientOrderId);
      if (r.ok) {
        journal.recordOrder(r.value, { executionType: ExecutionType.NEW, ts: r.value.updateTime });
        found(
          MismatchKind.PENDING_FOUND,
          p.symbol,
          `clientOrderId=${p.clientOrderId} status=${r.value.status}`,
        );
      } else if (r.reject.code === -2013) {
        journal.recordDropped(p.clientOrderId, "never reached the venue (-2013 after recvWindow)");
        found(MismatchKind.PENDING_LOST, p.symbol, `clientOrderId=${p.clientOrderId} dropped`);
      } else {
        return report(false, `order ${p.clientOrderId}: ${r.reject.code} ${r.reject.msg}`);
      }
    }

    const venueOpen = must(await gateway.openOrders(), "open orders");
    const venueOpenById = new Map(venueOpen.map((o) => [o.clientOrderId, o]));
    for (const o of venueOpen) {
      if (!options.assets.has(o.symbol)) continue;
      const mine = journal.order(o.clientOrderId);
      if (mine === undefined) {
        journal.recordOrder(o, { executionType: ExecutionType.NEW, ts: o.updateTime });
        found(MismatchKind.UNKNOWN_ORDER, o.symbol, `clientOrderId=${o.clientOrderId} adopted`);
      } else if (mine.status !== o.status || mine.executedQty !== o.executedQty) {
        journal.recordOrder(o, { executionType: ExecutionType.TRADE, ts: o.updateTime });
        found(
          MismatchKind.ORDER_STATE,
          o.symbol,
          `clientOrderId=${o.clientOrderId} journal=${mine.status}/${mine.executedQty} venue=${o.status}/${o.executedQty}`,
        );
      }
    }
    for (const mine of journal.openOrders()) {
      if (venueOpenById.has(mine.clientOrderId)) continue;
      const r = must(
        await gateway.getOrder(mine.symbol, mine.clientOrderId),
        `order ${mine.clientOrderId}`,
      );
      journal.recordOrder(r, { executionType: finalType(r), ts: r.updateTime });
      found(
        MismatchKind.ORDER_CLOSED,
        mine.symbol,
        `clientOrderId=${mine.clientOrderId} venue=${r.status}`,
      );
    }

    const known = journal.lastTradeIds();
    for (const s of symbols) {
      const from = Math.max(known[s] ?? -1, baseline.lastTradeIds[s] ?? -1) + 1;
      const trades = must(await gateway.trades(s, { fromId: from }), `trades ${s}`);
      const journaled = new Set(
        journal.fills({ symbol: s, fromTradeId: from }).map((f) => f.tradeId),
      );
      for (const t of trades) {
        if (journaled.has(t.id)) continue;
        const cid = await clientIdOf(journal, gateway, s, t.orderId);
        const q = options.quote?.(s);
        journal.recordFill({
          tradeId: t.id,
          orderId: t.orderId,
          clientOrderId: cid,
          symbol: s,
          side: t.isBuyer ? Side.BUY : Side.SELL,
          price: t.price,
          qty: t.qty,
          quoteQty: t.quoteQty,
          commission: t.commission,
          commissionAsset: t.commissionAsset,
          isMaker: t.isMaker,
          time: t.time,
          bestBid: q?.bidPrice ?? "0.00000000",
          bestAsk: q?.askPrice ?? "0.00000000",
          queueAhead: "0.00000000",
          slippageBp: 0,
        }, { source: FillSource.RECONCILE });
        found(MismatchKind.MISSING_FILL, s, `tradeId=${t.id} clientOrderId=${cid} qty=${t.qty}`);
      }
    }

    const venue = totals(must(await gateway.balances(), "balances"), assetList);
    const changes = journal.balanceChanges((s) => options.assets.get(s)!, {
      afterTradeIds: baseline.lastTradeIds,
    });
    const expected: Record<string, string> = {};
    for (const a of assetList) {
      const v = parseFixed8(baseline.balances[a] ?? "0") + parseFixed8(changes[a] ?? "0");
      expected[a] = formatFixed8(v);
      if (expected[a] !== venue[a]) {
        found(MismatchKind.BALANCE, a, `asset=${a} venue=${venue[a]} journal=${expected[a]}`);
      }
    }
    return report(true, "", venue, expected);
  } catch (err) {
    if (err instanceof TypeError || err instanceof RangeError) throw err;
    return report(false, err instanceof Error ? err.message : String(err));
  }
}

/** The value of a result, or an Error naming what could not be read. */
function must<T>(r: GatewayResult<T>, what: string): T {
  if (!r.ok) throw new Error(`Cannot reconcile ${what}: ${r.reject.code} ${r.reject.msg}`);
  return r.value;
}

/** free + locked per asset, fixed8 strings, for `assets` (0 when the venue lists none). */
function totals(
  list: readonly GatewayBalance[],
  assets: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of assets) {
    const b = list.find((x) => x.asset === a);
    out[a] = formatFixed8(b === undefined ? 0n : parseFixed8(b.free) + parseFixed8(b.locked));
  }
  return out;
}

function finalType(o: GatewayOrder): ExecutionType {
  if (o.status === OrderStatus.CANCELED) return ExecutionType.CANCELED;
  if (o.status === OrderStatus.EXPIRED) return ExecutionType.EXPIRED;
  return ExecutionType.TRADE;
}

async function clientIdOf(
  journal: OrderJournal,
  gateway: ReconcilableGateway,
  symbol: string,
  orderId: number,
): Promise<string> {
  const mine: JournalOrder | undefined = journal.orders({ symbol }).find((o) =>
    o.orderId === orderId
  );
  if (mine !== undefined) return mine.clientOrderId;
  const r = await gateway.getOrderById(symbol, orderId);
  if (!r.ok) {
    throw new Error(`Cannot reconcile order #${orderId}: ${r.reject.code} ${r.reject.msg}`);
  }
  journal.recordOrder(r.value, { executionType: finalType(r.value), ts: r.value.updateTime });
  return r.value.clientOrderId;
}
