import assert from "node:assert/strict";
import { FEATURE_SCHEMA_V1 } from "./features/bar_feature_schema.ts";
import { macroMicroSchema } from "./features/macro_micro_schema.ts";
import { flattenH2 } from "./hmm/flatten_h2.ts";
import type { GaussianHmm } from "./hmm/gaussian_hmm.ts";
import type { H2Hmm } from "./hmm/h2_hmm.ts";
import {
  encodeModelFile,
  h2FromJson,
  h2ToJson,
  hmmFromJson,
  hmmToJson,
  type ModelFile,
  type ModelFileDraft,
  modelFileId,
  modelRuntime,
  parseModelFile,
  sealModelFile,
} from "./model_file.ts";

const D = FEATURE_SCHEMA_V1.columns.length;

function twoStates(covarianceType: "diag" | "full" = "diag"): GaussianHmm {
  const means = new Float64Array(2 * D);
  for (let d = 0; d < D; d++) {
    means[d] = -0.5 + d / 100;
    means[D + d] = 0.75 - d / 1000;
  }
  let covars: Float64Array;
  if (covarianceType === "diag") {
    covars = new Float64Array(2 * D).map((_, i) => 0.5 + i / 7);
  } else {
    covars = new Float64Array(2 * D * D);
    for (let k = 0; k < 2; k++) {
      for (let i = 0; i < D; i++) {
        covars[k * D * D + i * D + i] = 1 + k + i / 10;
        if (i > 0) {
          covars[k * D * D + i * D + i - 1] = 0.1;
          covars[k * D * D + (i - 1) * D + i] = 0.1;
        }
      }
    }
  }
  return {
    covarianceType,
    K: 2,
    D,
    startprob: Float64Array.of(0.625, 0.375),
    transmat: Float64Array.of(0.9, 0.1, 1 / 3, 2 / 3),
    means,
    covars,
  };
}

function stateRows(K: number, M = 1) {
  return Array.from({ length: K }, (_, k) => ({
    state: k,
    macro: Math.floor((k * M) / K),
    micro: k % (K / M),
    prior: k === 0 ? -1.5e-5 : 2.25e-5,
    meanReturn: k === 0 ? -1.5e-5 : 2.25e-5,
    volatility: 4e-4 * (k + 1),
    occupancy: 1 / K,
    expectedDuration: k === K - 1 ? null : 10 + k,
  }));
}

function training(K: number) {
  return {
    dataset: "cluster",
    warmupFrom: 1774267740000,
    from: 1774357680000,
    to: 1774526940000,
    rows: 2821,
    dataHash: `sha256:${"ab".repeat(32)}`,
    K,
    candidates: null,
    covarianceType: "diag" as const,
    seed: 7,
    minCovar: 0.001,
    tol: 0.01,
    maxIter: 200,
    macroStates: null,
    microStates: null,
    slowRepeat: null,
    alignedTo: null,
  };
}

function metrics(K: number, M = 1) {
  return {
    loglik: -23977.844417441494,
    loglikPerRow: -8.499767606324529,
    bic: 48583.33172505214,
    nParams: 79,
    iterations: 37,
    converged: true,
    bicTable: null,
    states: stateRows(K, M),
    macro: null,
    macroAgreement: null,
  };
}

function flatDraft(model = twoStates()): ModelFileDraft {
  return {
    format: 1,
    manifest: {
      kind: "hmm",
      symbol: "BTCUSDT",
      featureSchema: JSON.parse(JSON.stringify(FEATURE_SCHEMA_V1)),
      training: { ...training(model.K), covarianceType: model.covarianceType },
      metrics: metrics(model.K),
    },
    hmm: hmmToJson(model),
    policy: { statePriors: [-1.5e-5, 2.25e-5], horizon: 1, riskBias: [1] },
  };
}

const MM = macroMicroSchema();

