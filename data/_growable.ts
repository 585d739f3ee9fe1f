/**
 * A Float64Array that doubles its capacity as values are pushed; `trimmed()` copies the values
 * into a buffer of exactly the pushed length, so the big scratch buffer can be collected.
 */
export class GrowableF64 {
  #data: Float64Array;
  #length = 0;

  constructor(initialCapacity = 1024) {
    this.#data = new Float64Array(Math.max(1, initialCapacity));
  }

  get length(): number {
    return this.#length;
  }

  push(x: number): void {
    if (this.#length === this.#data.length) {
      const next = new Float64Array(this.#data.length * 2);
      next.set(this.#data);
      this.#data = next;
    }
    this.#data[this.#length++] = x;
  }

  /** The value at `i` (no bounds check beyond the typed array's). */
  at(i: number): number {
    return this.#data[i];
  }

  /** A fresh array of exactly `length` values. */
  trimmed(): Float64Array {
    return this.#data.slice(0, this.#length);
  }
}

/** As {@link GrowableF64}, for flags and booleans (values 0..255). */
export class GrowableU8 {
  #data: Uint8Array;
  #length = 0;

  constructor(initialCapacity = 1024) {
    this.#data = new Uint8Array(Math.max(1, initialCapacity));
  }

  get length(): number {
    return this.#length;
  }

  push(x: number): void {
    if (this.#length === this.#data.length) {
      const next = new Uint8Array(this.#data.length * 2);
      next.set(this.#data);
      this.#data = next;
    }
    this.#data[this.#length++] = x;
  }

  /** ORs `bits` into the value at `i`. */
  orAt(i: number, bits: number): void {
    this.#data[i] |= bits;
  }

  /** A fresh array of exactly `length` values. */
  trimmed(): Uint8Array {
    return this.#data.slice(0, this.#length);
  }
}
