import assert from "node:assert/strict";
import { forwardStep } from "./forward_step.ts";

Deno.test("forwardStep() splits mass evenly between two identical states", () => {
  const h = Math.log(0.5);
  const out = new Float64Array(2);
  const ll = forwardStep(
    Float64Array.of(h, h),
    Float64Array.of(h, h, h, h),
    Float64Array.of(Math.log(0.2), Math.log(0.2)),
    out,
  );
  assert.ok(Math.abs(ll - Math.log(0.2)) < 1e-12);
  assert.ok(Math.abs(out[0] - h) < 1e-12 && Math.abs(out[1] - h) < 1e-12);
});

Deno.test("forwardStep() keeps an unreachable state at -Infinity and the rest normalised", () => {
  const out = new Float64Array(2);
  const ll = forwardStep(
    Float64Array.of(0, -Infinity),
    Float64Array.of(0, -Infinity, Math.log(0.5), Math.log(0.5)),
    Float64Array.of(-3, 5),
    out,
  );
  assert.equal(out[1], -Infinity);
  assert.equal(out[0], 0);
  assert.equal(ll, -3);
});

Deno.test("forwardStep() does not underflow with log densities of -1e8", () => {
  const out = new Float64Array(2);
  const ll = forwardStep(
    Float64Array.of(Math.log(0.3), Math.log(0.7)),
    Float64Array.of(Math.log(0.9), Math.log(0.1), Math.log(0.2), Math.log(0.8)),
    Float64Array.of(-1e8, -1e8 - 1),
    out,
  );
  assert.ok(Number.isFinite(ll) && ll < -1e8 + 1);
  const p0 = Math.exp(out[0]);
  const p1 = Math.exp(out[1]);
  assert.ok(Math.abs(p0 + p1 - 1) < 1e-15);
  // pred = (0.41, 0.59); weights 1 and e^-1.
  const w1 = 0.59 * Math.exp(-1);
  assert.ok(Math.abs(p0 - 0.41 / (0.41 + w1)) < 1e-14);
});
