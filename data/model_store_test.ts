import assert from "node:assert/strict";
import { FEATURE_SCHEMA_V1, FEATURE_SCHEMA_V2 } from "../models/features/bar_feature_schema.ts";
import type { BarFeatureSchema } from "../models/features/bar_feature_schema.ts";
import { hmmToJson, type ModelFile, sealModelFile } from "../models/model_file.ts";
import { ModelStore, ModelStoreError } from "./model_store.ts";

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 5, 1);

/** A small valid flat model file trained (nominally) on [from, to). */
function model(
  o: { symbol?: string; from: number; to: number; seed?: number; schema?: BarFeatureSchema },
): ModelFile {
  const schema = o.schema ?? FEATURE_SCHEMA_V1;
  const D = schema.columns.length;
  return sealModelFile({
    format: 1,
    manifest: {
      kind: "hmm",
      symbol: o.symbol ?? "BTCUSDT",
      featureSchema: JSON.parse(JSON.stringify(schema)),
      training: {
        dataset: "long",
        warmupFrom: o.from - DAY,
        from: o.from,
        to: o.to,
        rows: (o.to - o.from) / 60_000,
        dataHash: `sha256:${"0".repeat(64)}`,
        K: 2,
        candidates: null,
        covarianceType: "diag",
        seed: o.seed ?? 0,
        minCovar: 0.001,
        tol: 0.01,
        maxIter: 200,
        macroStates: null,
        microStates: null,
        slowRepeat: null,
        alignedTo: null,
      },
      metrics: {
        loglik: -100,
        loglikPerRow: -1,
        bic: 250,
        nParams: 4 * D + 3,
        iterations: 3,
        converged: true,
        bicTable: null,
        states: [0, 1].map((k) => ({
          state: k,
          macro: 0,
          micro: k,
          prior: 0,
          meanReturn: 0,
          volatility: 1e-4,
          occupancy: 0.5,
          expectedDuration: 10,
        })),
        macro: null,
        macroAgreement: null,
      },
    },
    hmm: hmmToJson({
      covarianceType: "diag",
      K: 2,
      D,
      startprob: Float64Array.of(0.5, 0.5),
      transmat: Float64Array.of(0.9, 0.1, 0.1, 0.9),
      means: new Float64Array(2 * D).map((_, i) => (i < D ? -1 : 1)),
      covars: new Float64Array(2 * D).fill(1),
    }),
    policy: { statePriors: [0, 0], horizon: 1, riskBias: [1] },
  });
}

