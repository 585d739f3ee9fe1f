import assert from "node:assert/strict";
import { type FlakyProxy, startFlakyProxy } from "./_flaky_proxy.ts";
import { CcxtGateway } from "./ccxt_gateway.ts";
import { CcxtMarketFeed, type LiveBatch } from "./ccxt_market_feed.ts";
import type { KlineColumns } from "./kline_columns.ts";
import {
  type RunningSimExchange,
  startSimExchangeServer,
} from "./sim_server/start_sim_exchange_server.ts";

/** 2025-06-19 00:00 UTC; the series below start a day earlier. */
const T0 = Date.UTC(2025, 5, 19);
const M = 60_000;

/** `n` bars of `symbol` from `t0`, close = base + i, skipping the open times in `skip`. */
function series(symbol: string, t0: number, n: number, base: number, skip: number[] = []) {
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const t = t0 + i * M;
    if (skip.includes(t)) continue;
    const c = base + i;
    rows.push([t, c - 0.5, c + 1, c - 1, c, 1 + i / 10]);
  }
  const col = (k: number) => Float64Array.from(rows, (r) => r[k]);
  const out: KlineColumns = {
    symbol,
    openTime: col(0),
    open: col(1),
    high: col(2),
    low: col(3),
    close: col(4),
    volume: col(5),
    length: rows.length,
  };
  return out;
}

interface Setup {
  run: RunningSimExchange;
  proxy: FlakyProxy;
  gw: CcxtGateway;
}

async function withVenue(
  skipEth: number[],
  body: (s: Setup) => Promise<void>,
): Promise<void> {
  const run = await startSimExchangeServer({
    speed: "manual",
    from: T0,
    warmupBars: 10,
    series: [
      series("BTCUSDT", T0 - 120 * M, 240, 100_000),
      series("ETHUSDT", T0 - 120 * M, 240, 2_500, skipEth),
    ],
  });
  const proxy = startFlakyProxy(run.baseUrl);
  let gw: CcxtGateway | null = null;
  try {
    gw = await CcxtGateway.connect({
      target: { kind: "url", baseUrl: proxy.baseUrl },
      apiKey: "sim-key",
      secret: "sim-secret",
      symbols: ["BTCUSDT", "ETHUSDT"],
      backoffMs: 20,
      maxBackoffMs: 100,
    });
    await body({ run, proxy, gw });
  } finally {
    await gw?.close();
    await proxy.close();
    await run.close();
  }
}

/** `symbol:openTime` of every bar of the batches, in batch order. */
function bars(batches: LiveBatch[]): string[] {
  return batches.flatMap((b) =>
    b.bars.flatMap((x) => [...x.openTime].map((t) => `${x.symbol}:${(t - T0) / M}`))
  );
}

Deno.test("CcxtMarketFeed yields the warm-up, then one batch per closed minute, none skipped or repeated", async () => {
  await withVenue([], async ({ run, gw }) => {
    const feed = new CcxtMarketFeed(gw, {
      symbols: ["ETHUSDT", "BTCUSDT"],
      from: T0,
      to: T0 + 5 * M,
      warmupFrom: T0 - 3 * M,
      batchBars: 100,
      pace: () => void run.server.advance(1),
    });
    const out: LiveBatch[] = [];
    for await (const b of feed) out.push(b);
    assert.deepEqual(out.map((b) => b.seq), [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(bars(out), [
      "BTCUSDT:-3",
      "BTCUSDT:-2",
      "BTCUSDT:-1",
      "ETHUSDT:-3",
      "ETHUSDT:-2",
      "ETHUSDT:-1",
      ...[0, 1, 2, 3, 4].flatMap((m) => [`BTCUSDT:${m}`, `ETHUSDT:${m}`]),
    ]);
    const last = out[5].bars[0];
    assert.equal(last.symbol, "BTCUSDT");
    assert.equal(last.close[0], 100_000 + 124); // bar 124 of the series: T0 + 4 minutes
    assert.deepEqual([...last.flags], [0]);
    assert.equal(feed.stats().warmupBars, 6);
    assert.equal(feed.stats().liveBars, 10);
  });
});

Deno.test("CcxtMarketFeed fills the minutes missed while its stream was down over REST", async () => {
  await withVenue([], async ({ run, proxy, gw }) => {
    let paced = 0;
    const feed = new CcxtMarketFeed(gw, {
      symbols: ["BTCUSDT", "ETHUSDT"],
      from: T0,
      to: T0 + 6 * M,
      idleMs: 200,
      pace: () => {
        paced++;
        if (paced === 2) {
          // the connection drops and three minutes pass before it comes back
          proxy.refuseWebSockets = true;
          proxy.dropWebSockets();
          run.server.advance(3);
          setTimeout(() => proxy.refuseWebSockets = false, 100);
          return;
        }
        run.server.advance(1);
      },
    });
    const out: LiveBatch[] = [];
    for await (const b of feed) out.push(b);
    assert.deepEqual(
      bars(out),
      [0, 1, 2, 3, 4, 5].flatMap((m) => [`BTCUSDT:${m}`, `ETHUSDT:${m}`]),
    );
    assert.ok(feed.stats().restBars >= 4, `restBars ${feed.stats().restBars}`);
  });
});

Deno.test("CcxtMarketFeed leaves out a bar the venue does not have and counts it", async () => {
  await withVenue([T0 + 2 * M], async ({ run, gw }) => {
    const feed = new CcxtMarketFeed(gw, {
      symbols: ["BTCUSDT", "ETHUSDT"],
      from: T0,
      to: T0 + 4 * M,
      graceMs: 50,
      pace: () => void run.server.advance(1),
    });
    const out: LiveBatch[] = [];
    for await (const b of feed) out.push(b);
    assert.deepEqual(bars(out), [
      "BTCUSDT:0",
      "ETHUSDT:0",
      "BTCUSDT:1",
      "ETHUSDT:1",
      "BTCUSDT:2",
      "BTCUSDT:3",
      "ETHUSDT:3",
    ]);
    assert.equal(out[2].bars[1].length, 0);
    assert.equal(feed.stats().missingBars, 1);
    // the bar after the gap carries the QA gap flag (QaFlag.gap = 1)
    assert.equal(out[3].bars[1].flags[0] & 1, 1);
  });
});
