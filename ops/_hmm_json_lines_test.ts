import assert from "node:assert/strict";
import { readLines } from "./_hmm_json_lines.ts";

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      for (const chunk of chunks) c.enqueue(chunk);
      c.close();
    },
  });
}

async function collect(chunks: Uint8Array[]): Promise<string[]> {
  const out: string[] = [];
  for await (const l of readLines(streamOf(chunks))) out.push(l);
  return out;
}

Deno.test("readLines() joins a line split over many chunks, including inside a UTF-8 character", async () => {
  const bytes = new TextEncoder().encode('{"id":"é€"}\n{"a":1}\n');
  const chunks = Array.from(bytes, (b) => Uint8Array.of(b));
  assert.deepEqual(await collect(chunks), ['{"id":"é€"}', '{"a":1}']);
});

Deno.test("readLines() yields empty lines, keeps \\r for the caller and yields a last line without newline", async () => {
  const enc = new TextEncoder();
  assert.deepEqual(await collect([enc.encode("a\r\n\n  \nb")]), ["a\r", "", "  ", "b"]);
  assert.deepEqual(await collect([]), []);
});

Deno.test("readLines() handles a 500 KB line arriving in 64 KB chunks", async () => {
  const line = "x".repeat(500_000);
  const bytes = new TextEncoder().encode(line + "\nend\n");
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += 65536) chunks.push(bytes.subarray(i, i + 65536));
  const got = await collect(chunks);
  assert.equal(got.length, 2);
  assert.equal(got[0].length, 500_000);
  assert.equal(got[1], "end");
});
