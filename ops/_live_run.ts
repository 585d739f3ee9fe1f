import { DataFileError } from "../data/data_file_error.ts";
import { ModelStoreError } from "../data/model_store.ts";
import { TrainingInputError } from "../models/training/training_input_error.ts";
import { CappedGateway } from "./_live_caps.ts";
import type { LiveFlags } from "./_live_flags.ts";
import { runPaper } from "./_paper_run.ts";
import { reportFailure, UsageError } from "./_train_flags.ts";
import { ConfigError } from "./config.ts";

/**
 * The live run: the paper run's machinery (`runPaper`) against Binance production (or, for
 * tests, the base URL given), with the caps of `CappedGateway` inside the execution actor's
 * gateway and the config's order caps and notional budget lowered to them. Returns the exit code.
 */
export async function runLive(
  flags: LiveFlags,
  options: { env: (name: string) => string | undefined; baseUrl?: string },
): Promise<number> {
  const caps = {
    maxOrderNotional: flags["max-order-notional"],
    maxPositionNotional: flags["max-position-notional"],
  };
  try {
    let capped: CappedGateway | null = null;
    const result = await runPaper({
      venue: "sim", // not used: the live extras choose the venue
      duration: flags.duration,
      speed: 1,
      symbols: flags.symbols,
      kind: flags.kind,
      seed: flags.seed,
      config: flags.config,
      data: flags.data,
      store: flags.store,
      out: flags.out,
      "ops-host": flags["ops-host"],
      "ops-port": flags["ops-port"],
    }, {
      log: (line) => console.error(line),
      progress: (line) => console.error(line),
      env: options.env,
    }, {
      caps,
      baseUrl: options.baseUrl,
      wrap: async (gateway, ctx) => {
        capped = await CappedGateway.wrap(gateway, caps, ctx.symbols);
        return capped;
      },
    });
    const s = result.summary;
    const c = s.counts;
    const capStats = (capped as CappedGateway | null)?.stats() ?? { shrunk: 0, refused: 0 };
    console.error(
      `live: done in ${
        (result.wallMs / 1000).toFixed(1)
      } s: ${c.orders} orders, ${c.fills} fills, ` +
        `caps shrank ${capStats.shrunk} and refused ${capStats.refused} orders; pnl ${
          s.pnl.quote.toFixed(2)
        }; positions ${
          s.paper.positions.equal ? "equal the exchange's" : "DIFFER from the exchange's"
        }`,
    );
    console.log(result.dir);
    return 0;
  } catch (e) {
    const known = e instanceof UsageError || e instanceof ConfigError ||
      e instanceof DataFileError || e instanceof ModelStoreError || e instanceof TrainingInputError;
    return reportFailure("live", e, known);
  }
}
