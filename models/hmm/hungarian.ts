/**
 * Minimum-cost assignment on a square n×n cost matrix by the Hungarian method with potentials
 * (Kuhn 1955, Munkres 1957; the O(n³) shortest-augmenting-path form). Ties are resolved
 * deterministically (lowest column first).
 *
 * @param cost row-major n*n, finite.
 * @returns assignment[row] = column, a permutation of 0..n−1.
 */
export function hungarian(cost: Float64Array, n: number): Int32Array {
  if (cost.length !== n * n) {
    throw new TypeError(`Cannot solve an assignment: cost holds ${cost.length} numbers for n=${n}`);
  }
  // 1-based arrays; p[j] = row matched to column j (0 = none), u/v potentials.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const p = new Int32Array(n + 1);
  const way = new Int32Array(n + 1);
  const minv = new Float64Array(n + 1);
  const used = new Uint8Array(n + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0];
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const cur = cost[(i0 - 1) * n + (j - 1)] - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  const assignment = new Int32Array(n);
  for (let j = 1; j <= n; j++) if (p[j] > 0) assignment[p[j] - 1] = j - 1;
  return assignment;
}