async function withStore(fn: (store: ModelStore, dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "shoal-store-" });
  try {
    await fn(new ModelStore(`${dir}/store`), `${dir}/store`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("ModelStore saves <id>.json and loads the same model back", async () => {
  await withStore(async (store, dir) => {
    const file = model({ from: T0, to: T0 + 3 * DAY });
    const saved = await store.save(file);
    assert.equal(saved.path, `${dir}/${file.manifest.id}.json`);
    assert.equal(saved.written, true);
    assert.deepEqual(await store.load(file.manifest.id), file);
    const names = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    assert.deepEqual(names, [`${file.manifest.id}.json`]);
  });
});

Deno.test("ModelStore save of the same content again is a no-op", async () => {
  await withStore(async (store) => {
    const file = model({ from: T0, to: T0 + DAY });
    await store.save(file);
    const info = await Deno.stat(store.pathOf(file.manifest.id));
    const again = await store.save(file);
    assert.equal(again.written, false);
    assert.deepEqual((await Deno.stat(store.pathOf(file.manifest.id))).mtime, info.mtime);
  });
});

Deno.test("ModelStore refuses to overwrite different content under an existing id", async () => {
  await withStore(async (store, dir) => {
    const file = model({ from: T0, to: T0 + DAY });
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(store.pathOf(file.manifest.id), "{}\n");
    await assert.rejects(() => store.save(file), {
      name: "ModelStoreError",
      message: /already holds different content under that id/,
    });
    assert.equal(await Deno.readTextFile(store.pathOf(file.manifest.id)), "{}\n");
  });
});

Deno.test("ModelStore load names the path of a missing, corrupt or misnamed file in one line", async () => {
  await withStore(async (store, dir) => {
    await assert.rejects(() => store.load("hmm-0123456789ab"), (e: unknown) => {
      assert.ok(e instanceof ModelStoreError);
      assert.equal(e.path, `${dir}/hmm-0123456789ab.json`);
      assert.match(e.message, /does not exist/);
      assert.ok(!e.message.includes("\n"));
      return true;
    });
    const a = model({ from: T0, to: T0 + DAY });
    const b = model({ from: T0, to: T0 + 2 * DAY });
    await store.save(a);
    const text = await Deno.readTextFile(store.pathOf(a.manifest.id));
    await Deno.writeTextFile(store.pathOf(a.manifest.id), text.replace('"seed": 0', '"seed": 1'));
    await assert.rejects(() => store.load(a.manifest.id), (e: unknown) => {
      assert.ok(e instanceof ModelStoreError);
      assert.match(
        e.message,
        new RegExp(`Cannot load "${dir}/${a.manifest.id}.json": .*changed after it was written`),
      );
      assert.ok(!e.message.includes("\n"));
      return true;
    });
    await Deno.writeTextFile(
      store.pathOf(b.manifest.id).replace(b.manifest.id, "hmm-aaaaaaaaaaaa"),
      text,
    );
    await assert.rejects(() => store.load("hmm-aaaaaaaaaaaa"), /it holds model hmm-/);
    await assert.rejects(() => store.load("../etc/passwd"), /not a model id/);
  });
});

Deno.test("ModelStore list filters by symbol and kind and sorts by training end", async () => {
  await withStore(async (store) => {
    assert.deepEqual(await store.list(), []);
    const late = model({ from: T0 + DAY, to: T0 + 5 * DAY });
    const early = model({ from: T0, to: T0 + 2 * DAY });
    const eth = model({ symbol: "ETHUSDT", from: T0, to: T0 + DAY });
    for (const f of [late, early, eth]) await store.save(f);
    assert.deepEqual((await store.list()).map((m) => m.id), [
      early.manifest.id,
      late.manifest.id,
      eth.manifest.id,
    ]);
    assert.deepEqual((await store.list({ symbol: "ETHUSDT" })).map((m) => m.id), [eth.manifest.id]);
    assert.deepEqual(await store.list({ kind: "h2" }), []);
  });
});

Deno.test("ModelStore latest returns only models trained before the trade start (no look-ahead)", async () => {
  await withStore(async (store) => {
    const a = model({ from: T0, to: T0 + 3 * DAY });
    const b = model({ from: T0 + 2 * DAY, to: T0 + 6 * DAY });
    const c = model({ from: T0 + DAY, to: T0 + 6 * DAY });
    const v2 = model({ from: T0, to: T0 + 4 * DAY, schema: FEATURE_SCHEMA_V2 });
    for (const f of [a, b, c, v2]) await store.save(f);
    const q = { symbol: "BTCUSDT", kind: "hmm" as const, schemaHash: FEATURE_SCHEMA_V1.hash };
    assert.equal(await store.latest({ ...q, trainedBefore: T0 + 3 * DAY - 1 }), null);
    assert.equal(
      (await store.latest({ ...q, trainedBefore: T0 + 3 * DAY }))?.manifest.id,
      a.manifest.id,
    );
    assert.equal(
      (await store.latest({ ...q, trainedBefore: T0 + 5 * DAY }))?.manifest.id,
      a.manifest.id,
    );
    // same end: the later start (shorter, more recent window) wins
    assert.equal(
      (await store.latest({ ...q, trainedBefore: T0 + 6 * DAY }))?.manifest.id,
      b.manifest.id,
    );
    assert.equal(
      (await store.latest({ symbol: "BTCUSDT", kind: "hmm", schemaHash: FEATURE_SCHEMA_V2.hash }))
        ?.manifest.id,
      v2.manifest.id,
    );
    assert.equal(await store.latest({ symbol: "ETHUSDT", kind: "hmm" }), null);
  });
});

Deno.test("ModelStore promote keeps a history and rollback moves the pointer back", async () => {
  await withStore(async (store, dir) => {
    const a = model({ from: T0, to: T0 + DAY });
    const b = model({ from: T0, to: T0 + 2 * DAY });
    await store.save(a);
    await store.save(b);
    assert.equal(await store.current("BTCUSDT", "hmm"), null);
    await assert.rejects(() => store.rollback("BTCUSDT", "hmm"), /no current model/);
    await store.promote(a.manifest.id);
    const p = await store.promote(b.manifest.id);
    assert.deepEqual(p, {
      format: 1,
      symbol: "BTCUSDT",
      kind: "hmm",
      id: b.manifest.id,
      history: [a.manifest.id],
    });
    assert.deepEqual(await store.promote(b.manifest.id), p);
    assert.deepEqual(await store.current("BTCUSDT", "hmm"), p);
    const back = await store.rollback("BTCUSDT", "hmm");
    assert.equal(back.id, a.manifest.id);
    assert.deepEqual(back.history, []);
    await assert.rejects(() => store.rollback("BTCUSDT", "hmm"), /has no predecessor/);
    // both versions stay stored
    assert.equal((await store.list()).length, 2);
    await Deno.writeTextFile(`${dir}/current-BTCUSDT-hmm.json`, "{");
    await assert.rejects(() => store.current("BTCUSDT", "hmm"), /Cannot read pointer .*: not JSON/);
    await assert.rejects(() => store.promote("hmm-0123456789ab"), ModelStoreError);
  });
});
