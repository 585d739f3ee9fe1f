import { startSimExchangeServer } from "../data/sim_server/start_sim_exchange_server.ts";
import { parseSimExchangeArgs, SIM_EXCHANGE_USAGE } from "./_sim_exchange_args.ts";

const TASK = "deno task sim-exchange";

/** Runs the server until SIGINT/SIGTERM; returns the exit code. */
async function main(args: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseSimExchangeArgs(args);
  } catch (err) {
    console.error(`${TASK}: ${(err as Error).message} (see --help)`);
    return 2;
  }
  if (parsed.help) {
    console.log(SIM_EXCHANGE_USAGE);
    return 0;
  }
  const options = parsed.options;
  let run;
  try {
    run = await startSimExchangeServer({
      ...options,
      log: (line) => console.error(`${TASK}: ${line}`),
    });
  } catch (err) {
    const what = err instanceof Error ? err.message : String(err);
    console.error(
      err instanceof Deno.errors.AddrInUse
        ? `${TASK}: Cannot listen on ${
          options.host ?? "127.0.0.1"
        }:${options.port}: ${what} (try --port 0)`
        : `${TASK}: ${what}`,
    );
    return 2;
  }
  const { server } = run;
  const o = server.options;
  const key = o.accounts[0];
  const speed = o.speed === "max"
    ? "max (as fast as possible)"
    : o.speed === "manual"
    ? "manual (market stands still)"
    : `${o.speed} (one market minute per ${formatSeconds(60 / o.speed)} of wall time)`;
  const end = server.replay.endsAt();
  const state = server.store === null
    ? "memory only (no --state): everything is lost on exit"
    : `${server.store.path} (${server.resumed ? "resumed" : "new"})`;
  console.log(`${TASK}: the simulated Binance Spot exchange is listening`);
  console.log(`  base URL  ${run.baseUrl}   (REST under /api/v3)`);
  console.log(
    `  streams   ${run.wsUrl}   (combined: ${run.baseUrl.replace(/^http/, "ws")}/stream)`,
  );
  console.log(`  WS API    ${run.wsApiUrl}`);
  console.log(`  api key   ${key.apiKey}   (secret from --api-secret, default sim-secret)`);
  console.log(
    `  replay    ${server.replay.symbols.join(",")} from ${iso(server.replay.fedUntil)} to ${
      end === null ? "-" : iso(end)
    } at speed ${speed}`,
  );
  console.log(`  state     ${state}`);
  if (server.resumed && options.accounts?.[0]?.balances !== undefined) {
    console.log(
      `  note      --balances only applies to new accounts; ${key.apiKey} keeps its saved balances`,
    );
  }
  console.log(`  ccxt      see data/sim_server/README.md (ccxtBinanceConfig)`);

  const done = Promise.withResolvers<void>();
  const stop = () => done.resolve();
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  await done.promise;
  Deno.removeSignalListener("SIGINT", stop);
  Deno.removeSignalListener("SIGTERM", stop);
  console.error(`${TASK}: stopping: saving state and closing connections`);
  await run.close();
  console.error(`${TASK}: stopped with the market at ${iso(server.replay.fedUntil)}`);
  return 0;
}

function formatSeconds(s: number): string {
  return s >= 1 ? `${Number(s.toFixed(2))} s` : `${Number((s * 1000).toFixed(1))} ms`;
}

function iso(t: number): string {
  return new Date(t).toISOString().replace(":00.000Z", "Z");
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
