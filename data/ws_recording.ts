import { z } from "zod";
import { readLineBatches } from "./_text_lines.ts";
import { type QaReport, QaTally } from "./qa_report.ts";

/** A Binance decimal string such as `"58001.03000000"` (kept verbatim, never a float). */
const Decimal = z.string().regex(/^-?\d+(?:\.\d+)?$/);
/** `[price, qty]`. */
const Level = z.tuple([Decimal, Decimal]);
const Int = z.number().int();

/** `<symbol>@aggTrade` payload (Binance field names). */
export const AggTradeEventSchema = z.object({
  e: z.literal("aggTrade"),
  E: Int,
  s: z.string(),
  a: Int,
  p: Decimal,
  q: Decimal,
  f: Int,
  l: Int,
  T: Int,
  m: z.boolean(),
  M: z.boolean().optional(),
});
/** `<symbol>@aggTrade` payload. */
export type AggTradeEvent = z.infer<typeof AggTradeEventSchema>;

/** `<symbol>@depth` / `@depth@100ms` diff payload. */
export const DepthUpdateEventSchema = z.object({
  e: z.literal("depthUpdate"),
  E: Int,
  s: z.string(),
  U: Int,
  u: Int,
  b: z.array(Level),
  a: z.array(Level),
});
/** `<symbol>@depth` diff payload. */
export type DepthUpdateEvent = z.infer<typeof DepthUpdateEventSchema>;

/** `<symbol>@kline_<interval>` payload. */
export const KlineEventSchema = z.object({
  e: z.literal("kline"),
  E: Int,
  s: z.string(),
  k: z.object({
    t: Int,
    T: Int,
    s: z.string(),
    i: z.string(),
    f: Int,
    L: Int,
    o: Decimal,
    c: Decimal,
    h: Decimal,
    l: Decimal,
    v: Decimal,
    n: Int,
    x: z.boolean(),
    q: Decimal,
    V: Decimal,
    Q: Decimal,
    B: z.string(),
  }),
});
/** `<symbol>@kline_<interval>` payload. */
export type KlineEvent = z.infer<typeof KlineEventSchema>;

/** `<symbol>@bookTicker` payload (it has no `e` or `E`). */
export const BookTickerEventSchema = z.object({
  u: Int,
  s: z.string(),
  b: Decimal,
  B: Decimal,
  a: Decimal,
  A: Decimal,
});
/** `<symbol>@bookTicker` payload. */
export type BookTickerEvent = z.infer<typeof BookTickerEventSchema>;

/** REST `GET /api/v3/depth` body (an order book snapshot). */
export const DepthSnapshotSchema = z.object({
  lastUpdateId: Int,
  bids: z.array(Level),
  asks: z.array(Level),
});
/** REST depth snapshot body. */
export type DepthSnapshot = z.infer<typeof DepthSnapshotSchema>;

const RecordedLine = z.discriminatedUnion("kind", [
  z.object({ recv_time: z.number(), kind: z.literal("ws_connect"), url: z.string() }),
  z.object({
    recv_time: z.number(),
    kind: z.literal("ws"),
    msg: z.object({ stream: z.string(), data: z.unknown() }),
  }),
  z.object({ recv_time: z.number(), kind: z.literal("rest"), url: z.string(), body: z.unknown() }),
]);

/**
 * One record of a websocket recording, parsed and validated. `recvMs` is the recorder's local
 * clock in ms (the file's `recv_time` seconds × 1000), not Binance event time (`data.E`).
 * Streams we know get a typed payload; others are kept as `ws_other` / `rest_other`.
 */
export type WsRecord =
  | { kind: "ws_connect"; recvMs: number; url: string }
  | { kind: "aggTrade"; recvMs: number; stream: string; data: AggTradeEvent }
  | { kind: "depthUpdate"; recvMs: number; stream: string; data: DepthUpdateEvent }
  | { kind: "kline"; recvMs: number; stream: string; data: KlineEvent }
  | { kind: "bookTicker"; recvMs: number; stream: string; data: BookTickerEvent }
  | { kind: "ws_other"; recvMs: number; stream: string; data: unknown }
  | { kind: "depth_snapshot"; recvMs: number; url: string; symbol: string; body: DepthSnapshot }
  | { kind: "rest_other"; recvMs: number; url: string; body: unknown };

