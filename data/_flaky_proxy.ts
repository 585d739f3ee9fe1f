/**
 * For tests: an HTTP + WebSocket proxy on 127.0.0.1 in front of a venue (the simulated exchange
 * server) that can lose things on purpose: the answer to a request (the request reaches the venue,
 * the client never hears back), the request itself (the venue never sees it), or every open
 * WebSocket (a dropped stream).
 */

/** What to do with one HTTP request. */
export type ProxyAction = "forward" | "drop-answer" | "drop-request";

/** A running proxy. */
export interface FlakyProxy {
  /** `http://127.0.0.1:PORT`: give it to the client instead of the venue's. */
  baseUrl: string;
  /** HTTP requests seen, as `METHOD /path`. */
  readonly seen: string[];
  /** Closes every proxied WebSocket (both ends); returns how many were open. */
  dropWebSockets(): number;
  /** While true, new WebSocket connections are refused (503). */
  refuseWebSockets: boolean;
  close(): Promise<void>;
}

/**
 * Starts the proxy. `decide` is asked for every HTTP request (not for WebSocket upgrades).
 *
 * @param upstream the venue's `http://host:port`.
 */
export function startFlakyProxy(
  upstream: string,
  decide: (method: string, path: string) => ProxyAction = () => "forward",
): FlakyProxy {
  const sockets = new Set<{ client: WebSocket; venue: WebSocket }>();
  const hanging = new Set<() => void>();
  const seen: string[] = [];
  let refuse = false;
  const never = () =>
    new Promise<Response>((resolve) => {
      const release = () => resolve(new Response("proxy closed", { status: 502 }));
      hanging.add(release);
    });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    const target = `${upstream}${url.pathname}${url.search}`;
    if (req.headers.get("upgrade")?.toLowerCase() === "websocket") {
      if (refuse) return new Response("refused", { status: 503 });
      const { socket, response } = Deno.upgradeWebSocket(req);
      const venue = new WebSocket(target.replace(/^http/, "ws"));
      const pair = { client: socket, venue };
      sockets.add(pair);
      const early: (string | ArrayBufferLike | Blob | ArrayBufferView)[] = [];
      socket.onmessage = (e) => {
        if (venue.readyState === WebSocket.OPEN) venue.send(e.data);
        else early.push(e.data);
      };
      venue.onopen = () => {
        for (const m of early.splice(0)) venue.send(m);
      };
      venue.onmessage = (e) => {
        if (socket.readyState === WebSocket.OPEN) socket.send(e.data);
      };
      const end = () => {
        sockets.delete(pair);
        for (const s of [socket, venue]) {
          if (s.readyState === WebSocket.OPEN || s.readyState === WebSocket.CONNECTING) {
            try {
              s.close();
            } catch {
              // already closing
            }
          }
        }
      };
      socket.onclose = end;
      venue.onclose = end;
      socket.onerror = end;
      venue.onerror = end;
      return response;
    }
    const action = decide(req.method, url.pathname);
    seen.push(`${req.method} ${url.pathname}`);
    if (action === "drop-request") return await never();
    const body = req.method === "GET" || req.method === "HEAD" ? undefined : await req.text();
    const headers = new Headers(req.headers);
    headers.delete("host");
    const answer = await fetch(target, { method: req.method, headers, body });
    const text = await answer.text();
    if (action === "drop-answer") return await never();
    return new Response(text, { status: answer.status, headers: answer.headers });
  });
  return {
    baseUrl: `http://127.0.0.1:${server.addr.port}`,
    seen,
    dropWebSockets() {
      const n = sockets.size;
      for (const { client, venue } of [...sockets]) {
        for (const s of [client, venue]) {
          try {
            s.close();
          } catch {
            // already closing
          }
        }
      }
      sockets.clear();
      return n;
    },
    get refuseWebSockets() {
      return refuse;
    },
    set refuseWebSockets(v: boolean) {
      refuse = v;
    },
    async close() {
      for (const release of hanging) release();
      hanging.clear();
      this.dropWebSockets();
      await server.shutdown();
    },
  };
}
