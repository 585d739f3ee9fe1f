import { z } from "zod";
import type { SimEvent } from "../sim/sim_records.ts";
import { ApiErrors, ApiFailure } from "./_api_error.ts";
import { type ApiKeyEntry, authenticate } from "./_authenticate.ts";
import { accountPositionJson, executionReportJson } from "./_binance_json.ts";
import { wsApiSignaturePayload } from "./_signature.ts";

/** What the WebSocket API needs from the server. */
export interface UserStreamDeps {
  keys: ReadonlyMap<string, ApiKeyEntry>;
  /** Wall clock, ms (signature timing and `time`). */
  clock: () => number;
}

interface Connection {
  socket: WebSocket;
  nextId: number;
  /** subscriptionId → account. */
  subscriptions: Map<number, string>;
}

const Request = z.object({
  id: z.union([z.string(), z.number(), z.null()]),
  method: z.string(),
  params: z.record(z.string(), z.unknown()).optional(),
});

/**
 * Binance's WebSocket API (`/ws-api/v3`) as far as ccxt 4.5 uses it for spot user data:
 * `userDataStream.subscribe.signature` (params `apiKey`, `timestamp`, `recvWindow`,
 * `signature` = HMAC-SHA256 of the other params sorted by name and joined as a query string,
 * checked like a signed REST request) answered `{"id","status":200,"result":{"subscriptionId":n}}`
 * with n counting from 0 per connection; then every `executionReport` and
 * `outboundAccountPosition` of that account arrives on the same connection as
 * `{"subscriptionId":n,"event":{…}}`. Also `userDataStream.unsubscribe` (one id or all),
 * `session.subscriptions`, `ping` and `time`. Errors come as
 * `{"id","status":4xx,"error":{"code","msg"}}`. Trading over the WS API is not served
 * (-1020).
 */
export class UserStreams {
  readonly #deps: UserStreamDeps;
  readonly #connections = new Set<Connection>();

  constructor(deps: UserStreamDeps) {
    this.#deps = deps;
  }

  /** Open connections. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /** User-data subscriptions over all connections. */
  get subscriptionCount(): number {
    let n = 0;
    for (const c of this.#connections) n += c.subscriptions.size;
    return n;
  }

  /** Takes a new socket. */
  accept(socket: WebSocket): void {
    const conn: Connection = { socket, nextId: 0, subscriptions: new Map() };
    this.#connections.add(conn);
    socket.addEventListener("message", (e) => void this.#onMessage(conn, e.data));
    socket.addEventListener("close", () => this.#connections.delete(conn));
    socket.addEventListener("error", () => this.#connections.delete(conn));
  }

  /** Sends the user-data events (rejects of `placeOrder`, orderId −1, are not Binance events). */
  dispatch(events: readonly SimEvent[]): void {
    if (this.#connections.size === 0) return;
    for (const ev of events) {
      if (ev.type === "executionReport" && ev.orderId < 0) continue;
      let body: string | null = null;
      for (const c of this.#connections) {
        for (const [id, account] of c.subscriptions) {
          if (account !== ev.account || c.socket.readyState !== WebSocket.OPEN) continue;
          body ??= JSON.stringify(
            ev.type === "executionReport" ? executionReportJson(ev) : accountPositionJson(ev),
          );
          c.socket.send(`{"subscriptionId":${id},"event":${body}}`);
        }
      }
    }
  }

  /** Closes every connection. */
  close(): void {
    for (const c of [...this.#connections]) {
      try {
        c.socket.close(1001, "server shutting down");
      } catch {
        // already closed
      }
      this.#connections.delete(c);
    }
  }

  async #onMessage(conn: Connection, data: unknown): Promise<void> {
    const send = (obj: unknown) => {
      if (conn.socket.readyState === WebSocket.OPEN) conn.socket.send(JSON.stringify(obj));
    };
    let json: unknown;
    try {
      json = JSON.parse(typeof data === "string" ? data : "");
    } catch {
      return send({
        id: null,
        status: 400,
        error: { code: -1102, msg: "Malformed request: not JSON" },
      });
    }
    const parsed = Request.safeParse(json);
    if (!parsed.success) {
      return send({
        id: null,
        status: 400,
        error: { code: -1102, msg: "Malformed request: expected id, method and params" },
      });
    }
    const { id, method } = parsed.data;
    const params = parsed.data.params ?? {};
    const ok = (result: unknown) => send({ id, status: 200, result, rateLimits: [] });
    try {
      switch (method) {
        case "ping":
          return ok({});
        case "time":
          return ok({ serverTime: this.#deps.clock() });
        case "userDataStream.subscribe.signature": {
          const { payload, signature } = wsApiSignaturePayload(params);
          const text = (v: unknown) =>
            typeof v === "string" || typeof v === "number" ? String(v) : undefined;
          const entry = await authenticate({
            apiKey: text(params.apiKey) ?? null,
            signature,
            timestamp: text(params.timestamp),
            recvWindow: text(params.recvWindow),
            payload,
          }, { keys: this.#deps.keys, now: this.#deps.clock() });
          const subscriptionId = conn.nextId++;
          conn.subscriptions.set(subscriptionId, entry.account);
          return ok({ subscriptionId });
        }
        case "userDataStream.unsubscribe": {
          const sid = params.subscriptionId;
          if (sid === undefined) conn.subscriptions.clear();
          else if (typeof sid === "number" && conn.subscriptions.has(sid)) {
            conn.subscriptions.delete(sid);
          } else {
            throw new ApiFailure({ code: -2, msg: "Invalid subscriptionId.", status: 400 });
          }
          return ok({});
        }
        case "session.subscriptions":
          return ok([...conn.subscriptions.keys()].map((subscriptionId) => ({ subscriptionId })));
        default:
          throw new ApiFailure(ApiErrors.unsupported());
      }
    } catch (err) {
      if (err instanceof ApiFailure) {
        return send({
          id,
          status: err.error.status,
          error: { code: err.error.code, msg: err.error.msg },
        });
      }
      return send({ id, status: 500, error: { code: -1000, msg: String(err) } });
    }
  }
}
