import assert from "node:assert/strict";
import { handleHmmLine, type HmmResponse } from "../ops/_hmm_json_handle.ts";

/** The public HMM fixtures (FIXTURES.md), run through the adapter's own request handler. */
const FIXTURE_DIR = new URL("../../shared/fixtures/hmm/public/", import.meta.url);

type Tol = [rtol: number, atol: number];
const TOLERANCES: Record<string, Tol> = {
  loglik: [1e-8, 1e-8],
  prob: [0, 1e-8],
  em_param: [1e-5, 1e-8],
  em_trace: [1e-8, 1e-8],
  oem_param: [1e-5, 1e-8],
  oem_inc: [1e-8, 1e-8],
  flat: [1e-12, 1e-15],
  kl: [1e-7, 1e-12],
  stationary: [1e-7, 1e-10],
};

/** Tolerance class of every result field, per op ("exact" compares with ===). */
const FIELD_CLASS: Record<string, Record<string, string>> = {
  score: { loglik: "loglik" },
  filter: { filtered: "prob", loglik_increments: "loglik", loglik: "loglik" },
  smooth: { posteriors: "prob", loglik: "loglik" },
  viterbi: { path: "exact", log_prob: "loglik" },
  em: { model: "em_param", loglik_trace: "em_trace" },
  online_em: { model: "oem_param", loglik_increments: "oem_inc" },
  flatten_h2: { model: "flat", offsets: "exact" },
  h2_filter: {
    micro_filtered: "prob",
    macro_filtered: "prob",
    loglik_increments: "loglik",
    loglik: "loglik",
  },
  kl_transmat: { kl: "kl", row_kl: "kl", stationary: "stationary" },
  bic: { n_params: "exact", loglik: "loglik", bic: "loglik" },
};

interface FixtureCase {
  request?: Record<string, unknown> & { id: string; op: string };
  raw?: string;
  id?: string;
  expected: { result?: Record<string, unknown>; error?: { code: string } };
  tol?: Record<string, Tol>;
  ties?: boolean;
}

/** Compares `got` with `want` under one tolerance class; returns a description of the first difference. */
function diff(
  got: unknown,
  want: unknown,
  cls: string,
  tol: Tol | null,
  path: string,
): string | null {
  if (want === null || typeof want === "string" || typeof want === "boolean") {
    return got === want
      ? null
      : `${path}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`;
  }
  if (typeof want === "number") {
    if (typeof got !== "number") return `${path}: got ${JSON.stringify(got)}, want ${want}`;
    if (tol === null) return got === want ? null : `${path}: got ${got}, want exactly ${want}`;
    const [rtol, atol] = tol;
    return Math.abs(got - want) <= atol + rtol * Math.abs(want)
      ? null
      : `${path}: got ${got}, want ${want} (|diff| ${
        Math.abs(got - want)
      } > ${atol} + ${rtol}·|want|)`;
  }
  if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) {
      return `${path}: got length ${
        Array.isArray(got) ? got.length : typeof got
      }, want ${want.length}`;
    }
    for (let i = 0; i < want.length; i++) {
      const d = diff(got[i], want[i], cls, tol, `${path}[${i}]`);
      if (d !== null) return d;
    }
    return null;
  }
  const w = want as Record<string, unknown>;
  if (typeof got !== "object" || got === null) {
    return `${path}: got ${JSON.stringify(got)}, want an object`;
  }
  for (const key of Object.keys(w)) {
    // covariance_type is compared exactly whatever the class.
    const t = key === "covariance_type" ? null : tol;
    const d = diff((got as Record<string, unknown>)[key], w[key], cls, t, `${path}.${key}`);
    if (d !== null) return d;
  }
  return null;
}

/** log p(x, z = path) computed from the request, for the viterbi `ties` rule. */
function pathLogProb(req: Record<string, unknown>, path: number[]): number {
  const m = req.model as {
    covariance_type: string;
    startprob: number[];
    transmat: number[][];
    means: number[][];
    covars: number[][];
  };
  assert.equal(m.covariance_type, "diag", "ties fixtures are diag");
  const X = req.X as number[][];
  const logN = (x: number[], k: number) =>
    x.reduce((s, xd, d) => {
      const v = m.covars[k][d];
      return s - 0.5 * (Math.log(2 * Math.PI * v) + (xd - m.means[k][d]) ** 2 / v);
    }, 0);
  let lp = Math.log(m.startprob[path[0]]) + logN(X[0], path[0]);
  for (let t = 1; t < X.length; t++) {
    lp += Math.log(m.transmat[path[t - 1]][path[t]]) + logN(X[t], path[t]);
  }
  return lp;
}

