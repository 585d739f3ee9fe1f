import assert from "node:assert/strict";
import { SeededRng } from "../models/seeded_rng.ts";
import { syntheticUpdates } from "./_stub_ops_deps.ts";
import { LiveMessage, LiveUpdate } from "./live_update.ts";

Deno.test("LiveUpdate parses every update the demo publishes", () => {
  const rng = new SeededRng(1);
  const walk = { equity: 10_000, peak: 10_000, values: [] as number[] };
  const types = new Set<string>();
  for (let i = 0; i < 50; i++) {
    for (const update of syntheticUpdates(rng, 60_000 * i, ["BTCUSDT", "ETHUSDT"], walk)) {
      assert.deepEqual(LiveUpdate.parse(JSON.parse(JSON.stringify(update))), update);
      types.add(update.type);
    }
  }
  assert.deepEqual([...types].sort(), ["decision", "drift", "equity", "fill", "guard", "state"]);
});

Deno.test("LiveUpdate refuses a guard without reasons or with an unknown reason code", () => {
  const guard = { type: "guard", ts: 1, symbol: "BTCUSDT", action: "block", detail: "" };
  assert.equal(LiveUpdate.safeParse({ ...guard, reasons: [] }).success, false);
  assert.equal(LiveUpdate.safeParse({ ...guard, reasons: ["MAYBE"] }).success, false);
  assert.equal(LiveUpdate.safeParse({ ...guard, reasons: ["COOLDOWN_GLOBAL"] }).success, true);
});

Deno.test("LiveUpdate refuses a non-integer ts, a lower-case symbol and NaN equity", () => {
  const drift = { type: "drift", symbol: "BTCUSDT", klNats: 0.1, drift: false };
  assert.equal(LiveUpdate.safeParse({ ...drift, ts: 1.5 }).success, false);
  assert.equal(LiveUpdate.safeParse({ ...drift, ts: 1, symbol: "btcusdt" }).success, false);
  const equity = {
    type: "equity",
    ts: 1,
    cash: 0,
    drawdown: 0,
    grossExposure: 0,
    netExposure: 0,
    positions: [],
  };
  assert.equal(LiveUpdate.safeParse({ ...equity, equity: NaN }).success, false);
  assert.equal(LiveUpdate.safeParse({ ...equity, equity: 1 }).success, true);
});

Deno.test("LiveMessage accepts a hello but LiveUpdate does not", () => {
  const hello = {
    type: "hello",
    mode: "paper",
    runId: "r",
    symbols: [],
    guardTotals: {
      CONF: 0,
      SPREAD: 0,
      VOL: 0,
      STALE: 0,
      DATA: 0,
      BUDGET: 0,
      NOTIONAL: 0,
      COOLDOWN: 0,
      COOLDOWN_GLOBAL: 0,
      DD: 0,
      CORR: 0,
      KILL: 0,
      LEARNER: 0,
    },
    backlog: 0,
  };
  assert.equal(LiveMessage.safeParse(hello).success, true);
  assert.equal(LiveUpdate.safeParse(hello).success, false);
});
