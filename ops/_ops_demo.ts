// Development entry, not a task: serves the ops server with stub deps and synthetic DEMO data
// (run mode "demo", which the live page labels), for looking at the page and the metrics by hand.
//   npx -y deno@2.9.6 run -A ops/_ops_demo.ts [--port 9464]
import { SeededRng } from "../models/seeded_rng.ts";
import { createStubOpsDeps, syntheticUpdates } from "./_stub_ops_deps.ts";
import { startOpsServer } from "./ops_server.ts";
import { resolveOpsToken } from "./ops_token.ts";

if (import.meta.main) {
  const portArg = Deno.args.indexOf("--port");
  const port = portArg >= 0 ? Number(Deno.args[portArg + 1]) : 9464;
  if (Deno.args.includes("--help")) {
    console.log("ops/_ops_demo.ts: the ops server with synthetic demo data (--port N)");
    Deno.exit(0);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`ops demo: --port must be an integer in [0, 65535]: current value is ${port}`);
    Deno.exit(2);
  }
  const runDir = await Deno.makeTempDir({ prefix: "shoal-ops-demo-" });
  const { token, path } = await resolveOpsToken(runDir);
  const deps = createStubOpsDeps(runDir, { token, mode: "demo" });
  const server = await startOpsServer(deps, { port });
  console.error(`demo run folder: ${runDir}${path === null ? "" : " (token in ops-token)"}`);
  const rng = new SeededRng(7);
  const walk = { equity: 10_000, peak: 10_000, values: [] as number[] };
  let ts = Date.UTC(2024, 0, 1);
  setInterval(() => {
    ts += 60_000;
    deps.setNow(ts);
    for (const update of syntheticUpdates(rng, ts, deps.state.symbols, walk)) {
      deps.hub.publish(update);
      if (update.type === "equity") {
        deps.metrics.setEquity(update);
        deps.state.equity = update.equity;
      }
      if (update.type === "state") {
        deps.metrics.setHmmState(update.symbol, update.state, update.posteriors);
        if (update.macroState !== null) {
          deps.metrics.recordMacroState(update.symbol, update.macroState);
        }
      }
      if (update.type === "drift") {
        deps.metrics.setTransitionDrift(update.symbol, update.klNats, update.drift);
      }
      if (update.type === "guard") deps.metrics.recordGuardBlock(update.symbol, update.reasons);
    }
  }, 250);
  const stop = async () => {
    await server.shutdown();
    await Deno.remove(runDir, { recursive: true });
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
}
