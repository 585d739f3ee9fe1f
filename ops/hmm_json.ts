import { handleHmmLine, HMM_OPS } from "./_hmm_json_handle.ts";
import { readLines } from "./_hmm_json_lines.ts";

const USAGE =
  `deno task hmm-json: the HMM engine over JSON lines (../shared/fixtures/hmm/FIXTURES.md)

Reads one JSON request per line on stdin and writes one JSON response per line on stdout, in the
same order, each carrying the request's "id". Empty lines are skipped. Exits 0 at end of input.

  {"id": 1, "op": "score", "model": {...}, "X": [[0.1], [0.2]]}
  -> {"id": 1, "result": {"loglik": ...}}

ops: ${HMM_OPS.join(", ")}
errors: {"id": ..., "error": {"code": "...", "message": "..."}}

Options:
  --help, -h   print this text and exit`;

/** Serves stdin → stdout until stdin closes; every response is written (unbuffered) at once. */
async function main(args: readonly string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  if (args.length > 0) {
    console.error(`deno task hmm-json: unknown argument ${args[0]} (see --help)`);
    return 2;
  }
  const encoder = new TextEncoder();
  let served = 0;
  for await (const line of readLines(Deno.stdin.readable)) {
    const response = handleHmmLine(line);
    if (response === null) continue;
    writeAll(encoder.encode(JSON.stringify(response) + "\n"));
    served++;
  }
  console.error(`deno task hmm-json: served ${served} requests`);
  return 0;
}

function writeAll(bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += Deno.stdout.writeSync(bytes.subarray(off));
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
