import { z } from "zod";
import { fixed8FromNumber, formatFixed8, parseFixed8 } from "../data/sim/fixed8.ts";
import { formatPosteriors } from "../data/csv_format.ts";
import {
  encodeRunSummary,
  RunInfoSchema,
  runSummary,
  RunSummarySchema,
  type RunTally,
} from "../data/run_summary.ts";
import { RunWriter, trimDecimal } from "../data/run_writer.ts";
import { defineActor } from "./actor_definition.ts";
import { Ts } from "./messages/_fields.ts";
import { DecisionBatch, SYMBOL_GUARD_BITS } from "./messages/decision_batch.ts";
import { EquityRecorded } from "./messages/equity_recorded.ts";
import { ExecutionReported } from "./messages/execution_reported.ts";
import type { FillReceived } from "./messages/fill_received.ts";
import { GuardRecorded } from "./messages/guard_recorded.ts";
import type { OrderUpdated } from "./messages/order_updated.ts";

/** Open the run directory's files (request, first message). */
export const RunStart = z.object({ type: z.literal("run.start"), ts: Ts });
/** The symbol actors' decision batches of one replay batch (their rows are merged by time). */
export const DecisionsRecorded = z.object({
  type: z.literal("decisions.recorded"),
  ts: Ts,
  batches: z.array(DecisionBatch),
});
/** A parsed set of decision batches. */
export type DecisionsRecorded = z.infer<typeof DecisionsRecorded>;
/**
 * End of the run (request): write `summary.json` from `info` (what the entry point knew) and the
 * recorder's counts plus the loop's (`events`, `restarts`), close every file. Replies the summary.
 */
export const RunFinish = z.object({
  type: z.literal("run.finish"),
  ts: Ts,
  info: RunInfoSchema,
  events: z.number().int().nonnegative(),
  restarts: z.number().int().nonnegative(),
});

/** Everything the recorder accepts. */
export const RecorderInbox = z.discriminatedUnion("type", [
  RunStart,
  DecisionsRecorded,
  ExecutionReported,
  GuardRecorded,
  EquityRecorded,
  RunFinish,
]);
/** A parsed recorder message. */
export type RecorderInbox = z.infer<typeof RecorderInbox>;

/** Where the recorder writes. */
export const RecorderConfig = z.object({
  /** The run directory (`runs/<run-id>` or `--out DIR`). */
  dir: z.string().min(1),
  /** Write the daily Parquet rollups. @default {true} */
  parquet: z.boolean().default(true),
  /**
   * Write every row through to its CSV as soon as it is recorded (paper and live: the ops server
   * serves the files while the run goes on); otherwise rows are buffered (backtest speed).
   * @default {false}
   */
  writeThrough: z.boolean().default(false),
});

const ROUND = 1e8;

/**
 * The recorder: writes the run outputs (`data/run_writer.ts`: five CSVs and the daily Parquet
 * rollups) and, at `run.finish`, `summary.json` (`runSummary`). Everything it writes is a function
 * of the messages it receives, in order: no wall time, no measurement. Conventions:
 *
 * - `state_timeline.csv`: one row per decided bar; rows of one replay batch are merged by time,
 *   then symbol; posteriors are rounded to 8 decimals (`|`-joined); an unusable state is -1.
 * - `orders.csv` / `trades.csv`: one row per order status change / per execution, amounts as the
 *   exchange's exact decimals without trailing zeros; `exchange_order_id` is empty for an order
 *   the exchange never accepted; `liquidity` is `maker`/`taker`.
 * - `equity.csv`: cash and positions value rounded half-up to 8 decimals and `equity` their exact
 *   sum, so `equity = cash + positions_value` holds digit for digit on every row.
 * - `guardrails.csv`: rows as the guards wrote them (symbol and portfolio level).
 *
 * Runs in-process (`localActor`); it is not restartable (files are opened once) and keeps no
 * snapshot.
 */
