/**
 * A seeded pseudo-random generator: xoshiro128** (Blackman & Vigna 2018) on four 32-bit words,
 * seeded through splitmix32 so that nearby seeds give unrelated streams. Everything in Shoal that
 * needs randomness (k-means++ initialisation, backoff jitter, chaos) takes one of these, so the
 * same seed always gives the same run.
 */
export class SeededRng {
  #s = new Uint32Array(4);

  /** @param seed any finite number; its low 32 bits and the high bits of its integer part are mixed in. */
  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`Cannot seed SeededRng: seed is ${seed}`);
    let x = (Math.trunc(seed) ^ Math.trunc(seed / 4294967296)) >>> 0;
    for (let i = 0; i < 4; i++) {
      // splitmix32 step
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.#s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if ((this.#s[0] | this.#s[1] | this.#s[2] | this.#s[3]) === 0) this.#s[0] = 1;
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const s = this.#s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** A float in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** An integer in [0, n); `n` must be a positive integer up to 2^32. */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 4294967296) {
      throw new RangeError(`Cannot draw an integer below n: n is ${n}`);
    }
    return Math.floor(this.next() * n);
  }

  /** A standard normal draw (Box–Muller, one of the pair; no cached state, so snapshots stay exact). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** The generator's whole state, for snapshots: four unsigned 32-bit words. */
  state(): [number, number, number, number] {
    return [this.#s[0], this.#s[1], this.#s[2], this.#s[3]];
  }

  /** A generator that continues exactly from a `state()` taken earlier. */
  static fromState(state: readonly number[]): SeededRng {
    if (state.length !== 4 || state.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)) {
      throw new TypeError(`Cannot restore SeededRng: state is ${JSON.stringify(state)}`);
    }
    const rng = new SeededRng(0);
    rng.#s.set(state);
    return rng;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
