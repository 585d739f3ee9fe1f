import assert from "node:assert/strict";
import { asyncBufferFromFile, parquetReadObjects } from "hyparquet";
import { ParquetRollup } from "./parquet_rollup.ts";

const DAY = 86_400_000;
const D1 = Date.UTC(2025, 5, 1);

async function rows(path: string): Promise<Record<string, unknown>[]> {
  return await parquetReadObjects({ file: await asyncBufferFromFile(path) });
}

Deno.test("ParquetRollup writes a touched day without rows and a late row to a next part", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shoal-rollup-" });
  const r = new ParquetRollup(dir, ["ts", "qty"] as const, ["ts", "double"]);
  r.touch(D1 + 5);
  r.add([D1 + DAY + 1, "2.5"]);
  await r.flushBefore(D1 + DAY + 2);
  assert.deepEqual(r.written.map((p) => p.slice(dir.length + 1)), ["2025-06-01.parquet"]);
  assert.deepEqual(await rows(`${dir}/2025-06-01.parquet`), []);
  r.touch(D1 + 7); // already written: touching it again writes nothing
  r.add([D1 + 9, "1.25"]); // late: its day is written, the row goes to a second part
  await r.close();
  assert.deepEqual(r.written.map((p) => p.slice(dir.length + 1)), [
    "2025-06-01.parquet",
    "2025-06-01-part2.parquet",
    "2025-06-02.parquet",
  ]);
  assert.deepEqual((await rows(`${dir}/2025-06-01-part2.parquet`)).map((x) => x.qty), [1.25]);
  assert.deepEqual((await rows(`${dir}/2025-06-02.parquet`)).map((x) => x.qty), [2.5]);
  await Deno.remove(dir, { recursive: true });
});
