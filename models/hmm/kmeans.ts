import type { SeededRng } from "../seeded_rng.ts";

/** Options of `kmeans`. */
export interface KmeansOptions {
  /** Features per row. */
  D: number;
  /** Number of clusters (1 ≤ K ≤ number of rows). */
  K: number;
  /** Source of randomness for the k-means++ seeding. */
  rng: SeededRng;
  /** Lloyd iterations at most. @default {100} */
  maxIter?: number;
}

/** Cluster centres and the cluster of every row. */
export interface KmeansResult {
  /** K*D row-major. */
  centers: Float64Array;
  /** Cluster of each row, length T. */
  labels: Int32Array;
}

/**
 * k-means with k-means++ seeding (Arthur & Vassilvitskii 2007: the first centre uniform, each next
 * one drawn with probability ∝ squared distance to the nearest chosen centre) followed by Lloyd
 * iterations until no label changes. Deterministic for a given rng state. When every remaining
 * distance is 0 (fewer distinct rows than K) the next centre is drawn uniformly; a cluster that
 * loses all its rows keeps its centre.
 *
 * @param x row-major T*D observations, T ≥ K.
 */
export function kmeans(x: Float64Array, options: KmeansOptions): KmeansResult {
  const { D, K, rng } = options;
  const maxIter = options.maxIter ?? 100;
  const T = x.length / D;
  if (!Number.isInteger(T) || T < K || K < 1) {
    throw new RangeError(`Cannot run k-means with K=${K} on ${x.length / D} rows of ${D}`);
  }
  const centers = new Float64Array(K * D);
  const dist = new Float64Array(T).fill(Infinity);
  let pick = rng.nextInt(T);
  for (let c = 0; c < K; c++) {
    if (c > 0) {
      let total = 0;
      for (let t = 0; t < T; t++) total += dist[t];
      if (total > 0) {
        let u = rng.next() * total;
        pick = T - 1;
        for (let t = 0; t < T; t++) {
          u -= dist[t];
          if (u < 0 && dist[t] > 0) {
            pick = t;
            break;
          }
        }
      } else {
        pick = rng.nextInt(T);
      }
    }
    for (let d = 0; d < D; d++) centers[c * D + d] = x[pick * D + d];
    for (let t = 0; t < T; t++) {
      const s = sqDist(x, t * D, centers, c * D, D);
      if (s < dist[t]) dist[t] = s;
    }
  }
  const labels = new Int32Array(T).fill(-1);
  const sums = new Float64Array(K * D);
  const counts = new Float64Array(K);
  for (let iter = 0; iter < maxIter; iter++) {
    let changed = 0;
    for (let t = 0; t < T; t++) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < K; c++) {
        const s = sqDist(x, t * D, centers, c * D, D);
        if (s < bestD) {
          bestD = s;
          best = c;
        }
      }
      if (labels[t] !== best) {
        labels[t] = best;
        changed++;
      }
    }
    if (changed === 0) break;
    sums.fill(0);
    counts.fill(0);
    for (let t = 0; t < T; t++) {
      const c = labels[t];
      counts[c]++;
      for (let d = 0; d < D; d++) sums[c * D + d] += x[t * D + d];
    }
    for (let c = 0; c < K; c++) {
      if (counts[c] === 0) continue;
      for (let d = 0; d < D; d++) centers[c * D + d] = sums[c * D + d] / counts[c];
    }
  }
  return { centers, labels };
}

function sqDist(a: Float64Array, ao: number, b: Float64Array, bo: number, D: number): number {
  let s = 0;
  for (let d = 0; d < D; d++) {
    const v = a[ao + d] - b[bo + d];
    s += v * v;
  }
  return s;
}
