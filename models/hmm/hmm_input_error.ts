/**
 * Why a model, an observation matrix or an argument was refused; the codes of the HMM contract
 * (`../shared/fixtures/hmm/FIXTURES.md`), listed in the order checks are made.
 */
export const HmmErrorCode = {
  parse_error: "parse_error",
  invalid_request: "invalid_request",
  unknown_op: "unknown_op",
  shape_mismatch: "shape_mismatch",
  non_finite: "non_finite",
  not_stochastic: "not_stochastic",
  not_positive_definite: "not_positive_definite",
  invalid_argument: "invalid_argument",
} as const;
/** One refusal code. */
export type HmmErrorCode = typeof HmmErrorCode[keyof typeof HmmErrorCode];

/**
 * An HMM input that cannot be used. Callers catch it to answer with `code` (the JSON adapter) or
 * to refuse a model (the model store, a blue/green swap).
 */
export class HmmInputError extends Error {
  override readonly name = "HmmInputError";
  /** The contract code, e.g. `not_stochastic`. */
  readonly code: HmmErrorCode;
  constructor(code: HmmErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
