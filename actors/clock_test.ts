import assert from "node:assert/strict";
import { ManualClock, WallClock } from "./clock.ts";

Deno.test("ManualClock moves only when set or advanced", () => {
  const clock = new ManualClock(1_700_000_000_000);
  assert.equal(clock.now(), 1_700_000_000_000);
  clock.advance(250);
  assert.equal(clock.now(), 1_700_000_000_250);
  clock.set(1_700_000_001_000);
  assert.equal(clock.now(), 1_700_000_001_000);
});

Deno.test("ManualClock throws a RangeError when set back or advanced by a negative step", () => {
  const clock = new ManualClock(10);
  assert.throws(() => clock.set(9), RangeError);
  assert.throws(() => clock.advance(-1), RangeError);
  assert.throws(() => clock.set(Number.NaN), RangeError);
  assert.equal(clock.now(), 10);
});

Deno.test("WallClock reads the machine's clock in ms since the epoch", () => {
  const before = Date.now();
  const now = new WallClock().now();
  assert.ok(now >= before && now <= Date.now());
});
