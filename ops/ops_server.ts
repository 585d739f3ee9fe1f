import type { z } from "zod";
import { buildLivePage, type LivePage } from "./_live_page.ts";
import type { LiveUpdateHub } from "./live_update_hub.ts";
import type { OpsStatus } from "./ops_status.ts";
import { KillRequest, ResumeRequest, type RetrainOutcome, RetrainRequest } from "./ops_requests.ts";
import { bearerMatches, maskToken } from "./ops_token.ts";

/**
 * What the ops server needs from a running Shoal; the trading path implements it. Every function
 * may be sync or async; the server awaits it.
 */
export interface OpsDeps {
  /** The bearer token mutating requests must carry (from `resolveOpsToken`). */
  token: string;
  /** The run's output folder, `runs/<run-id>`, served under `/runs/current/`. */
  runDir: string;
  /** The current status; also names the run (mode, runId, symbols) to `/ws` clients. */
  status(): OpsStatus | Promise<OpsStatus>;
  /**
   * Turns the kill switch on: no new orders, open ones cancelled, reason `KILL` from then on.
   * Called once per `POST /kill`; must be idempotent. `status().kill` shows it afterwards.
   */
  kill(reason: string): void | Promise<void>;
  /** Turns the kill switch off. Called once per `POST /resume`; must be idempotent. */
  resume(): void | Promise<void>;
  /** Starts a retrain or says why not; `request.symbol` is one of the run's symbols if set. */
  retrain(request: RetrainRequest): RetrainOutcome | Promise<RetrainOutcome>;
  /** The metrics `GET /metrics` renders (a `ShoalMetrics`). */
  metrics: { render(): Promise<string>; readonly contentType: string };
  /** The hub `/ws` clients attach to; the server also publishes `kill` updates to it. */
  hub: LiveUpdateHub;
  /** The run's clock (event time in backtest), ms since epoch. */
  now(): number;
}

/** The run files `GET /runs/current/<file>` serves, with their content types; nothing else. */
export const SERVED_RUN_FILES: Readonly<Record<string, string>> = {
  "trades.csv": "text/csv; charset=utf-8",
  "orders.csv": "text/csv; charset=utf-8",
  "state_timeline.csv": "text/csv; charset=utf-8",
  "guardrails.csv": "text/csv; charset=utf-8",
  "equity.csv": "text/csv; charset=utf-8",
  "summary.json": "application/json",
};

/** Largest request body accepted, in bytes. */
const MAX_BODY_BYTES = 64 * 1024;

const JSON_HEADERS = {
  "content-type": "application/json",
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
};

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

function error(
  status: number,
  message: string,
  extra: { field?: string; headers?: Record<string, string> } = {},
): Response {
  const body = extra.field === undefined
    ? { error: message }
    : { error: message, field: extra.field };
  return json(status, body, extra.headers);
}

type Handler = (req: Request, params: Record<string, string | undefined>) => Promise<Response>;

interface Route {
  pattern: URLPattern;
  methods: Partial<Record<"GET" | "POST", Handler>>;
  /** Whether the route changes the run, so it needs the bearer token. */
  mutating: boolean;
}

/** A request body that is not accepted, with the field to name in the 400. */
class BodyError extends Error {
  readonly field: string;
  readonly status: number;
  constructor(field: string, message: string, status = 400) {
    super(message);
    this.field = field;
    this.status = status;
  }
}

async function readBody(req: Request): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) {
    throw new BodyError(
      "body",
      `Cannot read the request body: ${declared} bytes is over ${MAX_BODY_BYTES}`,
      413,
    );
  }
  if (req.body === null) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of req.body) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) {
      throw new BodyError(
        "body",
        `Cannot read the request body: over ${MAX_BODY_BYTES} bytes`,
        413,
      );
    }
    chunks.push(chunk);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder("utf-8", { fatal: true }).decode(all);
}

/** Reads and parses a JSON body once with `schema`; an empty body is `{}`. */
async function parseBody<T>(req: Request, schema: z.ZodType<T>): Promise<T> {
  let text: string;
  try {
    text = await readBody(req);
  } catch (cause) {
    if (cause instanceof BodyError) throw cause;
    throw new BodyError("body", "Cannot read the request body as UTF-8 text");
  }
  let value: unknown = {};
  if (text.trim() !== "") {
    try {
      value = JSON.parse(text);
    } catch (cause) {
      const detail = cause instanceof Error ? cause.message : String(cause);
      throw new BodyError("body", `Cannot parse the request body as JSON: ${detail}`);
    }
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  let field = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0];
    field = field === "" ? key : `${field}.${key}`;
    throw new BodyError(field, `Cannot accept the request body: unknown field: ${field}`);
  }
  if (field === "") field = "body";
  const detail = issue.message.replace(/^Invalid input: /, "");
  throw new BodyError(
    field,
    `Cannot accept the request body as ${field} is invalid: ${detail.charAt(0).toLowerCase()}${
      detail.slice(1)
    }`,
  );
}

