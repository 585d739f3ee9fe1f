import assert from "node:assert/strict";
import { DataFileError } from "./data_file_error.ts";
import { parseKlineCsv, readKlineCsv } from "./read_kline_csv.ts";

const T0 = 1747699200000;

async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("parseKlineCsv() reads a headerless 12-column Binance row positionally", () => {
  const row = `${T0},1.5,2,1,1.8,100,${T0 + 59_999},170,42,50,85,0`;
  const r = parseKlineCsv([row], "BTCUSDT");
  assert.deepEqual(
    [r.columns.openTime[0], r.columns.open[0], r.columns.high[0], r.columns.low[0]],
    [T0, 1.5, 2, 1],
  );
  assert.deepEqual([r.columns.close[0], r.columns.volume[0]], [1.8, 100]);
  assert.equal(r.qa.rowsRead, 1);
});

Deno.test("parseKlineCsv() finds columns by header name and ignores extra ones", () => {
  const r = parseKlineCsv(
    ["volume,trades,open_time,close,low,high,open", `7,3,${T0},1.1,1,1.2,1.05`],
    "BTCUSDT",
  );
  assert.deepEqual(
    [r.columns.openTime[0], r.columns.open[0], r.columns.high[0], r.columns.low[0]],
    [T0, 1.05, 1.2, 1],
  );
  assert.deepEqual([r.columns.close[0], r.columns.volume[0]], [1.1, 7]);
});

Deno.test("readKlineCsv() reads several gzip CRLF files as one stream with line numbers per file", async () => {
  const dir = await Deno.makeTempDir();
  const h = "open_time,open,high,low,close,volume\r\n";
  const row = (i: number) => `${T0 + i * 60_000},1,1,1,1,${i + 1}\r\n`;
  await Deno.writeFile(`${dir}/a.csv.gz`, await gzip(h + row(0) + row(1)));
  await Deno.writeTextFile(`${dir}/b.csv`, h + row(1) + row(2) + row(3));
  const r = await readKlineCsv([`${dir}/a.csv.gz`, `${dir}/b.csv`], "BTCUSDT");
  assert.deepEqual([...r.columns.volume], [1, 2, 3, 4]);
  assert.deepEqual(r.qa.samples, [
    { rule: "duplicate_ts", file: "b.csv", line: 2, text: `${T0 + 60_000},1,1,1,1,2` },
  ]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("readKlineCsv() throws a one-line DataFileError for a header without volume", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/x.csv`, `open_time,open,high,low,close\n${T0},1,1,1,1\n`);
  await assert.rejects(
    () => readKlineCsv(`${dir}/x.csv`, "X"),
    (e: unknown) =>
      e instanceof DataFileError &&
      e.message ===
        `Cannot read kline file "${dir}/x.csv": its header has no column volume: header is "open_time,open,high,low,close"`,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("readKlineCsv() keeps reading a file with invalid UTF-8 and counts the row", async () => {
  const dir = await Deno.makeTempDir();
  const enc = new TextEncoder();
  const bytes = [
    ...enc.encode(`open_time,open,high,low,close,volume\n${T0},1,1,1,1,1\n`),
    ...enc.encode(`${T0 + 60_000},1,`),
    0xff,
    0xfe,
    ...enc.encode(`,1,1,1\n${T0 + 120_000},1,1,1,1,1\n`),
  ];
  await Deno.writeFile(`${dir}/x.csv`, new Uint8Array(bytes));
  const r = await readKlineCsv(`${dir}/x.csv`, "X");
  assert.equal(r.columns.length, 2);
  assert.equal(r.qa.byRule.non_numeric, 1);
  assert.equal(r.qa.byRule.gap, 1);
  await Deno.remove(dir, { recursive: true });
});
