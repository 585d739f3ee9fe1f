import assert from "node:assert/strict";
import type { DepthRecord } from "../sim/sim_records.ts";
import { SeededRng } from "../../models/seeded_rng.ts";
import { DepthDiffer } from "./_depth_differ.ts";

function book(id: number, bids: [number, number][], asks: [number, number][]): DepthRecord {
  const f = (x: number) => x.toFixed(8);
  return {
    lastUpdateId: id,
    bids: bids.map(([p, q]) => [f(p), f(q)]),
    asks: asks.map(([p, q]) => [f(p), f(q)]),
  };
}

/** Applies a diff to a snapshot as a Binance client does (absolute quantities, 0 = remove). */
function apply(snapshot: DepthRecord, diff: { b: [string, string][]; a: [string, string][] }) {
  const side = (levels: [string, string][], changes: [string, string][]) => {
    const m = new Map(levels);
    for (const [p, q] of changes) {
      if (Number(q) === 0) m.delete(p);
      else m.set(p, q);
    }
    return [...m.entries()].sort((x, y) => Number(x[0]) - Number(y[0]));
  };
  return { bids: side(snapshot.bids, diff.b), asks: side(snapshot.asks, diff.a) };
}

const sorted = (b: DepthRecord) => ({
  bids: [...b.bids].sort((x, y) => Number(x[0]) - Number(y[0])),
  asks: [...b.asks].sort((x, y) => Number(x[0]) - Number(y[0])),
});

Deno.test("DepthDiffer covers (prevU, u] contiguously and returns null when nothing moved", () => {
  let cur = book(5, [[10, 1]], [[11, 1]]);
  const d = new DepthDiffer(() => cur);
  assert.equal(d.flush(), null);
  cur = book(7, [[10, 2]], [[11, 1]]);
  assert.deepEqual(d.flush(), { U: 6, u: 7, b: [["10.00000000", "2.00000000"]], a: [] });
  cur = book(8, [[9, 1]], [[12, 1]]);
  assert.deepEqual(d.flush(), {
    U: 8,
    u: 8,
    b: [["10.00000000", "0.00000000"], ["9.00000000", "1.00000000"]],
    a: [["11.00000000", "0.00000000"], ["12.00000000", "1.00000000"]],
  });
});

Deno.test("DepthDiffer includes a level that changed and changed back, so a snapshot taken in between syncs", () => {
  let cur = book(1, [[10, 1]], [[11, 1]]);
  const d = new DepthDiffer(() => cur);
  cur = book(2, [[10, 3]], [[11, 1]]);
  d.note();
  const snapshotAt2 = cur;
  cur = book(3, [[10, 1]], [[11, 1]]);
  d.note();
  const diff = d.flush()!;
  assert.equal(
    diff.U <= snapshotAt2.lastUpdateId + 1 && snapshotAt2.lastUpdateId + 1 <= diff.u,
    true,
  );
  assert.deepEqual(apply(snapshotAt2, diff), sorted(cur));
});

Deno.test("DepthDiffer keeps any intermediate snapshot in sync over random book changes", () => {
  const rng = new SeededRng(7);
  const randomBook = (id: number): DepthRecord => {
    const mid = 100 + Math.floor(rng.next() * 5);
    const bids: [number, number][] = [];
    const asks: [number, number][] = [];
    for (let k = 0; k < 4; k++) {
      if (rng.next() < 0.8) bids.push([mid - 1 - k, 1 + Math.floor(rng.next() * 3)]);
      if (rng.next() < 0.8) asks.push([mid + 1 + k, 1 + Math.floor(rng.next() * 3)]);
    }
    return book(id, bids, asks);
  };
  let id = 1;
  let cur = randomBook(id);
  const d = new DepthDiffer(() => cur);
  for (let round = 0; round < 200; round++) {
    const versions: DepthRecord[] = [];
    const steps = 1 + Math.floor(rng.next() * 4);
    for (let i = 0; i < steps; i++) {
      cur = randomBook(++id);
      d.note();
      versions.push(cur);
    }
    const diff = d.flush()!;
    for (const snap of versions) {
      assert.deepEqual(
        apply(snap, diff),
        sorted(cur),
        `round ${round} from snapshot ${snap.lastUpdateId}`,
      );
    }
  }
});