function h2Model(): H2Hmm {
  const Dm = MM.columns.length;
  const micro = [0, 1].map((m) => ({
    U: 2,
    startprob: Float64Array.of(0.5, 0.5),
    transmat: Float64Array.of(0.8, 0.2, 0.3, 0.7),
    means: new Float64Array(2 * Dm).map((_, i) => (m - 0.5) + i / 100),
    covars: new Float64Array(2 * Dm).map((_, i) => 1 + m + i / 50),
  }));
  return {
    covarianceType: "diag",
    M: 2,
    D: Dm,
    macroStartprob: Float64Array.of(0.5, 0.5),
    macroTransmat: Float64Array.of(0.995, 0.005, 0.01, 0.99),
    micro,
  };
}

function h2Draft(): ModelFileDraft {
  return {
    format: 1,
    manifest: {
      kind: "h2",
      symbol: "ETHUSDT",
      featureSchema: JSON.parse(JSON.stringify(MM)),
      training: { ...training(4), macroStates: 2, microStates: 2, slowRepeat: 60 },
      metrics: {
        ...metrics(4, 2),
        macro: [0, 1].map((m) => ({
          state: m,
          occupancy: 0.5,
          volatility: 3e-4 * (m + 1),
          filterShare: 0.5,
          riskBias: m === 0 ? 1.5 : 0.5,
          expectedDuration: 200,
        })),
        macroAgreement: 0.75,
      },
    },
    h2: h2ToJson(h2Model()),
    policy: { statePriors: [1e-5, -1e-5, 2e-5, 0], horizon: 5, riskBias: [1.5, 0.5] },
  };
}

