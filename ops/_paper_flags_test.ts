import assert from "node:assert/strict";
import { parseDuration, parsePaperFlags, parseSpeed } from "./_paper_flags.ts";
import { UsageError } from "./_train_flags.ts";

Deno.test("parseDuration() reads s, m and h and rounds up to whole minutes", () => {
  assert.equal(parseDuration("60m"), 3_600_000);
  assert.equal(parseDuration("2h"), 7_200_000);
  assert.equal(parseDuration("90s"), 120_000);
  assert.equal(parseDuration("1.5h"), 5_400_000);
  assert.equal(parseDuration("60"), null);
  assert.equal(parseDuration("0m"), null);
  assert.equal(parseDuration("-5m"), null);
});

Deno.test("parseSpeed() reads a positive number or max", () => {
  assert.equal(parseSpeed("60"), 60);
  assert.equal(parseSpeed("0.5"), 0.5);
  assert.equal(parseSpeed("max"), "max");
  assert.equal(parseSpeed("0"), null);
  assert.equal(parseSpeed("fast"), null);
});

Deno.test("parsePaperFlags() defaults to sim, 60 market minutes at speed 60", () => {
  const f = parsePaperFlags([]);
  assert.equal(f.venue, "sim");
  assert.equal(f.duration, 3_600_000);
  assert.equal(
    f.speed,
    undefined,
    "60 is applied by the run, so --resume can tell it was not given",
  );
  assert.equal(f.kind, "h2");
  assert.equal(f.resume, undefined);
});

Deno.test("parsePaperFlags() names every bad flag in one UsageError line", () => {
  assert.throws(
    () => parsePaperFlags(["--duration", "soon", "--speed", "0"]),
    (e: unknown) =>
      e instanceof UsageError && /--duration/.test(e.message) && /--speed/.test(e.message) &&
      !e.message.includes("\n"),
  );
  assert.throws(() => parsePaperFlags(["--venue", "moon"]), UsageError);
  assert.throws(() => parsePaperFlags(["--nope", "1"]), /unknown flag --nope/);
});

Deno.test("parsePaperFlags() refuses run settings beside --resume", () => {
  const f = parsePaperFlags(["--resume", "runs/x", "--speed", "max"]);
  assert.equal(f.resume, "runs/x");
  assert.equal(f.speed, "max");
  assert.throws(() => parsePaperFlags(["--resume", "runs/x", "--duration", "2h"]), /--duration/);
});

Deno.test("parsePaperFlags() keeps testnet in real time and without sim-only flags", () => {
  assert.equal(parsePaperFlags(["--venue", "testnet"]).venue, "testnet");
  assert.throws(() => parsePaperFlags(["--venue", "testnet", "--speed", "max"]), UsageError);
  assert.throws(() => parsePaperFlags(["--venue", "testnet", "--from", "2025-06-19"]), UsageError);
});
