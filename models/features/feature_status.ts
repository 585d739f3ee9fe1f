/**
 * What one feature update produced, from least to most ready:
 * - `rejected`: the bar was not applied (non-finite, non-positive or out-of-bounds price, negative
 *   volume, inconsistent OHLC, openTime not after the previous bar, missing taker volume where the
 *   schema needs it); state and outputs are untouched;
 * - `warming`: at least one raw column's window is not full yet (those columns read 0);
 * - `raw_ready`: every raw column is valid, the standardisation window is still filling
 *   (the standardised vector reads 0);
 * - `ready`: raw and standardised vectors are both valid.
 */
export const FeatureStatus = {
  REJECTED: "rejected",
  WARMING: "warming",
  RAW_READY: "raw_ready",
  READY: "ready",
} as const;
/** One feature update outcome. */
export type FeatureStatus = typeof FeatureStatus[keyof typeof FeatureStatus];

/** The readiness rank of a status: rejected 0, warming 1, raw_ready 2, ready 3. */
export function featureStatusRank(status: FeatureStatus): number {
  switch (status) {
    case FeatureStatus.REJECTED:
      return 0;
    case FeatureStatus.WARMING:
      return 1;
    case FeatureStatus.RAW_READY:
      return 2;
    case FeatureStatus.READY:
      return 3;
  }
}
