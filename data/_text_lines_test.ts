import assert from "node:assert/strict";
import { DataFileError } from "./data_file_error.ts";
import {
  forEachLine,
  LineSplitter,
  readLineBatches,
  readLineChunks,
  splitLines,
} from "./_text_lines.ts";

async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("LineSplitter joins lines cut across chunks and strips CRLF", () => {
  const s = new LineSplitter();
  const out: string[] = [];
  for (const chunk of ["a,1\r\nb,", "2\nc", ",3\r", "\nd,4"]) {
    out.push(...splitLines(s.push(chunk)));
  }
  out.push(...splitLines(s.end()));
  assert.deepEqual(out, ["a,1", "b,2", "c,3", "d,4"]);
});

Deno.test("forEachLine() gives no empty last line after a final newline but keeps inner blanks", () => {
  const seen: string[] = [];
  forEachLine("x\n\ny\n", (t, s, e) => seen.push(t.slice(s, e)));
  assert.deepEqual(seen, ["x", "", "y"]);
  assert.deepEqual(splitLines(""), []);
});

Deno.test("readLineChunks() streams a gzip file into whole lines", async () => {
  const dir = await Deno.makeTempDir();
  const lines = Array.from({ length: 50_000 }, (_, i) => `${i},${i * 2}`);
  await Deno.writeFile(`${dir}/x.csv.gz`, await gzip(lines.join("\n") + "\n"));
  let chunks = 0;
  const got: string[] = [];
  for await (const text of readLineChunks(`${dir}/x.csv.gz`)) {
    chunks++;
    assert.ok(text.endsWith("\n"));
    got.push(...splitLines(text));
  }
  assert.ok(chunks > 1, `read as ${chunks} chunk(s)`);
  assert.deepEqual(got, lines);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("readLineBatches() yields a last line without newline", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/x.csv`, "h\n1\n2");
  const got: string[] = [];
  for await (const batch of readLineBatches(`${dir}/x.csv`)) got.push(...batch);
  assert.deepEqual(got, ["h", "1", "2"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("readLineChunks() throws one-line DataFileError for a missing file and a cut gzip", async () => {
  const dir = await Deno.makeTempDir();
  await assert.rejects(
    async () => {
      for await (const _ of readLineChunks(`${dir}/nope.csv`)) { /* nothing */ }
    },
    (e: unknown) =>
      e instanceof DataFileError &&
      e.message === `Cannot read data file "${dir}/nope.csv": file not found`,
  );
  const full = await gzip("a,b\n".repeat(10_000));
  await Deno.writeFile(`${dir}/cut.csv.gz`, full.subarray(0, full.length >> 1));
  await assert.rejects(
    async () => {
      for await (const _ of readLineChunks(`${dir}/cut.csv.gz`)) { /* nothing */ }
    },
    (e: unknown) => e instanceof DataFileError && !e.message.includes("\n"),
  );
  await Deno.remove(dir, { recursive: true });
});
