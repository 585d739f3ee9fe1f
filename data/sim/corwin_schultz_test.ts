import assert from "node:assert/strict";
import { corwinSchultzSpread } from "./corwin_schultz.ts";

// Tolerance for float comparisons: 1e-12 (the values are O(1e-2)).
const EPS = 1e-12;

Deno.test("corwinSchultzSpread() matches a hand-computed pair of bars", () => {
  // Bars (H,L) = (101, 99) then (101.5, 99.5):
  //   ln(101/99) = 0.020000666706669, ln(101.5/99.5) = 0.019901154317295
  //   β = 0.020000666706669² + 0.019901154317295² = 0.000796082611872
  //   γ = ln(101.5/99)² = 0.024938948347252² = 0.000621951144667
  //   k = 3 − 2√2 = 0.171572875253810
  //   α = (√(2β) − √β)/k − √(γ/k) = 0.011687009140856/k − 0.060207947331258 = 0.007908933752
  //   S = 2(e^α − 1)/(1 + e^α) = 0.007908892526592
  const s = corwinSchultzSpread({ high: 101, low: 99 }, { high: 101.5, low: 99.5 });
  assert.ok(Math.abs(s - 0.007908892526591878) < EPS, `got ${s}`);
});

Deno.test("corwinSchultzSpread() returns a negative raw estimate when the range widens a lot", () => {
  // (101, 99) then (102, 100): γ = ln(102/99)² exceeds what β explains.
  const s = corwinSchultzSpread({ high: 101, low: 99 }, { high: 102, low: 100 });
  assert.ok(Math.abs(s - -0.004122108538858288) < EPS, `got ${s}`);
});

Deno.test("corwinSchultzSpread() shifts the second bar by a gap above the previous close", () => {
  // prevClose 99.2, second bar (103, 101) lies 1.8 above it -> shifted to (101.2, 99.2)
  const shifted = corwinSchultzSpread({ high: 101, low: 99 }, { high: 103, low: 101 }, {
    prevClose: 99.2,
  });
  const direct = corwinSchultzSpread({ high: 101, low: 99 }, { high: 101.2, low: 99.2 });
  assert.ok(Math.abs(shifted - direct) < EPS);
  // and a gap below: prevClose 101, second bar (99, 98) is 2 below -> shifted to (101, 100)
  const below = corwinSchultzSpread({ high: 101, low: 99 }, { high: 99, low: 98 }, {
    prevClose: 101,
  });
  const belowDirect = corwinSchultzSpread({ high: 101, low: 99 }, { high: 101, low: 100 });
  assert.ok(Math.abs(below - belowDirect) < EPS);
});

Deno.test("corwinSchultzSpread() gives 0 for flat bars and NaN for impossible prices", () => {
  assert.equal(corwinSchultzSpread({ high: 5, low: 5 }, { high: 5, low: 5 }), 0);
  assert.ok(Number.isNaN(corwinSchultzSpread({ high: 5, low: 0 }, { high: 5, low: 5 })));
  assert.ok(Number.isNaN(corwinSchultzSpread({ high: 4, low: 5 }, { high: 5, low: 5 })));
});
