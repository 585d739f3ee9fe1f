import { DataFileError } from "../data/data_file_error.ts";
import { ModelStoreError } from "../data/model_store.ts";
import { TrainingInputError } from "../models/training/training_input_error.ts";
import { PAPER_USAGE, parsePaperFlags } from "./_paper_flags.ts";
import { runPaper } from "./_paper_run.ts";
import { reportFailure, UsageError } from "./_train_flags.ts";
import { ConfigError } from "./config.ts";

/** Runs `deno task paper`; returns the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(PAPER_USAGE);
    return 0;
  }
  try {
    const flags = parsePaperFlags(args);
    const result = await runPaper(flags, {
      log: (line) => console.error(line),
      progress: (line) => console.error(line),
    });
    const s = result.summary;
    const c = s.counts;
    const bands = Object.entries(s.paper.bands).map(([sym, b]) =>
      `${sym} slippage p5/p50/p95 ${fmt(b.slippageBp.p5)}/${fmt(b.slippageBp.p50)}/${
        fmt(b.slippageBp.p95)
      } bp, limit fill ratio ${b.fillRatio === null ? "-" : b.fillRatio.toFixed(2)}`
    ).join("; ") || "no fills";
    console.error(
      `paper: done in ${
        (result.wallMs / 1000).toFixed(1)
      } s: ${c.events} events, ${c.bars} decided bars, ` +
        `${c.intents} intents, ${c.orders} orders, ${c.fills} fills; ${bands}; pnl ${
          s.pnl.quote.toFixed(2)
        } (${(100 * s.pnl.returnFraction).toFixed(2)}%); positions ${
          s.paper.positions.equal ? "equal the exchange's" : "DIFFER from the exchange's"
        }; reconciliation mismatches ${
          Object.values(s.paper.reconcile.mismatches).reduce((a, b) =>
            a + b, 0)
        }`,
    );
    console.log(result.dir);
    return 0;
  } catch (e) {
    const known = e instanceof UsageError || e instanceof ConfigError ||
      e instanceof DataFileError || e instanceof ModelStoreError || e instanceof TrainingInputError;
    return reportFailure("paper", e, known);
  }
}

function fmt(x: number | null): string {
  return x === null ? "-" : x.toFixed(2);
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
