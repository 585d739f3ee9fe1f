import assert from "node:assert/strict";
import { alignStates } from "../hmm/align_states.ts";
import { flattenH2 } from "../hmm/flatten_h2.ts";
import { OnlineH2Filter } from "../hmm/h2_filter.ts";
import { validateH2 } from "../hmm/validate_h2.ts";
import { permuteHmm } from "../hmm/permute_hmm.ts";
import {
  encodeModelFile,
  h2FromJson,
  hmmFromJson,
  hmmToJson,
  parseModelFile,
  sealModelFile,
} from "../model_file.ts";
import { MINUTE, regimeBars, sliceBars, SMALL_BARS, SMALL_MACRO_MICRO } from "./_test_support.ts";
import { trainModel, type TrainModelOptions } from "./train_model.ts";

const bars = regimeBars(21, 6_000);
const base: TrainModelOptions = {
  symbol: "TESTUSDT",
  dataset: "synthetic",
  kind: "hmm",
  schema: SMALL_BARS,
  states: 3,
  seed: 5,
};

Deno.test("trainModel() gives byte-identical files for the same bars and seed", () => {
  const a = trainModel(sliceBars(bars, 0, 3000), base);
  const b = trainModel(sliceBars(bars, 0, 3000), base);
  const text = encodeModelFile(a.file);
  assert.equal(encodeModelFile(b.file), text);
  const back = parseModelFile(text);
  assert.equal(back.manifest.id, a.file.manifest.id);
  const t = back.manifest.training;
  assert.equal(t.rows, a.matrix.rows);
  assert.equal(t.to, bars.openTime[2999] + MINUTE);
  assert.equal(t.warmupFrom, bars.openTime[0]);
  assert.equal(t.alignedTo, null);
  assert.equal(back.policy.statePriors.length, 3);
  assert.notEqual(
    trainModel(sliceBars(bars, 0, 3000), { ...base, seed: 6 }).file.manifest.id,
    a.file.manifest.id,
  );
});

Deno.test("trainModel() starts the filter from the stationary law and orders a first model calmest first", () => {
  const { file } = trainModel(sliceBars(bars, 0, 3000), base);
  const m = hmmFromJson(file.hmm!);
  for (let j = 0; j < 3; j++) {
    let s = 0;
    for (let i = 0; i < 3; i++) s += m.startprob[i] * m.transmat[i * 3 + j];
    assert.ok(Math.abs(s - m.startprob[j]) < 1e-12, `π A = π at ${j}`);
  }
  const rv = SMALL_BARS.columns.indexOf("rv_15");
  for (let k = 1; k < 3; k++) assert.ok(m.means[(k - 1) * m.D + rv] <= m.means[k * m.D + rv]);
});

Deno.test("trainModel() aligned to the previous version keeps state labels after a retrain on shifted data", () => {
  const first = trainModel(sliceBars(bars, 0, 4000), base).file;
  // the previous version's labels in an order no first model would get (calmest state last)
  const { id: _, ...manifest } = first.manifest;
  const relabelled = sealModelFile({
    ...first,
    manifest,
    hmm: hmmToJson(permuteHmm(hmmFromJson(first.hmm!), [2, 0, 1])),
  });
  const shifted = sliceBars(bars, 1500, 5500);
  const second = trainModel(shifted, { ...base, seed: 9, reference: relabelled }).file;
  assert.equal(second.manifest.training.alignedTo, relabelled.manifest.id);
  const ref = hmmFromJson(relabelled.hmm!);
  // matching the new states to the reference again is the identity: label i means the same regime
  assert.deepEqual(Array.from(alignStates(ref, hmmFromJson(second.hmm!))), [0, 1, 2]);
  // without the reference the same fit comes out in another order
  const unaligned = trainModel(shifted, { ...base, seed: 9 }).file;
  assert.notDeepEqual(Array.from(alignStates(ref, hmmFromJson(unaligned.hmm!))), [0, 1, 2]);
});

Deno.test("trainModel() with auto records the BIC table and the candidates", () => {
  const { file } = trainModel(sliceBars(bars, 0, 3000), {
    ...base,
    states: "auto",
    candidates: [2, 3],
  });
  assert.deepEqual(file.manifest.training.candidates, [2, 3]);
  assert.deepEqual(file.manifest.metrics.bicTable!.map((r) => r.K), [2, 3]);
  const best = file.manifest.metrics.bicTable!.reduce((a, b) => (b.bic < a.bic ? b : a));
  assert.equal(file.manifest.training.K, best.K);
});

Deno.test("trainModel() refuses a schema of the other kind and a reference of another schema", () => {
  assert.throws(() => trainModel(bars, { ...base, schema: SMALL_MACRO_MICRO }), TypeError);
  const first = trainModel(sliceBars(bars, 0, 3000), base).file;
  assert.throws(
    () => trainModel(bars, { ...base, kind: "h2", schema: SMALL_MACRO_MICRO, reference: first }),
    /Cannot align to hmm-/,
  );
});

Deno.test("trainModel() h2: a valid model, calm regime first with the highest risk bias, live macro filter", () => {
  const long = regimeBars(11, 10_200);
  const { file, matrix } = trainModel(long, {
    ...base,
    kind: "h2",
    schema: SMALL_MACRO_MICRO,
    macroStates: 2,
    microStates: 2,
  });
  const back = parseModelFile(encodeModelFile(file));
  const h2 = h2FromJson(back.h2!);
  validateH2(h2);
  const macro = back.manifest.metrics.macro!;
  assert.ok(macro[0].volatility < macro[1].volatility);
  assert.deepEqual(back.policy.riskBias, [1.5, 0.5]);
  assert.deepEqual(macro.map((r) => r.riskBias), [1.5, 0.5]);
  assert.equal(back.manifest.training.K, 4);
  assert.equal(back.manifest.training.slowRepeat, 60);
  const filter = new OnlineH2Filter(flattenH2(h2));
  let ll = 0;
  const D = matrix.D;
  for (let r = 0; r < matrix.rows; r++) ll += filter.step(matrix.x, r * D);
  assert.ok(Math.abs(ll - back.manifest.metrics.loglik) <= 1e-9 * Math.abs(ll));
  for (const r of macro) assert.ok(r.filterShare > 0.05, `filter share ${r.filterShare}`);
  assert.ok(back.manifest.metrics.macroAgreement! > 0.5);
});
