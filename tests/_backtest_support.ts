/**
 * Shared inputs of the backtest tests: models trained once per test process on the bundled
 * cluster set (cheap: a flat HMM on 2½ days; an H2 model on 12 days), a model store holding
 * them, and run configurations written to temporary files. The traded span of the loop tests is
 * the day after the flat models' training span, so nothing is trained inside a run.
 */
import { loadKlines } from "../data/load_klines.ts";
import { ModelStore } from "../data/model_store.ts";
import { FEATURE_SCHEMA_V1 } from "../models/features/bar_feature_schema.ts";
import { MACRO_MICRO_SCHEMA } from "../models/features/macro_micro_schema.ts";
import type { ModelFile, ModelKind } from "../models/model_file.ts";
import { trainModel } from "../models/training/train_model.ts";

/** The first full UTC day of the cluster set's traded test span (after 2½ days of training). */
export const TRADE_FROM = Date.UTC(2026, 2, 26);
/** One day of trading. */
export const TRADE_TO = Date.UTC(2026, 2, 27);
/** End of the H2 model's training span. */
export const H2_TRAINED_TO = Date.UTC(2026, 3, 4);

const cache = new Map<string, Promise<ModelFile>>();

/**
 * A model of `symbol` trained on the cluster set's bars before `TRADE_FROM` (`hmm`, 4 states,
 * schema v1) or before `H2_TRAINED_TO` (`h2`, the macro/micro schema), seed 7; memoised.
 */
export function clusterModel(symbol: string, kind: ModelKind = "hmm"): Promise<ModelFile> {
  const key = `${symbol}/${kind}`;
  let p = cache.get(key);
  if (p === undefined) {
    p = (async () => {
      const to = kind === "hmm" ? TRADE_FROM : H2_TRAINED_TO;
      const l = await loadKlines(symbol, { set: "cluster", to });
      return trainModel(l.columns, {
        symbol,
        dataset: "cluster",
        kind,
        schema: kind === "hmm" ? FEATURE_SCHEMA_V1 : MACRO_MICRO_SCHEMA,
        seed: 7,
      }).file;
    })();
    cache.set(key, p);
  }
  return p;
}

/** A fresh temporary model store holding the flat models of `symbols`. */
export async function storeWithModels(symbols: readonly string[]): Promise<ModelStore> {
  const store = new ModelStore(await Deno.makeTempDir({ prefix: "shoal-store-" }));
  for (const s of symbols) await store.save(await clusterModel(s));
  return store;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Writes `ops/default_config.json` with `patch` merged in (objects merged key by key, anything
 * else replaced) to a temporary file; returns its path.
 */
export async function configFile(patch: Record<string, Json> = {}): Promise<string> {
  const base = JSON.parse(
    await Deno.readTextFile(new URL("../ops/default_config.json", import.meta.url)),
  );
  const path = await Deno.makeTempFile({ prefix: "shoal-config-", suffix: ".json" });
  await Deno.writeTextFile(path, JSON.stringify(merge(base, patch), null, 2));
  return path;
}

function merge(a: Json, b: Json): Json {
  if (
    typeof a !== "object" || a === null || Array.isArray(a) || typeof b !== "object" ||
    b === null || Array.isArray(b)
  ) return b;
  const out: { [key: string]: Json } = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k in a ? merge(a[k], v) : v;
  return out;
}

/** Every file under `dir` (relative paths, sorted) with its bytes. */
export async function filesOf(dir: string): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  const walk = async (sub: string) => {
    for await (const e of Deno.readDir(`${dir}/${sub}`)) {
      const rel = sub === "" ? e.name : `${sub}/${e.name}`;
      if (e.isDirectory) await walk(rel);
      else out.set(rel, await Deno.readFile(`${dir}/${rel}`));
    }
  };
  await walk("");
  return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** A CSV file's rows as records (no quoted fields with commas in our numeric files). */
export async function readCsv(path: string): Promise<{ header: string[]; rows: string[][] }> {
  const lines = (await Deno.readTextFile(path)).split("\n").filter((l) => l !== "");
  return { header: lines[0].split(","), rows: lines.slice(1).map(splitCsvLine) };
}

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = "", quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/**
 * The flags of a backtest of the cluster set's traded day ({@link TRADE_FROM} to
 * {@link TRADE_TO}) with flat models from `store`, the config file `config`, into `out`.
 */
export function clusterBacktestArgs(store: string, config: string, out: string): string[] {
  return [
    "--set",
    "cluster",
    "--kind",
    "hmm",
    "--from",
    String(TRADE_FROM),
    "--to",
    String(TRADE_TO),
    "--store",
    store,
    "--config",
    config,
    "--out",
    out,
  ];
}
