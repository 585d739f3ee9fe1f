import {
  createSimExchangeServer,
  type SimExchangeServer,
  type SimExchangeServerDeps,
} from "./create_sim_exchange_server.ts";
import type { SimServerOptionsInput } from "./sim_server_options.ts";

/** A listening simulated exchange and where to reach it. */
export interface RunningSimExchange {
  /** The server (engine, replay, `advance`, state). */
  server: SimExchangeServer;
  /** `http://host:port`; REST is under `/api/v3`. */
  baseUrl: string;
  /** Market streams: `ws://host:port/ws` (ccxt's `urls.api.ws.spot`). */
  wsUrl: string;
  /** WebSocket API: `ws://host:port/ws-api/v3` (ccxt's `urls.api.ws['ws-api'].spot`). */
  wsApiUrl: string;
  /** The bound port. */
  port: number;
  /** Stops the replay, closes sockets, checkpoints the state and stops listening. */
  close(): Promise<void>;
}

/**
 * Builds the server (`createSimExchangeServer`), binds it with `Deno.serve` on `host` and `port`
 * (0 = a free port), and starts the replay (unless the speed is `"manual"`).
 *
 * @throws like `createSimExchangeServer`; `Deno.errors.AddrInUse` when the port is taken.
 */
export async function startSimExchangeServer(
  options: SimServerOptionsInput & SimExchangeServerDeps = {},
): Promise<RunningSimExchange> {
  const server = await createSimExchangeServer(options);
  let httpServer: Deno.HttpServer<Deno.NetAddr>;
  try {
    httpServer = Deno.serve({
      hostname: server.options.host,
      port: server.options.port,
      onListen: () => {},
    }, server.handler);
  } catch (err) {
    await server.close();
    throw err;
  }
  const port = httpServer.addr.port;
  const host = server.options.host.includes(":") ? `[${server.options.host}]` : server.options.host;
  server.start();
  let closing: Promise<void> | null = null;
  return {
    server,
    baseUrl: `http://${host}:${port}`,
    wsUrl: `ws://${host}:${port}/ws`,
    wsApiUrl: `ws://${host}:${port}/ws-api/v3`,
    port,
    close: () => {
      closing ??= (async () => {
        await server.close();
        await httpServer.shutdown();
      })();
      return closing;
    },
  };
}
