/**
 * The last `capacity` values pushed, kept both in arrival order (ring) and sorted, so that a
 * quantile costs O(1) and a push two O(log n) searches plus one native `copyWithin` shift of the
 * values between the evicted and the inserted position.
 */
export class RollingSorted {
  #ring: Float64Array;
  #sorted: Float64Array;
  #size = 0;
  #head = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`Cannot create a rolling window of capacity: ${capacity}`);
    }
    this.#ring = new Float64Array(capacity);
    this.#sorted = new Float64Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** Adds `x` (finite), evicting the oldest value when full. */
  push(x: number): void {
    const cap = this.#ring.length;
    const sorted = this.#sorted;
    if (this.#size === cap) {
      // Evict and insert with one shift of the values between the two positions.
      const a = this.#search(this.#ring[this.#head]);
      const b = this.#search(x);
      if (b > a) {
        sorted.copyWithin(a, a + 1, b);
        sorted[b - 1] = x;
      } else {
        sorted.copyWithin(b + 1, b, a);
        sorted[b] = x;
      }
    } else {
      const at = this.#search(x);
      sorted.copyWithin(at + 1, at, this.#size);
      sorted[at] = x;
      this.#size++;
    }
    this.#ring[this.#head] = x;
    this.#head = (this.#head + 1) % cap;
  }

  /**
   * The p-quantile (0 ≤ p ≤ 1) by linear interpolation between order statistics (Hyndman & Fan
   * type 7, the R/NumPy default); NaN when empty.
   */
  quantile(p: number): number {
    const n = this.#size;
    if (n === 0) return NaN;
    const h = (n - 1) * p;
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, n - 1);
    return this.#sorted[lo] + (h - lo) * (this.#sorted[hi] - this.#sorted[lo]);
  }

  /** First index in the sorted part whose value is >= x. */
  #search(x: number): number {
    let lo = 0;
    let hi = this.#size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#sorted[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