/** Checks one case; returns null when it passes, else a message naming the case. */
function checkCase(c: FixtureCase): string | null {
  const line = c.raw ?? JSON.stringify(c.request);
  const id = c.request?.id ?? c.id ?? "(no id)";
  const res = handleHmmLine(line) as HmmResponse;
  if (res === null) return `${id}: no response`;
  if (c.expected.error) {
    if (!("error" in res)) return `${id}: expected error ${c.expected.error.code}, got a result`;
    if (res.error.code !== c.expected.error.code) {
      return `${id}: expected error ${c.expected.error.code}, got ${res.error.code}: ${res.error.message}`;
    }
    if (typeof res.error.message !== "string" || res.error.message === "") {
      return `${id}: empty message`;
    }
    if (c.request && res.id !== c.request.id) return `${id}: response id ${JSON.stringify(res.id)}`;
    return null;
  }
  if (!("result" in res)) {
    return `${id}: expected a result, got ${res.error.code}: ${res.error.message}`;
  }
  if (res.id !== id) return `${id}: response id ${JSON.stringify(res.id)}`;
  const op = c.request!.op;
  const want = c.expected.result!;
  // Strict JSON: what the adapter writes must survive a round trip unchanged.
  const got = JSON.parse(JSON.stringify(res.result)) as Record<string, unknown>;
  for (const key of Object.keys(want)) {
    const cls = FIELD_CLASS[op][key];
    if (cls === undefined) return `${id}: no tolerance class for field ${key}`;
    if (op === "viterbi" && key === "path" && c.ties) {
      const p = got.path as number[];
      const lp = pathLogProb(c.request!, p);
      const d = diff(
        lp,
        want.log_prob,
        "loglik",
        c.tol?.loglik ?? TOLERANCES.loglik,
        `${id}.path log-prob`,
      );
      if (d !== null || p.length !== (want.path as number[]).length) {
        return d ?? `${id}: path length`;
      }
      continue;
    }
    const tol = cls === "exact" ? null : (c.tol?.[cls] ?? TOLERANCES[cls]);
    const d = diff(got[key], want[key], cls, tol, `${id}.${key}`);
    if (d !== null) return d;
  }
  return null;
}

async function readCases(file: string): Promise<FixtureCase[]> {
  const text = await Deno.readTextFile(new URL(file, FIXTURE_DIR));
  return text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as FixtureCase);
}

const FILES = [
  "score",
  "filter",
  "smooth",
  "viterbi",
  "bic",
  "em",
  "online_em",
  "flatten_h2",
  "h2_filter",
  "kl_transmat",
  "errors",
];

for (const name of FILES) {
  Deno.test(`hmm-json answers every public ${name} fixture within FIXTURES.md tolerances`, async () => {
    const cases = await readCases(`${name}.jsonl`);
    assert.ok(cases.length > 0, `${name}.jsonl has no cases`);
    const failures = cases.map(checkCase).filter((f): f is string => f !== null);
    assert.deepEqual(failures, [], `${failures.length}/${cases.length} ${name} cases failed`);
  });
}

Deno.test("deno task hmm-json streams mixed valid, malformed and empty lines in order and exits 0", async () => {
  const valid = {
    id: "ok-1",
    op: "score",
    model: {
      covariance_type: "diag",
      startprob: [1],
      transmat: [[1]],
      means: [[0]],
      covars: [[1]],
    },
    X: [[0]],
  };
  const input = [
    JSON.stringify(valid),
    "",
    "   ",
    '{"id": "bad-1", "op": "score", "model": {',
    '{"id": 7, "op": "nope"}',
    JSON.stringify({ ...valid, id: "ok-2" }),
    '{"id": "inf", "op": "kl_transmat", "transmat_p": [[1e999]], "transmat_q": [[1]]}',
  ].join("\n") + "\n";
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "ops/hmm_json.ts"],
    cwd: new URL("..", import.meta.url),
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input));
  await writer.close();
  const out = await child.output();
  assert.equal(out.code, 0);
  const lines = new TextDecoder().decode(out.stdout).split("\n");
  assert.equal(lines.pop(), "", "output ends with a newline");
  const responses = lines.map((l) => JSON.parse(l));
  assert.deepEqual(responses.map((r) => r.id), ["ok-1", null, 7, "ok-2", "inf"]);
  const logN0 = -0.5 * Math.log(2 * Math.PI);
  assert.ok(Math.abs(responses[0].result.loglik - logN0) < 1e-15);
  assert.equal(responses[1].error.code, "parse_error");
  assert.equal(responses[2].error.code, "unknown_op");
  assert.ok(Math.abs(responses[3].result.loglik - logN0) < 1e-15);
  assert.equal(responses[4].error.code, "non_finite");
});
