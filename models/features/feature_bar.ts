/**
 * One OHLCV bar as the feature engines read it. Callers may reuse one object for every bar:
 * the engines copy what they keep.
 */
export interface FeatureBar {
  /** Bar open time, ms since the Unix epoch (UTC); sessions are UTC days of this time. */
  openTime: number;
  /** Quote-currency prices. */
  open: number;
  high: number;
  low: number;
  close: number;
  /** Base-asset volume, ≥ 0. */
  volume: number;
  /**
   * Base volume bought by takers, in [0, volume]. Read only by `taker_imbalance` schemas, which
   * reject a bar without it; ignored by `clv` schemas. Never invent it for OHLCV-only data.
   */
  takerBuyVolume?: number;
}
