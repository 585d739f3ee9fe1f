import assert from "node:assert/strict";
import { loadKlines } from "../data/load_klines.ts";
import { QaFlag } from "../data/qa_report.ts";
import { encodeModelFile, modelRuntime } from "../models/model_file.ts";
import { clusterModel, H2_TRAINED_TO, TRADE_FROM, TRADE_TO } from "../tests/_backtest_support.ts";
import { spawnLocalActor } from "./local_host.ts";
import type { DecisionBatch } from "./messages/decision_batch.ts";
import type { MarketBatch } from "./messages/market_batch.ts";
import {
  symbolActor,
  SymbolActorConfig,
  type SymbolActorConfigInput,
  SymbolActorSnapshot,
} from "./symbol_actor.ts";
import { spawnWorkerActor } from "./worker_host.ts";
import { symbolActorSettings } from "./symbol_actor_settings.ts";
import { loadConfig } from "../ops/config.ts";
import { SymbolDecider } from "./_symbol_decider.ts";

const DEFAULT = await loadConfig();

async function config(kind: "hmm" | "h2", tradeFrom: number): Promise<SymbolActorConfigInput> {
  return symbolActorSettings(DEFAULT, "BTCUSDT", {
    modelText: encodeModelFile(await clusterModel("BTCUSDT", kind)),
    tickSize: 0.01,
    tradeFrom,
  });
}

/** The BTCUSDT cluster bars of [from, to) as market batches of `size` bars. */
async function batches(from: number, to: number, size: number): Promise<MarketBatch[]> {
  const c = (await loadKlines("BTCUSDT", { set: "cluster", from, to })).columns;
  const out: MarketBatch[] = [];
  for (let i = 0, seq = 0; i < c.length; i += size, seq++) {
    const n = Math.min(size, c.length - i);
    const col = (a: Float64Array) => a.slice(i, i + n);
    out.push({
      type: "market.batch",
      symbol: "BTCUSDT",
      seq,
      ts: c.openTime[i + n - 1] + 59_999,
      openTime: col(c.openTime),
      open: col(c.open),
      high: col(c.high),
      low: col(c.low),
      close: col(c.close),
      volume: col(c.volume),
      flags: new Uint8Array(n),
      length: n,
    });
  }
  return out;
}

/** A copy whose columns own fresh buffers (tellBatch detaches what it sends). */
function copy(b: MarketBatch): MarketBatch {
  return {
    ...b,
    openTime: b.openTime.slice(),
    open: b.open.slice(),
    high: b.high.slice(),
    low: b.low.slice(),
    close: b.close.slice(),
    volume: b.volume.slice(),
    flags: b.flags.slice(),
  };
}

const WARM_FROM = TRADE_FROM - 2 * 86_400_000;

Deno.test("symbolActor emits the same decision batches in-process and in a Worker", async () => {
  const cfg = await config("hmm", TRADE_FROM);
  const input = await batches(WARM_FROM, TRADE_TO, 240);
  const run = async (spawn: typeof spawnLocalActor) => {
    const out: DecisionBatch[] = [];
    const ref = await spawn(symbolActor, {
      config: cfg,
      snapshotEvery: 1,
      onEmit: (b) => out.push(b),
      heartbeatMs: 0,
    });
    for (const b of input) await ref.tellBatch(copy(b));
    await ref.stop();
    return out;
  };
  const local = await run(spawnLocalActor);
  const worker = await run(spawnWorkerActor as typeof spawnLocalActor);
  assert.equal(local.length, input.length);
  assert.deepEqual(worker, local);
  assert.ok(local.reduce((n, b) => n + b.rows, 0) > 1000, "decides the traded day");
  assert.ok(local.reduce((n, b) => n + b.intents.length, 0) > 0, "proposes intents");
});

Deno.test("SymbolDecider restored from a mid-stream snapshot continues exactly (h2 model)", async () => {
  const cfg = SymbolActorConfig.parse(
    await config("h2", H2_TRAINED_TO),
  );
  const input = await batches(H2_TRAINED_TO - 5 * 86_400_000, H2_TRAINED_TO + 86_400_000, 300);
  const whole = new SymbolDecider(cfg);
  const expected = input.map((b) => whole.decide(b));
  const cut = input.length - 3;
  const first = new SymbolDecider(cfg);
  for (let i = 0; i < cut; i++) first.decide(input[i]);
  // the snapshot travels as structured-clone data and is parsed like a Worker restore does
  const snapshot = SymbolActorSnapshot.parse(structuredClone(first.snapshot()));
  const second = new SymbolDecider(cfg);
  second.restore(snapshot);
  const rest = input.slice(cut).map((b) => second.decide(b));
  assert.deepEqual(rest, expected.slice(cut));
  assert.ok(rest.some((b) => b.rows > 0), "the restored part decides bars");
});

