import { z } from "zod";
import { intFlag } from "./_train_flags.ts";

/** `--ops-host`: the address the ops server listens on. */
export const OpsHostFlag = z.string().regex(
  /^(localhost|[0-9.]+|\[?[0-9a-fA-F:]+\]?|[A-Za-z0-9.-]+)$/,
  "must be a host name or an IP address",
).default("127.0.0.1");

/** `--ops-port`: the ops server's TCP port; 0 picks a free one (printed at start). */
export const OpsPortFlag = intFlag(0, 65535).default(9464);

/** The help lines of the ops flags, descriptions from `column` (paper, live and backtest align differently). */
export function opsFlagsUsage(column: number): string {
  const line = (flag: string, text: string) => `  ${flag}`.padEnd(column) + text;
  return [
    line("--ops-host H", "address of the ops server: /status, /metrics, /ws, the live page,"),
    line("", "POST /kill, /resume, /retrain (bearer token)          default 127.0.0.1"),
    line("--ops-port N", "its port; 0 picks a free one                          default 9464"),
  ].join("\n");
}
