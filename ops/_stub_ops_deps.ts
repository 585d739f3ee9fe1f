import { SeededRng } from "../models/seeded_rng.ts";
import { ReasonCode } from "../models/reason_code.ts";
import type { LiveUpdate } from "./live_update.ts";
import { LiveUpdateHub } from "./live_update_hub.ts";
import { ShoalMetrics } from "./metrics.ts";
import type { OpsDeps } from "./ops_server.ts";
import type { OpsStatus } from "./ops_status.ts";
import type { RetrainOutcome, RetrainRequest } from "./ops_requests.ts";
import type { RunMode } from "./run_mode.ts";

/**
 * Hand-written ops deps for tests and the demo: a kill switch and positions held in memory, and a
 * record of every call, so a test asserts what the server asked for.
 */
export interface StubOpsDeps extends OpsDeps {
  metrics: ShoalMetrics;
  calls: { kill: string[]; resume: number; retrain: RetrainRequest[] };
  /** The status `status()` returns (mutable: tests and the demo change it). */
  state: OpsStatus;
  /** Sets the clock `now()` returns. */
  setNow(ms: number): void;
}

/** Builds {@link StubOpsDeps} for a run of `symbols` writing to `runDir`. */
export function createStubOpsDeps(
  runDir: string,
  options: {
    /** @default {"0123456789abcdef0123456789abcdef"} */
    token?: string;
    /** @default {["BTCUSDT", "ETHUSDT"]} */
    symbols?: readonly string[];
    /** @default {"paper"} */
    mode?: RunMode;
    /** Answer of `retrain()`. @default {{ accepted: true, jobId: "retrain-1" }} */
    retrainOutcome?: RetrainOutcome;
    /** Start of the clock, ms. @default {1_700_000_000_000} */
    now?: number;
    /** Live hub backlog per update type. @default {500} */
    backlogPerType?: number;
  } = {},
): StubOpsDeps {
  const symbols = [...(options.symbols ?? ["BTCUSDT", "ETHUSDT"])];
  let now = options.now ?? 1_700_000_000_000;
  const actors = ["feed", "recorder", ...symbols.map((s) => `symbol:${s}`), "execution"];
  const metrics = new ShoalMetrics({ symbols, actors });
  const hub = new LiveUpdateHub({ backlogPerType: options.backlogPerType ?? 500 });
  metrics.trackLiveUpdates(hub);
  const mode = options.mode ?? "paper";
  metrics.setRunInfo(mode, "stub-run");
  const state: OpsStatus = {
    mode,
    runId: "stub-run",
    symbols,
    actors: actors.map((id) => ({
      id,
      alive: true,
      restarts: 0,
      mailboxDepth: 0,
      lastEventAgeMs: 0,
    })),
    positions: symbols.map((symbol) => ({ symbol, qty: 0, value: 0 })),
    equity: 10_000,
    modelVersions: Object.fromEntries(symbols.map((s) => [s, `hmm-${s.toLowerCase()}-v1`])),
    kill: { active: false },
    asOf: now,
  };
  const calls = { kill: [] as string[], resume: 0, retrain: [] as RetrainRequest[] };
  return {
    token: options.token ?? "0123456789abcdef0123456789abcdef",
    runDir,
    metrics,
    hub,
    calls,
    state,
    now: () => now,
    setNow(ms) {
      now = ms;
    },
    status: () => structuredClone(state),
    kill(reason) {
      calls.kill.push(reason);
      if (!state.kill.active) state.kill = { active: true, reason, since: now };
      metrics.setKillSwitch(true);
    },
    resume() {
      calls.resume++;
      state.kill = { active: false };
      metrics.setKillSwitch(false);
    },
    retrain(request) {
      calls.retrain.push(request);
      return options.retrainOutcome ?? { accepted: true, jobId: "retrain-1" };
    },
  };
}

/**
 * Synthetic live updates for `symbols` at event time `ts`, drawn from `rng`: one equity update,
 * and per symbol a state, a drift reading and a decision, and now and then a fill and a guard
 * block. Labelled as demo data by the run mode of whoever publishes them.
 */
export function syntheticUpdates(
  rng: SeededRng,
  ts: number,
  symbols: readonly string[],
  walk: { equity: number; peak: number; values: number[] },
): LiveUpdate[] {
  const out: LiveUpdate[] = [];
  const reasons = Object.values(ReasonCode);
  symbols.forEach((symbol, i) => {
    walk.values[i] = Math.max(0, (walk.values[i] ?? 0) + rng.normal() * 50);
    const k = 4;
    const raw = Array.from({ length: k }, () => rng.next() + 0.05);
    const sum = raw.reduce((a, b) => a + b, 0);
    const posteriors = raw.map((r) => r / sum);
    const state = posteriors.indexOf(Math.max(...posteriors));
    out.push({
      type: "state",
      ts,
      symbol,
      modelVersion: "demo-v1",
      state,
      macroState: state < 2 ? 0 : 1,
      posteriors,
    });
    const kl = Math.abs(rng.normal()) * 0.05;
    out.push({ type: "drift", ts, symbol, klNats: kl, drift: kl > 0.1 });
    out.push({
      type: "decision",
      ts,
      symbol,
      modelVersion: "demo-v1",
      action: rng.next() < 0.4 ? "buy" : rng.next() < 0.5 ? "sell" : "hold",
      targetQuote: walk.values[i],
      conf: posteriors[state],
      edge: rng.normal() * 2,
    });
    if (rng.next() < 0.3) {
      out.push({
        type: "fill",
        ts,
        symbol,
        side: rng.next() < 0.5 ? "buy" : "sell",
        price: 100 + rng.next(),
        qty: 0.01,
        feeQuote: 0.001,
        liquidity: "taker",
        slippageBp: rng.normal(),
      });
    }
    if (rng.next() < 0.2) {
      out.push({
        type: "guard",
        ts,
        symbol,
        action: "block",
        reasons: [reasons[rng.nextInt(reasons.length)]],
        detail: "demo=1",
      });
    }
  });
  walk.equity += rng.normal() * 5;
  walk.peak = Math.max(walk.peak, walk.equity);
  const positionsValue = walk.values.reduce((a, b) => a + b, 0);
  out.push({
    type: "equity",
    ts,
    equity: walk.equity,
    cash: walk.equity - positionsValue,
    drawdown: (walk.peak - walk.equity) / walk.peak,
    grossExposure: positionsValue,
    netExposure: positionsValue,
    positions: symbols.map((symbol, i) => ({
      symbol,
      qty: walk.values[i] / 100,
      value: walk.values[i],
    })),
  });
  return out;
}