function isSameOrigin(req: Request): boolean {
  const origin = req.headers.get("origin");
  if (origin === null) return true; // not a browser page: curl, scripts, tests
  try {
    return new URL(origin).host === new URL(req.url).host;
  } catch {
    return false;
  }
}

/**
 * Builds the ops server's request handler from `deps`: a `(req) => Promise<Response>` that
 * `Deno.serve` runs and tests call directly. Routes (matched with `URLPattern`):
 *
 * | route | does |
 * | --- | --- |
 * | `GET /` | the live page (self-contained HTML, fed by `/ws`) |
 * | `GET /status` | {@link OpsStatus} as JSON |
 * | `GET /metrics` | Prometheus text exposition |
 * | `GET /runs/current/<file>` | one of {@link SERVED_RUN_FILES} from `runDir`, 404 for any other name |
 * | `POST /kill` | `{reason?}`: kill switch on; 200 `{kill}` |
 * | `POST /resume` | `{}`: kill switch off; 200 `{kill}` |
 * | `POST /retrain` | `{symbol?, reason?}`: 202 `{accepted, jobId}` or 409 `{accepted, reason}` |
 * | `GET /ws` | WebSocket: a hello, the backlog, then live updates (`LiveMessage`) |
 *
 * `POST` routes need `Authorization: Bearer <token>` (401 otherwise, checked before the body is
 * read). Bodies are JSON parsed once with zod (an empty body is `{}`, unknown fields are
 * refused): a bad one gets 400 `{"error": "...", "field": "..."}` (`field` is `body` for
 * unparsable JSON). Unknown path: 404; known path, other method: 405 with `Allow`. `/ws` refuses
 * a browser upgrade from another origin (403). Every error body is JSON `{"error": "..."}`.
 */
export function createOpsHandler(deps: OpsDeps): (req: Request) => Promise<Response> {
  let livePage: Promise<LivePage> | null = null;

  const routes: Route[] = [
    {
      pattern: new URLPattern({ pathname: "/" }),
      mutating: false,
      methods: {
        GET: async () => {
          livePage ??= buildLivePage();
          const page = await livePage;
          return new Response(page.html, {
            headers: {
              "content-type": "text/html; charset=utf-8",
              "content-security-policy": page.csp,
              "cache-control": "no-store",
              "x-content-type-options": "nosniff",
              "referrer-policy": "no-referrer",
            },
          });
        },
      },
    },
    {
      pattern: new URLPattern({ pathname: "/status" }),
      mutating: false,
      methods: { GET: async () => json(200, await deps.status()) },
    },
    {
      pattern: new URLPattern({ pathname: "/metrics" }),
      mutating: false,
      methods: {
        GET: async () =>
          new Response(await deps.metrics.render(), {
            headers: { "content-type": deps.metrics.contentType, "cache-control": "no-store" },
          }),
      },
    },
    {
      pattern: new URLPattern({ pathname: "/runs/current/:file" }),
      mutating: false,
      methods: { GET: (_req, params) => serveRunFile(deps.runDir, params.file ?? "") },
    },
    {
      pattern: new URLPattern({ pathname: "/kill" }),
      mutating: true,
      methods: {
        POST: async (req) => {
          const body = await parseBody(req, KillRequest);
          await deps.kill(body.reason ?? "operator");
          const { kill } = await deps.status();
          deps.hub.publish({
            type: "kill",
            ts: kill.since ?? deps.now(),
            active: kill.active,
            ...(kill.reason === undefined ? {} : { reason: kill.reason }),
          });
          return json(200, { kill });
        },
      },
    },
    {
      pattern: new URLPattern({ pathname: "/resume" }),
      mutating: true,
      methods: {
        POST: async (req) => {
          await parseBody(req, ResumeRequest);
          await deps.resume();
          const { kill } = await deps.status();
          deps.hub.publish({ type: "kill", ts: deps.now(), active: kill.active });
          return json(200, { kill });
        },
      },
    },
    {
      pattern: new URLPattern({ pathname: "/retrain" }),
      mutating: true,
      methods: {
        POST: async (req) => {
          const body = await parseBody(req, RetrainRequest);
          if (body.symbol !== undefined) {
            const { symbols } = await deps.status();
            if (!symbols.includes(body.symbol)) {
              throw new BodyError(
                "symbol",
                `Cannot retrain as symbol is not traded in this run: current value is ${body.symbol}`,
              );
            }
          }
          const outcome = await deps.retrain(body);
          return json(outcome.accepted ? 202 : 409, outcome);
        },
      },
    },
    {
      pattern: new URLPattern({ pathname: "/ws" }),
      mutating: false,
      methods: {
        GET: async (req) => {
          if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
            return error(426, "Cannot serve /ws: expected a WebSocket upgrade", {
              headers: { upgrade: "websocket" },
            });
          }
          if (!isSameOrigin(req)) {
            return error(403, `Cannot serve /ws to another origin: ${req.headers.get("origin")}`);
          }
          const status = await deps.status();
          const { socket, response } = Deno.upgradeWebSocket(req, { idleTimeout: 60 });
          deps.hub.attach(socket, {
            mode: status.mode,
            runId: status.runId,
            symbols: status.symbols,
          });
          return response;
        },
      },
    },
  ];

  return async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const route = routes.find((r) => r.pattern.test({ pathname: url.pathname }));
    if (route === undefined) return error(404, `Cannot find ${url.pathname}`);
    const handler = req.method === "GET" || req.method === "POST"
      ? route.methods[req.method]
      : undefined;
    if (handler === undefined) {
      const allow = Object.keys(route.methods).join(", ");
      return error(405, `Cannot ${req.method} ${url.pathname}: allowed is ${allow}`, {
        headers: { allow },
      });
    }
    if (route.mutating && !(await bearerMatches(req.headers.get("authorization"), deps.token))) {
      return error(401, `Cannot ${req.method} ${url.pathname}: missing or wrong bearer token`, {
        headers: { "www-authenticate": 'Bearer realm="shoal-ops"' },
      });
    }
    const params = route.pattern.exec({ pathname: url.pathname })?.pathname.groups ?? {};
    try {
      return await handler(req, params);
    } catch (cause) {
      if (cause instanceof BodyError) {
        return error(cause.status, cause.message, { field: cause.field });
      }
      const detail = cause instanceof Error ? cause.message : String(cause);
      console.error(`ops server: ${req.method} ${url.pathname} failed: ${detail}`);
      return error(500, `Cannot ${req.method} ${url.pathname}: ${detail}`);
    }
  };
}

