import assert from "node:assert/strict";
import { defaultDataDir } from "./data_dir.ts";
import { DataFileError } from "./data_file_error.ts";
import { readWsRecording, type WsRecord } from "./ws_recording.ts";

const TICKS = `${defaultDataDir()}/ticks`;

async function collect(path: string) {
  const rec = readWsRecording(path);
  const records: WsRecord[] = [];
  for await (const r of rec) records.push(r);
  return { records, qa: rec.qa };
}

function countKinds(records: WsRecord[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of records) out[r.kind] = (out[r.kind] ?? 0) + 1;
  return out;
}

Deno.test("readWsRecording() parses the 2021-04-04 recording: README event counts, all valid", async () => {
  const { records, qa } = await collect(
    `${TICKS}/ws-recording-2021-04-04-BTCUSDT-ETHUSDT-DOTUSDT.jsonl.gz`,
  );
  assert.equal(records.length, 4720);
  assert.deepEqual(countKinds(records), {
    ws_connect: 1,
    aggTrade: 1910,
    depthUpdate: 2688,
    kline: 118,
    depth_snapshot: 3,
  });
  assert.equal(qa.rowsRead, 4720);
  assert.deepEqual(qa.counts, { DATA: 0, STALE: 0 });
  const agg = records.find((r) => r.kind === "aggTrade" && r.data.s === "BTCUSDT");
  assert.ok(agg?.kind === "aggTrade");
  assert.deepEqual(
    [agg.data.a, agg.data.p, agg.data.q, agg.data.T, agg.data.m],
    [665076760, "58001.03000000", "0.08620500", 1617566591314, true],
  );
  const snap = records.find((r) => r.kind === "depth_snapshot" && r.symbol === "BTCUSDT");
  assert.ok(snap?.kind === "depth_snapshot");
  assert.equal(snap.body.lastUpdateId, 9893033066);
  // depth continuity per symbol: every U is the previous u + 1 (README)
  const lastU = new Map<string, number>();
  for (const r of records) {
    if (r.kind !== "depthUpdate") continue;
    const prev = lastU.get(r.data.s);
    if (prev !== undefined) assert.equal(r.data.U, prev + 1);
    lastU.set(r.data.s, r.data.u);
  }
});

Deno.test("readWsRecording() parses the 84 bookTicker messages of the 2021-10-12 recording", async () => {
  const { records, qa } = await collect(
    `${TICKS}/ws-recording-2021-10-12-NKNUSDT-LRCBTC-BLZETH-RUNEEUR.jsonl.gz`,
  );
  assert.equal(records.length, 266);
  assert.equal(countKinds(records).bookTicker, 84);
  const bt = records.find((r) => r.kind === "bookTicker");
  assert.ok(bt?.kind === "bookTicker");
  assert.equal(bt.stream.endsWith("@bookTicker"), true);
  assert.equal(qa.rowsKept, 266);
});

Deno.test("readWsRecording() drops bad JSON and schema mismatches and reads on", async () => {
  const dir = await Deno.makeTempDir();
  const good = {
    recv_time: 1617566592.5,
    kind: "ws",
    msg: {
      stream: "btcusdt@aggTrade",
      data: {
        e: "aggTrade",
        E: 1,
        s: "BTCUSDT",
        a: 1,
        p: "1.5",
        q: "2",
        f: 1,
        l: 1,
        T: 1,
        m: false,
      },
    },
  };
  const noPrice = structuredClone(good) as { msg: { data: Record<string, unknown> } };
  delete noPrice.msg.data.p;
  const lines = [
    JSON.stringify(good),
    '{"recv_time": 1, "kind": "ws", "msg": {"stream"', // bad_json (cut)
    JSON.stringify(noPrice), // schema_mismatch
    JSON.stringify({ recv_time: 1, kind: "telepathy" }), // schema_mismatch
    "",
    JSON.stringify({ recv_time: 2, kind: "ws", msg: { stream: "btcusdt@trade", data: { x: 1 } } }),
  ];
  await Deno.writeTextFile(`${dir}/r.jsonl`, lines.join("\n"));
  const { records, qa } = await collect(`${dir}/r.jsonl`);
  assert.deepEqual(records.map((r) => r.kind), ["aggTrade", "ws_other"]);
  assert.equal(records[0].recvMs, 1617566592500);
  assert.equal(qa.byRule.bad_json, 1);
  assert.equal(qa.byRule.schema_mismatch, 2);
  assert.equal(qa.byRule.truncated_line, 1);
  assert.deepEqual(qa.samples.map((s) => s.line), [2, 3, 4, 5]);
  assert.deepEqual(qa.counts, { DATA: 4, STALE: 0 });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("readWsRecording() fails one line for a missing file and refuses a second iteration", async () => {
  const rec = readWsRecording("/nonexistent/r.jsonl.gz");
  await assert.rejects(
    async () => {
      for await (const _ of rec) { /* nothing */ }
    },
    (e: unknown) => e instanceof DataFileError && e.message.endsWith(": file not found"),
  );
  assert.throws(() => rec[Symbol.asyncIterator](), TypeError);
});
