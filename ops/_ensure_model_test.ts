import assert from "node:assert/strict";
import { ModelStore } from "../data/model_store.ts";
import { FEATURE_SCHEMA_V1 } from "../models/features/bar_feature_schema.ts";
import { DEFAULT_PRIOR_HORIZON_BARS } from "../models/training/train_model.ts";
import { ensureModel } from "./_ensure_model.ts";

// the bundled cluster set starts 2026-03-23 12:09 UTC
const DAY = 86_400_000;
const DAY4 = Date.UTC(2026, 2, 27, 12, 0);
const DAY5 = DAY4 + DAY;

async function withStore(fn: (store: ModelStore) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "shoal-ensure-" });
  try {
    await fn(new ModelStore(dir));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("ensureModel() trains on the whole UTC days before tradeFrom's day when the store is empty, then reuses it", async () => {
  await withStore(async (store) => {
    const lines: string[] = [];
    const opts = {
      symbol: "BTCUSDT",
      kind: "hmm" as const,
      set: "cluster" as const,
      store,
      trainDays: 3,
      states: 2,
      log: (l: string) => lines.push(l),
    };
    const first = await ensureModel({ ...opts, tradeFrom: DAY5 + 30_000 });
    assert.equal(first.source, "trained");
    const t = first.file.manifest.training;
    const midnight = Date.UTC(2026, 2, 28); // DAY5's UTC day
    assert.equal(t.to, midnight); // the last bar used opens at 23:59 the day before
    assert.equal(t.warmupFrom, midnight - 3 * DAY);
    assert.equal(first.file.manifest.featureSchema.hash, FEATURE_SCHEMA_V1.hash);
    assert.deepEqual((await store.load(first.file.manifest.id)).manifest, first.file.manifest);
    assert.ok(lines.length > 0);

    const sameDay = await ensureModel({ ...opts, tradeFrom: DAY5 + 5 * 3_600_000 });
    assert.equal(sameDay.file.manifest.id, first.file.manifest.id, "another start, same day");

    const again = await ensureModel({ ...opts, tradeFrom: DAY5 + 2 * DAY });
    assert.equal(again.source, "latest");
    assert.equal(again.file.manifest.id, first.file.manifest.id);

    // an earlier trade start cannot use a model trained until DAY5: a new one is trained
    const earlier = await ensureModel({ ...opts, tradeFrom: DAY4 });
    assert.equal(earlier.source, "trained");
    assert.ok(earlier.file.manifest.training.to <= DAY4);
    assert.equal((await store.list()).length, 2);
  });
});

Deno.test("ensureModel() prefers the current pointer when it is usable at tradeFrom", async () => {
  await withStore(async (store) => {
    const opts = {
      symbol: "BTCUSDT",
      kind: "hmm" as const,
      set: "cluster" as const,
      store,
      trainDays: 3,
      states: 2,
    };
    const late = await ensureModel({ ...opts, tradeFrom: DAY5 });
    const early = await ensureModel({ ...opts, tradeFrom: DAY4 });
    assert.equal(
      (await ensureModel({ ...opts, tradeFrom: DAY5 + DAY })).file.manifest.id,
      late.file.manifest.id,
    );
    await store.promote(early.file.manifest.id);
    const chosen = await ensureModel({ ...opts, tradeFrom: DAY5 + DAY });
    assert.equal(chosen.source, "current");
    assert.equal(chosen.file.manifest.id, early.file.manifest.id);
    // a current model trained after tradeFrom is not usable there
    await store.promote(late.file.manifest.id);
    const before = await ensureModel({ ...opts, tradeFrom: DAY4 + 3_600_000 });
    assert.equal(before.source, "latest");
    assert.equal(before.file.manifest.id, early.file.manifest.id);
  });
});

Deno.test("ensureModel() refuses to train when too few bars precede tradeFrom", async () => {
  await withStore(async (store) => {
    await assert.rejects(
      () =>
        ensureModel({
          symbol: "BTCUSDT",
          kind: "hmm",
          set: "cluster",
          store,
          tradeFrom: Date.UTC(2026, 2, 24, 6, 0),
        }),
      { name: "TrainingInputError" },
    );
  });
});

Deno.test("ensureModel() uses only models whose priors are over the asked horizon", async () => {
  await withStore(async (store) => {
    const opts = {
      symbol: "BTCUSDT",
      kind: "hmm" as const,
      set: "cluster" as const,
      store,
      trainDays: 3,
      states: 2,
      tradeFrom: DAY5,
    };
    const fresh = await ensureModel(opts);
    assert.equal(fresh.file.policy.horizon, DEFAULT_PRIOR_HORIZON_BARS);
    await store.promote(fresh.file.manifest.id);
    const short = await ensureModel({ ...opts, horizon: 15 });
    assert.equal(short.source, "trained", "the current model has another horizon");
    assert.equal(short.file.policy.horizon, 15);
    const again = await ensureModel({ ...opts, horizon: 15, tradeFrom: DAY5 + DAY });
    assert.deepEqual([again.source, again.file.manifest.id], ["latest", short.file.manifest.id]);
    const back = await ensureModel({ ...opts, tradeFrom: DAY5 + DAY });
    assert.deepEqual([back.source, back.file.manifest.id], ["current", fresh.file.manifest.id]);
  });
});