Deno.test("SymbolDecider decides nothing before tradableFrom and refuses an earlier tradeFrom", async () => {
  const file = await clusterModel("BTCUSDT");
  const tradable = modelRuntime(file).tradableFrom;
  const cfg = SymbolActorConfig.parse(
    await config("hmm", tradable),
  );
  const decider = new SymbolDecider(cfg);
  const out = (await batches(WARM_FROM, TRADE_TO, 500)).map((b) => decider.decide(b));
  const firstRow = out.find((b) => b.rows > 0)!;
  assert.equal(
    firstRow.barTs[0],
    tradable + 59_999,
    "the first decision is at the first bar's close",
  );
  assert.equal(decider.firstDecisionTs, tradable + 59_999);
  assert.ok(out.every((b) => b.intents.every((i) => i.ts >= tradable)));
  assert.throws(
    () => new SymbolDecider({ ...cfg, tradeFrom: tradable - 60_000 }),
    (e) => e instanceof RangeError && /look-ahead/.test(e.message),
  );
});

Deno.test("SymbolDecider turns QA flags into DATA and STALE guard bits", async () => {
  const cfg = SymbolActorConfig.parse(
    await config("hmm", TRADE_FROM),
  );
  const decider = new SymbolDecider(cfg);
  const input = await batches(WARM_FROM, TRADE_FROM + 60 * 60_000, 100_000);
  const b = input[0];
  const at = b.length - 10;
  b.flags[at] = QaFlag.gap;
  b.flags[at + 1] = QaFlag.stale;
  const out = decider.decide(b);
  const row = (ts: number) => Array.from(out.barTs).indexOf(ts);
  const bits = (i: number) => out.guardBits[row(b.openTime[i] + 59_999)];
  assert.equal(bits(at) & 1, 1, "DATA is bit 0");
  assert.equal(bits(at + 1) & 2, 2, "STALE is bit 1");
  assert.equal(bits(at + 2) & 3, 0);
});

Deno.test("SymbolDecider refuses a model whose prior horizon is not policy.horizonBars", async () => {
  const cfg = SymbolActorConfig.parse(await config("hmm", TRADE_FROM));
  const horizon = modelRuntime(await clusterModel("BTCUSDT")).horizon;
  assert.throws(
    () => new SymbolDecider({ ...cfg, policy: { ...cfg.policy, horizonBars: horizon + 1 } }),
    (e) =>
      e instanceof RangeError &&
      e.message.includes(`its state priors are over ${horizon} bars`) &&
      e.message.includes(`priorHorizonBars is ${horizon + 1}`),
  );
});

Deno.test("SymbolDecider holds every entry minHoldBars decided bars and sizes with the posterior-weighted risk bias", async () => {
  const base = SymbolActorConfig.parse(await config("h2", H2_TRAINED_TO));
  const cfg = {
    ...base,
    policy: {
      ...base.policy,
      edgeHalfLifeBars: 0,
      entryEdgeBp: 0,
      exitEdgeBp: 0,
      minHoldBars: 45,
      earlyExitEdgeBp: -1e9, // never early
    },
  };
  const decider = new SymbolDecider(cfg);
  const input = await batches(H2_TRAINED_TO - 5 * 86_400_000, H2_TRAINED_TO + 86_400_000, 300);
  const out = input.map((b) => decider.decide(b));
  const barTs = out.flatMap((b) => Array.from(b.barTs));
  const row = new Map(barTs.map((ts, i) => [ts, i]));
  const intents = out.flatMap((b) => b.intents);
  let held = 0, entryRow = -1, trips = 0;
  for (const it of intents) {
    if (held === 0 && it.targetQty > 0) entryRow = row.get(it.ts)!;
    if (held > 0 && it.targetQty === 0) {
      assert.ok(
        row.get(it.ts)! - entryRow >= 45,
        `exit ${it.ts} after ${row.get(it.ts)! - entryRow}`,
      );
      trips++;
    }
    held = it.targetQty;
  }
  assert.ok(trips >= 2, `round trips: ${trips}`);
  const biases = Array.from(modelRuntime(await clusterModel("BTCUSDT", "h2")).riskBias);
  const lo = Math.min(...biases), hi = Math.max(...biases);
  const seen = out.flatMap((b) => Array.from(b.riskBias));
  assert.ok(seen.every((b) => b >= lo - 1e-12 && b <= hi + 1e-12));
  assert.ok(
    seen.some((b) => !biases.includes(b)),
    "a posterior-weighted bias between the regimes'",
  );
});
