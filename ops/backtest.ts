import { DataFileError } from "../data/data_file_error.ts";
import { ModelStoreError } from "../data/model_store.ts";
import { TrainingInputError } from "../models/training/training_input_error.ts";
import { BACKTEST_USAGE, parseBacktestFlags } from "./_backtest_flags.ts";
import { progressLine, runBacktest } from "./_backtest_run.ts";
import { reportFailure, UsageError } from "./_train_flags.ts";
import { ConfigError } from "./config.ts";

/** Runs `deno task backtest`; returns the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(BACKTEST_USAGE);
    return 0;
  }
  try {
    const flags = parseBacktestFlags(args);
    let lastLine = 0, lastFraction = -1;
    // Lines are held until the replay starts, so that bad input fails with its one line only.
    let held: string[] | null = [];
    const result = await runBacktest(flags, {
      log: (line) => {
        if (held !== null && !line.startsWith("backtest ")) return void held.push(line);
        for (const h of held ?? []) console.error(h);
        held = null;
        console.error(line);
      },
      progress: (p) => {
        const now = performance.now();
        if (now - lastLine < 3000 && p.fraction - lastFraction < 0.05 && p.fraction < 1) return;
        lastLine = now;
        lastFraction = p.fraction;
        console.error(progressLine(p));
      },
    });
    const s = result.summary;
    const c = s.counts;
    const blocks = Object.entries(c.guardBlocks).map(([k, v]) => `${k} ${v}`).join(", ") || "none";
    console.error(
      `backtest: done in ${(result.wallMs / 1000).toFixed(1)} s (replay ${
        (result.replayMs / 1000).toFixed(1)
      } s, ${Math.round(c.events / (result.replayMs / 1000))} bars/s): ${c.events} events, ` +
        `${c.bars} decided bars, ${c.intents} intents, ${c.orders} orders, ${c.fills} fills, ` +
        `blocks: ${blocks}; pnl ${s.pnl.quote.toFixed(2)} (${
          (100 * s.pnl.returnFraction).toFixed(2)
        }%), fees ${s.fees.quote.toFixed(2)}, max drawdown ${(100 * s.maxDrawdown).toFixed(2)}%, ` +
        `restarts ${s.restarts}`,
    );
    console.log(result.dir);
    return 0;
  } catch (e) {
    const known = e instanceof UsageError || e instanceof ConfigError ||
      e instanceof DataFileError || e instanceof ModelStoreError || e instanceof TrainingInputError;
    return reportFailure("backtest", e, known);
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
