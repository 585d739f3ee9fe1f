import { HmmInputError } from "../models/hmm/hmm_input_error.ts";

/** A JSON number array read into one row-major Float64Array. */
export interface Tensor {
  /** Lengths per level, e.g. [T, D]; null when the nesting is ragged or mixes numbers and arrays. */
  shape: number[] | null;
  data: Float64Array;
  /** Some entry parsed to ±Infinity (e.g. `1e999`). */
  nonFinite: boolean;
}

const MAX_DEPTH = 8;

/**
 * Reads a nested JSON array of numbers. Throws `invalid_request` when the value is missing, not
 * an array, or holds anything but numbers and arrays; raggedness is reported in `shape` (the
 * caller turns it into `shape_mismatch` after every field has passed the type checks).
 */
export function readTensor(value: unknown, name: string): Tensor {
  if (value === undefined) {
    throw new HmmInputError("invalid_request", `Cannot read the request: field ${name} is missing`);
  }
  if (!Array.isArray(value)) {
    throw new HmmInputError(
      "invalid_request",
      `Cannot read field ${name} as it must be an array of numbers: it is ${describe(value)}`,
    );
  }
  const out: number[] = [];
  const state = { nonFinite: false, ragged: false };
  const shape = walk(value, 0, out, state, name);
  return {
    shape: state.ragged || shape === null ? null : shape,
    data: Float64Array.from(out),
    nonFinite: state.nonFinite,
  };
}

/** Returns the shape of `v` (numbers have shape []), or null if ragged. */
function walk(
  v: unknown[],
  depth: number,
  out: number[],
  state: { nonFinite: boolean; ragged: boolean },
  name: string,
): number[] | null {
  if (depth > MAX_DEPTH) {
    state.ragged = true;
    return null;
  }
  let childShape: number[] | null | undefined;
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    let s: number[] | null;
    if (typeof c === "number") {
      if (!Number.isFinite(c)) state.nonFinite = true;
      out.push(c);
      s = [];
    } else if (Array.isArray(c)) {
      s = walk(c, depth + 1, out, state, name);
    } else {
      throw new HmmInputError(
        "invalid_request",
        `Cannot read field ${name} as it must hold only numbers: found ${describe(c)}`,
      );
    }
    if (childShape === undefined) childShape = s;
    else if (!sameShape(childShape, s)) state.ragged = true;
  }
  if (state.ragged) return null;
  return [v.length, ...(childShape ?? [])];
}

function sameShape(a: number[] | null, b: number[] | null): boolean {
  if (a === null || b === null || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A short description of a JSON value for messages. */
export function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") {
    return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v)}`;
  }
  return `${typeof v === "object" ? "an object" : `a ${typeof v}`}`;
}

/**
 * Throws `shape_mismatch` unless the tensor has exactly `rank` levels and the given lengths
 * (`undefined` entries are free but must be ≥ 1); returns the shape.
 */
export function expectShape(t: Tensor, name: string, want: Array<number | undefined>): number[] {
  const s = t.shape;
  if (s === null) {
    throw new HmmInputError("shape_mismatch", `Cannot use field ${name} as it is ragged`);
  }
  // An empty array has shape [0] whatever its intended rank.
  if (s.length === 1 && s[0] === 0 && want.length >= 1) {
    throw new HmmInputError("shape_mismatch", `Cannot use field ${name} as it is empty`);
  }
  if (s.length !== want.length) {
    throw new HmmInputError(
      "shape_mismatch",
      `Cannot use field ${name} as it must be a ${want.length}-level array: it has ${s.length} levels`,
    );
  }
  for (let i = 0; i < want.length; i++) {
    const w = want[i];
    if ((w === undefined && s[i] < 1) || (w !== undefined && s[i] !== w)) {
      throw new HmmInputError(
        "shape_mismatch",
        `Cannot use field ${name} with shape [${s.join(", ")}]: expected [${
          want.map((x) => x ?? "n").join(", ")
        }]`,
      );
    }
  }
  return s;
}