export const recorderActor = defineActor({
  name: "recorder",
  url: import.meta.url,
  inbox: RecorderInbox,
  config: RecorderConfig,
  snapshot: z.null(),
  outbox: z.never(),
  replies: { "run.start": z.object({ dir: z.string() }), "run.finish": RunSummarySchema },
  create(config) {
    let writer: RunWriter | null = null;
    const tally: RunTally = {
      events: 0,
      warmupBars: 0,
      decisions: 0,
      rejectedBars: 0,
      intents: 0,
      guardBlockedBars: {},
      orders: 0,
      orderRows: {},
      rejects: {},
      fills: 0,
      makerFills: 0,
      takerFills: 0,
      feesByAsset: {},
      feesQuote: 0,
      guardRows: { block: {}, scale: {}, cancel: {}, total: 0 },
      equityRows: 0,
      finalEquity: null,
      peakEquity: null,
      maxDrawdown: 0,
      firstDecision: {},
      restarts: 0,
    };
    const fees = new Map<string, bigint>();
    const seenOrders = new Set<string>();
    const files = () => {
      if (writer === null) throw new TypeError("Cannot record before run.start");
      return writer;
    };

    const decisions = (msg: DecisionsRecorded) => {
      const w = files();
      const rows: Array<{ ts: number; symbol: string; b: DecisionBatch; i: number }> = [];
      for (const b of msg.batches) {
        tally.warmupBars += b.warmupBars;
        tally.rejectedBars += b.rejectedBars;
        tally.intents += b.intents.length;
        if (!(b.symbol in tally.firstDecision)) tally.firstDecision[b.symbol] = null;
        if (b.rows > 0 && tally.firstDecision[b.symbol] === null) {
          tally.firstDecision[b.symbol] = b.barTs[0];
        }
        for (let i = 0; i < b.rows; i++) {
          rows.push({ ts: b.barTs[i], symbol: b.symbol, b, i });
          const bits = b.guardBits[i];
          if (bits === 0) continue;
          SYMBOL_GUARD_BITS.forEach((code, k) => {
            if (bits & (1 << k)) add(tally.guardBlockedBars, code);
          });
        }
      }
      rows.sort((x, y) => x.ts - y.ts || (x.symbol < y.symbol ? -1 : x.symbol > y.symbol ? 1 : 0));
      for (const { b, i } of rows) {
        const K = b.states;
        const p = new Array<number>(K);
        for (let k = 0; k < K; k++) p[k] = Math.round(b.posteriors[i * K + k] * ROUND) / ROUND;
        const kl = b.klDrift[i];
        w.state({
          ts: b.barTs[i],
          symbol: b.symbol,
          model_version: b.modelVersion,
          state: b.state[i],
          macro_state: b.macroState[i],
          conf: b.conf[i],
          risk_bias: b.riskBias[i],
          edge: b.edge[i],
          kl_drift: Number.isFinite(kl) ? kl : null,
          posteriors: formatPosteriors(p),
        });
      }
      tally.decisions += rows.length;
    };

    const order = (u: OrderUpdated) => {
      if (!seenOrders.has(u.clientOrderId)) {
        seenOrders.add(u.clientOrderId);
        tally.orders++;
      }
      add(tally.orderRows, u.status);
      if (u.status === "REJECTED") add(tally.rejects, u.reason.split(" ")[0] || "unknown");
      files().order({
        ts: u.ts,
        symbol: u.symbol,
        client_order_id: u.clientOrderId,
        exchange_order_id: u.exchangeOrderId,
        side: u.side,
        type: u.orderType,
        time_in_force: u.orderType === "MARKET" ? "" : u.timeInForce,
        price: u.orderType === "MARKET" ? null : trimDecimal(u.price),
        qty: trimDecimal(u.qty),
        status: u.status,
        reason: u.reason,
      });
    };

    const fill = (f: FillReceived) => {
      tally.fills++;
      if (f.liquidity === "maker") tally.makerFills++;
      else tally.takerFills++;
      const fee = parseFixed8(f.fee);
      fees.set(f.feeAsset, (fees.get(f.feeAsset) ?? 0n) + fee);
      const feeNum = Number(f.fee);
      // A fee in the quote asset (the symbol ends with it) counts as is, a base fee at the price.
      tally.feesQuote += f.symbol.endsWith(f.feeAsset) ? feeNum : feeNum * Number(f.price);
      files().trade({
        ts: f.ts,
        symbol: f.symbol,
        order_id: f.orderId,
        client_order_id: f.clientOrderId,
        side: f.side,
        price: trimDecimal(f.price),
        qty: trimDecimal(f.qty),
        quote_qty: trimDecimal(f.quoteQty),
        fee: trimDecimal(f.fee),
        fee_asset: f.feeAsset,
        liquidity: f.liquidity,
        slippage_bp: f.slippageBp,
        best_bid: trimDecimal(f.bestBid),
        best_ask: trimDecimal(f.bestAsk),
        model_version: f.modelVersion,
        state: f.state,
        macro_state: f.macroState,
      });
    };

    const guard = (g: GuardRecorded) => {
      tally.guardRows.total++;
      const bucket = g.action === "scale"
        ? tally.guardRows.scale
        : g.action === "cancel"
        ? tally.guardRows.cancel
        : tally.guardRows.block;
      for (const code of g.reasons.split("|")) add(bucket, code);
      files().guard({
        ts: g.ts,
        symbol: g.symbol,
        action: g.action,
        reasons: g.reasons,
        value: g.value,
        threshold: g.threshold,
        detail: g.detail,
      });
    };

    const equity = async (e: EquityRecorded) => {
      const w = files();
      for (let i = 0; i < e.rows; i++) {
        const cash = fixed8FromNumber(e.cash[i]);
        const pv = fixed8FromNumber(e.positionsValue[i]);
        const total = cash + pv;
        const equityNum = Number(formatFixed8(total));
        w.equity({
          ts: e.barTs[i],
          cash: trimDecimal(formatFixed8(cash)),
          positions_value: trimDecimal(formatFixed8(pv)),
          equity: trimDecimal(formatFixed8(total)),
          drawdown: e.drawdown[i],
          gross_exposure: trimDecimal(formatFixed8(fixed8FromNumber(e.grossExposure[i]))),
          net_exposure: trimDecimal(formatFixed8(fixed8FromNumber(e.netExposure[i]))),
        });
        tally.equityRows++;
        tally.finalEquity = equityNum;
        if (tally.peakEquity === null || equityNum > tally.peakEquity) {
          tally.peakEquity = equityNum;
        }
        if (e.drawdown[i] > tally.maxDrawdown) tally.maxDrawdown = e.drawdown[i];
      }
      if (e.rows > 0) await w.advance(e.barTs[e.rows - 1]);
    };

    const finish = async (msg: z.infer<typeof RunFinish>) => {
      const w = files();
      tally.events = msg.events;
      tally.restarts = msg.restarts;
      for (const [asset, amount] of [...fees.entries()].sort()) {
        tally.feesByAsset[asset] = trimDecimal(formatFixed8(amount));
      }
      const summary = runSummary(msg.info, tally);
      await w.close();
      await Deno.writeTextFile(`${w.dir}/summary.json`, encodeRunSummary(summary));
      return summary;
    };

    return {
      async handle(msg: RecorderInbox) {
        const answer = await route(msg);
        if (config.writeThrough && writer !== null && msg.type !== "run.finish") writer.flush();
        return answer;
      },
      snapshot: () => null,
      restore() {},
    };

    async function route(msg: RecorderInbox) {
      switch (msg.type) {
        case "run.start":
          writer = await RunWriter.open(config.dir, { parquet: config.parquet });
          return { dir: config.dir };
        case "decisions.recorded":
          return decisions(msg);
        case "execution.reported":
          for (const e of msg.events) {
            if (e.type === "order.updated") order(e);
            else fill(e);
          }
          return;
        case "guard.recorded":
          return guard(msg);
        case "equity.recorded":
          return await equity(msg);
        case "run.finish":
          return await finish(msg);
        default:
          return assertNever(msg);
      }
    }
  },
});

function add(record: Record<string, number>, key: string): void {
  record[key] = (record[key] ?? 0) + 1;
}

function assertNever(value: never): never {
  throw new TypeError(`Cannot handle recorder message: ${JSON.stringify(value)}`);
}
