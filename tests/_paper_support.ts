import { decisionFromClientId } from "../data/journaled_gateway.ts";
import { configFile } from "./_backtest_support.ts";
import { poll } from "./_poll.ts";

/**
 * A run configuration for the paper tests: flat models trained on 3 days (cheap), MARKET orders
 * (filled at once), and a policy that changes its mind often — no minimum holding time, no edge
 * smoothing, entry/exit bands inside the edges the 3-day models produce (≈ 25–55 bp) and the
 * sizing of the earlier defaults — so that a 30-minute window holds several fills. `orderStyle`
 * "limit" places VWAP-anchored limit orders instead (@default {"market"}). Returns the path of a
 * temporary file (remove it after the test).
 */
export function activeConfig(
  options: { orderStyle?: "market" | "limit" } = {},
): Promise<string> {
  const policy = {
    edgeHalfLifeBars: 0,
    entryEdgeBp: 45,
    exitEdgeBp: 40,
    minHoldBars: 0,
    earlyExitEdgeBp: 40,
    retargetFraction: 0.25,
  };
  return configFile({
    run: { trainDays: 3 },
    execution: { orderStyle: options.orderStyle ?? "market" },
    symbols: {
      BTCUSDT: { ...policy, k: 4000, maxQty: 0.03 },
      ETHUSDT: { ...policy, k: 320000, maxQty: 1 },
    },
  });
}

/** A `deno task paper` process with its ops server on a free port (see {@link spawnPaper}). */
export interface PaperProcess {
  child: Deno.ChildProcess;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** The ops server's URL from its start line (waits up to 120 s: training comes first). */
  opsUrl(): Promise<string>;
  /** Waits for the end: exit status, stdout and the whole stderr. */
  done(): Promise<{ status: Deno.CommandStatus; stdout: string; stderr: string }>;
  /** SIGKILL when still running; waits until it has ended and its output is read. */
  stop(): Promise<void>;
}

/**
 * Starts `ops/paper.ts` with `args` plus `--ops-port 0`, `SHOAL_OPS_TOKEN` = `token`, reading
 * its output as it comes.
 */
export function spawnPaper(args: readonly string[], token: string): PaperProcess {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "ops/paper.ts", "--ops-port", "0", ...args],
    cwd: new URL("..", import.meta.url),
    env: { SHOAL_OPS_TOKEN: token },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  const reading = (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) stderr += chunk;
  })();
  const stdout = child.stdout.text();
  return {
    child,
    stderr: () => stderr,
    opsUrl: () =>
      poll(
        "the ops server line",
        120_000,
        () => Promise.resolve(/ops server on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1]),
      ),
    async done() {
      const status = await child.status;
      await reading;
      return { status, stdout: await stdout, stderr };
    },
    async stop() {
      try {
        child.kill("SIGKILL");
      } catch { /* ended */ }
      await child.status;
      await reading.catch(() => {});
      await stdout.catch(() => "");
    },
  };
}

/**
 * The decision time (ISO) behind an `orders.csv` row: a paper row carries the venue's time, the
 * decision's is in its client order id.
 */
export function decidedAt(row: readonly string[], header: readonly string[]): string {
  const id = row[header.indexOf("client_order_id")];
  return new Date(decisionFromClientId(id).ts).toISOString();
}