async function serveRunFile(runDir: string, name: string): Promise<Response> {
  const contentType = Object.hasOwn(SERVED_RUN_FILES, name) ? SERVED_RUN_FILES[name] : undefined;
  if (contentType === undefined) return error(404, `Cannot find run file: ${name}`);
  let file: Deno.FsFile;
  try {
    file = await Deno.open(`${runDir.replace(/\/+$/, "")}/${name}`, { read: true });
  } catch (cause) {
    if (cause instanceof Deno.errors.NotFound) {
      return error(404, `Cannot find run file as it is not written yet: ${name}`);
    }
    throw cause;
  }
  return new Response(file.readable, {
    headers: {
      "content-type": contentType,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      "content-disposition": `inline; filename="${name}"`,
    },
  });
}

/** Options of {@link startOpsServer}. */
export interface OpsServerOptions {
  /** Address to listen on; keep it on loopback unless a proxy with TLS fronts it. @default {"127.0.0.1"} */
  host?: string;
  /** TCP port; 0 picks a free one. @default {9464} */
  port?: number;
  /** Where the one start-up line goes (the token masked). @default {console.error} */
  log?: (line: string) => void;
}

/** A running ops server. */
export interface OpsServer {
  /** The bound address, e.g. "127.0.0.1". */
  hostname: string;
  /** The bound port (the real one when `port` was 0). */
  port: number;
  /** `http://<hostname>:<port>` */
  url: string;
  /** Closes `/ws` clients and stops listening; resolves when in-flight requests are done. */
  shutdown(): Promise<void>;
}

/**
 * Serves {@link createOpsHandler}`(deps)` with `Deno.serve` on `host:port` and logs one line
 * with the URL and the masked token. Rejects when the address cannot be bound.
 */
export async function startOpsServer(
  deps: OpsDeps,
  options: OpsServerOptions = {},
): Promise<OpsServer> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 9464;
  const log = options.log ?? ((line: string) => console.error(line));
  const handler = createOpsHandler(deps);
  const bound = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    hostname: host,
    port,
    onListen: (addr) => bound.resolve(addr),
    onError: (cause) => {
      const detail = cause instanceof Error ? cause.message : String(cause);
      return error(500, `Cannot answer the request: ${detail}`);
    },
  }, handler);
  const addr = await bound.promise;
  const hostname = addr.hostname;
  const url = `http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${addr.port}`;
  const loopback = hostname === "localhost" || hostname.startsWith("127.") || hostname === "::1";
  log(
    `ops server on ${url} (token ${maskToken(deps.token)})${
      loopback ? "" : " — warning: not a loopback address, put TLS in front of it"
    }`,
  );
  return {
    hostname,
    port: addr.port,
    url,
    async shutdown() {
      deps.hub.closeAll();
      await server.shutdown();
    },
  };
}