/** Replaces the first occurrence of `from` in `text`, failing if it is absent. */
function edit(text: string, from: string, to: string): string {
  assert.ok(text.includes(from), `the file should contain ${from}`);
  return text.replace(from, to);
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("encodeModelFile() round-trips a flat model file byte for byte", () => {
  const file = sealModelFile(flatDraft());
  const text = encodeModelFile(file);
  assert.ok(text.endsWith("}\n"));
  const back = parseModelFile(text);
  assert.deepEqual(back, file);
  assert.equal(encodeModelFile(back), text);
});

Deno.test("encodeModelFile() round-trips full covariances and an h2 model byte for byte", () => {
  for (const draft of [flatDraft(twoStates("full")), h2Draft()]) {
    const text = encodeModelFile(sealModelFile(draft));
    assert.equal(encodeModelFile(parseModelFile(text)), text);
  }
  const file = sealModelFile(flatDraft(twoStates("full")));
  assert.deepEqual(hmmFromJson(file.hmm!), twoStates("full"));
  assert.deepEqual(h2FromJson(sealModelFile(h2Draft()).h2!), h2Model());
});

Deno.test("sealModelFile() id is the SHA-256 of the canonical text without the id line", async () => {
  const file = sealModelFile(flatDraft());
  const text = encodeModelFile(file);
  assert.match(file.manifest.id, /^hmm-[0-9a-f]{12}$/);
  const withoutId = edit(text, `    "id": "${file.manifest.id}",\n`, "");
  assert.equal(file.manifest.id, `hmm-${(await sha256Hex(withoutId)).slice(0, 12)}`);
  assert.match(sealModelFile(h2Draft()).manifest.id, /^h2-[0-9a-f]{12}$/);
});

Deno.test("sealModelFile() gives the same id to the same content and another to other content", () => {
  const a = sealModelFile(flatDraft());
  const b = sealModelFile(flatDraft());
  assert.equal(a.manifest.id, b.manifest.id);
  const other = flatDraft();
  other.manifest.training.seed = 8;
  assert.notEqual(sealModelFile(other).manifest.id, a.manifest.id);
  assert.equal(modelFileId(a), a.manifest.id);
});

Deno.test("encodeModelFile() refuses a file whose id is not its content id", () => {
  const file = sealModelFile(flatDraft());
  const forged: ModelFile = { ...file, manifest: { ...file.manifest, id: "hmm-000000000000" } };
  assert.throws(() => encodeModelFile(forged), TypeError);
});

Deno.test("parseModelFile() refuses a file whose parameter was edited after writing", () => {
  const text = encodeModelFile(sealModelFile(flatDraft()));
  const tampered = edit(text, "[0.625, 0.375]", "[0.6, 0.4]");
  assert.throws(() => parseModelFile(tampered), {
    name: "TypeError",
    message: /content hashes to hmm-[0-9a-f]{12} \(the file was changed after it was written\)/,
  });
});

Deno.test("parseModelFile() refuses a stored schema whose hash does not match its content", () => {
  const text = encodeModelFile(sealModelFile(flatDraft()));
  const tampered = edit(text, `"hash": "${FEATURE_SCHEMA_V1.hash}"`, `"hash": "0123456789abcdef"`);
  assert.throws(() => parseModelFile(tampered), {
    name: "TypeError",
    message: /stored hash 0123456789abcdef does not match its content/,
  });
  const params = edit(text, `"volumeWindow": 60`, `"volumeWindow": 61`);
  assert.throws(() => parseModelFile(params), /does not match its content/);
});

Deno.test("parseModelFile() refuses a model that is not usable, naming the defect", () => {
  const text = encodeModelFile(sealModelFile(flatDraft()));
  assert.throws(
    () => parseModelFile(edit(text, "[0.9, 0.1]", "[0.9, 0.2]")),
    /transmat row 0 as it does not sum to 1/,
  );
  assert.throws(
    () => parseModelFile(edit(text, `"covars": [\n      [0.5,`, `"covars": [\n      [-0.5,`)),
    /not > 0/,
  );
  assert.throws(
    () => parseModelFile(edit(text, `"statePriors": [-0.000015, 0.0000225]`, `"statePriors": [0]`)),
    /statePriors holds 1 numbers, need K=2/,
  );
  assert.throws(() => parseModelFile(edit(text, `"kind": "hmm"`, `"kind": "h2"`)), /kind is h2/);
  assert.throws(() => parseModelFile(edit(text, `"format": 1`, `"format": 1, "extra": 2`)), {
    name: "TypeError",
    message: /Cannot read the model file: \(root\): Unrecognized key/,
  });
  assert.throws(() => parseModelFile(text.slice(0, 100)), SyntaxError);
});

Deno.test("parseModelFile() refuses parameters whose D differs from the schema's columns", () => {
  const small: GaussianHmm = {
    ...twoStates(),
    D: 1,
    means: Float64Array.of(0, 1),
    covars: Float64Array.of(1, 1),
  };
  const text = encodeModelFile(sealModelFile(flatDraft(small)));
  assert.throws(
    () => parseModelFile(text),
    /the model has D=1 but feature schema "bars-1m-clv" has 8 columns/,
  );
});

Deno.test("modelRuntime() gives a flat model one macro regime and a filter over its schema", () => {
  const rt = modelRuntime(parseModelFile(encodeModelFile(sealModelFile(flatDraft()))));
  assert.equal(rt.kind, "hmm");
  assert.equal(rt.states, 2);
  assert.equal(rt.macroStates, 1);
  assert.deepEqual(Array.from(rt.flat.offsets), [0, 2]);
  assert.deepEqual(Array.from(rt.riskBias), [1]);
  assert.deepEqual(Array.from(rt.statePriors), [-1.5e-5, 2.25e-5]);
  assert.equal(rt.tradableFrom, 1774526940000);
  assert.equal(rt.createPipeline().schema.hash, FEATURE_SCHEMA_V1.hash);
  const filter = rt.createFilter();
  const x = new Float64Array(D).fill(0.7);
  assert.ok(Number.isFinite(filter.step(x)));
  assert.equal(filter.macroState(), 0);
  assert.ok(Math.abs(filter.macroPosterior[0] - 1) < 1e-12);
});

Deno.test("modelRuntime() flattens an h2 model and keeps its macro offsets and risk biases", () => {
  const rt = modelRuntime(sealModelFile(h2Draft()));
  assert.equal(rt.states, 4);
  assert.equal(rt.macroStates, 2);
  assert.deepEqual(Array.from(rt.flat.offsets), [0, 2, 4]);
  assert.deepEqual(rt.flat.model, flattenH2(h2Model()).model);
  assert.deepEqual(Array.from(rt.riskBias), [1.5, 0.5]);
  assert.equal(rt.horizon, 5);
  assert.equal(rt.createPipeline().schema.hash, MM.hash);
});
