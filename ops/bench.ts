import { z } from "zod";
import { BENCH_TARGETS } from "./bench_targets.ts";

const HELP = `deno task bench: runs every *_bench.ts benchmark of the repository and prints one JSON
document on stdout: each benchmark's average, p75 and p99 time in ns, and each speed target of
ops/bench_targets.ts with the measured average and whether it was met.

Usage: deno task bench [--filter TEXT] [--out FILE] [--strict]
  --filter TEXT  only benchmarks whose name contains TEXT
  --out FILE     also write the JSON document to FILE
  --strict       exit 1 when a target is missed (default: report only; timings are noisy)
  --help         this text`;

/** One benchmark of `deno bench --json`, as far as this report reads it. */
const BenchJson = z.object({
  benches: z.array(z.object({
    origin: z.string(),
    group: z.string().nullable().optional(),
    name: z.string(),
    results: z.array(z.union([
      z.object({
        ok: z.object({ n: z.number(), avg: z.number(), p75: z.number(), p99: z.number() }),
      }),
      z.object({ failed: z.unknown() }),
    ])),
  })),
  runtime: z.string().optional(),
  cpu: z.string().optional(),
});

interface Args {
  filter?: string;
  out?: string;
  strict: boolean;
}

function parseArgs(argv: readonly string[]): Args | string {
  const args: Args = { strict: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--strict") args.strict = true;
    else if (a === "--filter" || a === "--out") {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) return `Cannot parse ${a}: it needs a value`;
      if (a === "--filter") args.filter = v;
      else args.out = v;
    } else return `Cannot parse arguments: unknown flag ${a} (see --help)`;
  }
  return args;
}

async function benchFiles(root: URL): Promise<string[]> {
  const found: string[] = [];
  async function walk(dir: URL, rel: string) {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.name.startsWith(".") || ["store", "runs", "node_modules"].includes(entry.name)) {
        continue;
      }
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory) await walk(new URL(`${entry.name}/`, dir), path);
      else if (entry.name.endsWith("_bench.ts")) found.push(path);
    }
  }
  await walk(root, "");
  return found.sort();
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(HELP);
    return 0;
  }
  const args = parseArgs(argv);
  if (typeof args === "string") {
    console.error(args);
    return 2;
  }
  const root = new URL("../", import.meta.url);
  const files = await benchFiles(root);
  console.error(`bench: ${files.length} benchmark files: ${files.join(", ")}`);
  const cmd = [
    "bench",
    "-A",
    "--json",
    ...(args.filter ? ["--filter", args.filter] : []),
    ...files,
  ];
  const out = await new Deno.Command(Deno.execPath(), {
    args: cmd,
    cwd: root,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (out.code !== 0) {
    console.error(`bench: deno bench exited ${out.code}`);
    return 1;
  }
  const parsed = BenchJson.safeParse(JSON.parse(new TextDecoder().decode(out.stdout)));
  if (!parsed.success) {
    console.error(
      `bench: cannot read deno bench --json output: ${parsed.error.issues[0]?.message}`,
    );
    return 1;
  }
  const benches = parsed.data.benches.map((b) => {
    const r = b.results[0];
    const ok = r && "ok" in r ? r.ok : null;
    return {
      file: b.origin.replace(root.href, ""),
      group: b.group ?? null,
      name: b.name,
      ok: ok !== null,
      n: ok?.n ?? 0,
      avgNs: ok?.avg ?? null,
      p75Ns: ok?.p75 ?? null,
      p99Ns: ok?.p99 ?? null,
    };
  });
  const targets = BENCH_TARGETS.map((t) => {
    const hit = benches.find((b) => b.name.startsWith(t.bench));
    const measured = hit?.avgNs ?? null;
    return {
      bench: t.bench,
      maxAvgNs: t.maxAvgNs,
      measuredAvgNs: measured,
      met: measured === null ? null : measured <= t.maxAvgNs,
      why: t.why,
    };
  });
  const report = {
    runtime: parsed.data.runtime ?? null,
    cpu: parsed.data.cpu ?? null,
    benches,
    targets,
  };
  const text = JSON.stringify(report, null, 2);
  console.log(text);
  if (args.out) await Deno.writeTextFile(args.out, text + "\n");
  const missed = targets.filter((t) => t.met === false);
  for (const t of missed) {
    console.error(`bench: target missed: ${t.bench} avg ${t.measuredAvgNs} ns > ${t.maxAvgNs} ns`);
  }
  return args.strict && missed.length > 0 ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
