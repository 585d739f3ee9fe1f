import { z } from "zod";

/** Body of `POST /kill`; an empty body means `{}`. The reason is the operator's note. */
export const KillRequest = z.strictObject({
  reason: z.string().trim().min(1).max(200).optional(),
});
/** Body of `POST /kill`; see {@link KillRequest}. */
export type KillRequest = z.infer<typeof KillRequest>;

/** Body of `POST /resume`: `{}` (or empty). */
export const ResumeRequest = z.strictObject({});
/** Body of `POST /resume`; see {@link ResumeRequest}. */
export type ResumeRequest = z.infer<typeof ResumeRequest>;

/**
 * Body of `POST /retrain`: retrain one symbol's models (or every symbol's when `symbol` is
 * omitted), with an optional operator note. The symbol must be one the run trades.
 */
export const RetrainRequest = z.strictObject({
  symbol: z.string().regex(/^[A-Z0-9]{2,20}$/, "must be an upper-case symbol such as BTCUSDT")
    .optional(),
  reason: z.string().trim().min(1).max(200).optional(),
});
/** Body of `POST /retrain`; see {@link RetrainRequest}. */
export type RetrainRequest = z.infer<typeof RetrainRequest>;

/**
 * What the trading path answers to a retrain request: accepted (`202`, with a job id to find it
 * in logs) or refused with a one-line reason (`409`, e.g. "a retrain is already running").
 */
export type RetrainOutcome =
  | { accepted: true; jobId: string }
  | { accepted: false; reason: string };