/** A websocket recording being read: iterate it once; `qa` counts rejected lines as it goes. */
export interface WsRecording extends AsyncIterable<WsRecord> {
  /** Lines read/kept and rejections: `bad_json`, `schema_mismatch`, `truncated_line` (empty). */
  readonly qa: QaReport;
}

/**
 * Streams a raw websocket recording (`ticks/ws-recording-*.jsonl.gz`, one JSON object per line,
 * see the data README) as validated {@link WsRecord}s, in file order. Each line is parsed with
 * zod once: a line that is not JSON is dropped as `bad_json`, one that does not fit its schema
 * (e.g. an `aggTrade` without a price) as `schema_mismatch`, an empty line as `truncated_line`;
 * reading goes on. A stream is typed by its name after `@`: `aggTrade`, `depth…`, `kline_…`,
 * `bookTicker`; a REST record whose URL has `/depth` and `symbol=` becomes `depth_snapshot`.
 *
 * @throws DataFileError (one line, from the iterator) for a missing or unreadable file;
 *   TypeError when iterated a second time.
 */
export function readWsRecording(
  path: string,
  options: {
    /** @default {10} */
    maxSamples?: number;
  } = {},
): WsRecording {
  const tally = new QaTally({ maxSamples: options.maxSamples });
  tally.file = path.slice(path.lastIndexOf("/") + 1);
  let started = false;
  return {
    qa: tally.report,
    [Symbol.asyncIterator](): AsyncIterator<WsRecord> {
      if (started) throw new TypeError(`Cannot iterate a websocket recording twice: ${path}`);
      started = true;
      return records(path, tally);
    },
  };
}

async function* records(path: string, tally: QaTally): AsyncGenerator<WsRecord> {
  const report = tally.report;
  let lineNo = 0;
  for await (const lines of readLineBatches(path)) {
    for (const text of lines) {
      lineNo++;
      report.rowsRead++;
      if (text.trim() === "") {
        tally.record("truncated_line", lineNo, text);
        continue;
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        tally.record("bad_json", lineNo, text);
        continue;
      }
      const record = toRecord(json);
      if (record === null) {
        tally.record("schema_mismatch", lineNo, text);
        continue;
      }
      report.rowsKept++;
      yield record;
    }
  }
}

function toRecord(json: unknown): WsRecord | null {
  const line = RecordedLine.safeParse(json);
  if (!line.success) return null;
  const l = line.data;
  const recvMs = l.recv_time * 1000;
  switch (l.kind) {
    case "ws_connect":
      return { kind: "ws_connect", recvMs, url: l.url };
    case "rest": {
      const symbol = /[?&]symbol=([A-Za-z0-9]+)/.exec(l.url)?.[1];
      if (!l.url.includes("/depth") || symbol === undefined) {
        return { kind: "rest_other", recvMs, url: l.url, body: l.body };
      }
      const body = DepthSnapshotSchema.safeParse(l.body);
      return body.success
        ? {
          kind: "depth_snapshot",
          recvMs,
          url: l.url,
          symbol: symbol.toUpperCase(),
          body: body.data,
        }
        : null;
    }
    case "ws": {
      const stream = l.msg.stream;
      const name = stream.slice(stream.indexOf("@") + 1);
      if (name === "aggTrade") {
        const d = AggTradeEventSchema.safeParse(l.msg.data);
        return d.success ? { kind: "aggTrade", recvMs, stream, data: d.data } : null;
      }
      if (name.startsWith("depth")) {
        const d = DepthUpdateEventSchema.safeParse(l.msg.data);
        return d.success ? { kind: "depthUpdate", recvMs, stream, data: d.data } : null;
      }
      if (name.startsWith("kline_")) {
        const d = KlineEventSchema.safeParse(l.msg.data);
        return d.success ? { kind: "kline", recvMs, stream, data: d.data } : null;
      }
      if (name === "bookTicker") {
        const d = BookTickerEventSchema.safeParse(l.msg.data);
        return d.success ? { kind: "bookTicker", recvMs, stream, data: d.data } : null;
      }
      return { kind: "ws_other", recvMs, stream, data: l.msg.data };
    }
  }
}
