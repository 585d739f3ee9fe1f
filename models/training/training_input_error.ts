/**
 * Training cannot proceed on the data or settings given: too few rows for the number of states,
 * no ready feature row in the span, a macro regime left without minutes. Entry points catch it,
 * print `message` (one line) and exit 2; it is the user's input that must change, not the code.
 */
export class TrainingInputError extends Error {
  override readonly name = "TrainingInputError";
}

/**
 * Rows required per free parameter of a fitted Gaussian HMM (or of each part of an H2 model).
 * A guard against fits that cannot be identified at all (e.g. 40 states on two days of minutes),
 * not a statistical sufficiency rule.
 */
export const MIN_ROWS_PER_PARAM = 3;
