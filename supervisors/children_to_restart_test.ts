import assert from "node:assert/strict";
import { childrenToRestart } from "./children_to_restart.ts";

const ids = ["feed", "btc", "eth", "risk"];

Deno.test("childrenToRestart() with one_for_one restarts only the failed child", () => {
  assert.deepEqual(childrenToRestart("one_for_one", ids, "eth"), ["eth"]);
});

Deno.test("childrenToRestart() with one_for_all restarts every child in start order", () => {
  assert.deepEqual(childrenToRestart("one_for_all", ids, "eth"), ["feed", "btc", "eth", "risk"]);
});

Deno.test("childrenToRestart() with rest_for_one restarts the failed child and those after it", () => {
  assert.deepEqual(childrenToRestart("rest_for_one", ids, "btc"), ["btc", "eth", "risk"]);
  assert.deepEqual(childrenToRestart("rest_for_one", ids, "risk"), ["risk"]);
});

Deno.test("childrenToRestart() throws a RangeError for a child it does not know", () => {
  assert.throws(() => childrenToRestart("one_for_one", ids, "sol"), RangeError);
});
