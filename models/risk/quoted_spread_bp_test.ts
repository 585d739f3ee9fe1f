import assert from "node:assert/strict";
import { quotedSpreadBp } from "./quoted_spread_bp.ts";

Deno.test("quotedSpreadBp() is the spread over the mid in bp, NaN for a crossed or empty book", () => {
  assert.ok(Math.abs(quotedSpreadBp(99.95, 100.05) - 10) < 1e-9);
  assert.equal(quotedSpreadBp(100, 100), 0);
  assert.ok(Number.isNaN(quotedSpreadBp(100.1, 100)));
  assert.ok(Number.isNaN(quotedSpreadBp(0, 100)));
  assert.ok(Number.isNaN(quotedSpreadBp(100, Infinity)));
});
