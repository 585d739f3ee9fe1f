import {
  checkCaps,
  LIVE_USAGE,
  liveRefusal,
  parseLiveFlags,
  TEST_BASE_URL_FLAG,
} from "./_live_flags.ts";
import { reportFailure, UsageError } from "./_train_flags.ts";

/**
 * Runs `deno task live`; returns the exit code. The keys and `--confirm-live` are checked before
 * anything else is loaded: a refused start makes no network call and constructs no ccxt client
 * (the trading modules are imported only after the checks).
 */
export async function main(
  args: readonly string[],
  env: (name: string) => string | undefined = (n) => Deno.env.get(n),
): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(LIVE_USAGE);
    return 0;
  }
  let flags;
  try {
    flags = parseLiveFlags(args);
    checkCaps(flags);
  } catch (e) {
    return reportFailure("live", e, e instanceof UsageError);
  }
  const refusal = liveRefusal(flags, env);
  if (refusal !== null) {
    console.error(`deno task live: ${refusal}`);
    return 2;
  }
  const { runLive } = await import("./_live_run.ts");
  return await runLive(flags, {
    env,
    baseUrl: flags[TEST_BASE_URL_FLAG],
  });
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
