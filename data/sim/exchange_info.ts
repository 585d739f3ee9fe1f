import { z } from "zod";
import { tryParseFixed8 } from "./fixed8.ts";

/**
 * Binance `GET /api/v3/exchangeInfo`: a zod schema for the response, a loader for the recorded
 * files (plain `.json` or `.json.gz`) and the typed trading rules of each symbol.
 *
 * Every decimal in a filter becomes a fixed8 `bigint` (units of 1e-8, see `fixed8.ts`). Both
 * generations of the notional filter are read into one `NotionalRule`: the legacy
 * `MIN_NOTIONAL {minNotional, applyToMarket, avgPriceMins}` (the 2021 recording) and the current
 * `NOTIONAL {minNotional, applyMinToMarket, maxNotional, applyMaxToMarket, avgPriceMins}`;
 * likewise `PERCENT_PRICE` and `PERCENT_PRICE_BY_SIDE`. The raw objects are kept untouched so a
 * server can serve them verbatim.
 */

/** The recorded 2021 subset (BTC, ETH, BNB, ADA, XRP, SOL against USDT), beside this repo. */
export const DEFAULT_EXCHANGE_INFO_URL = new URL(
  "../../../shared/data/binance/exchangeInfo/exchangeInfo-2021-10-12-subset.json",
  import.meta.url,
);

/** Filter types whose rules the simulated exchange enforces, as Binance names them. */
export const FilterType = {
  PRICE_FILTER: "PRICE_FILTER",
  PERCENT_PRICE: "PERCENT_PRICE",
  PERCENT_PRICE_BY_SIDE: "PERCENT_PRICE_BY_SIDE",
  LOT_SIZE: "LOT_SIZE",
  MARKET_LOT_SIZE: "MARKET_LOT_SIZE",
  MIN_NOTIONAL: "MIN_NOTIONAL",
  NOTIONAL: "NOTIONAL",
  MAX_NUM_ORDERS: "MAX_NUM_ORDERS",
} as const;
/** One enforced filter type. */
export type FilterType = typeof FilterType[keyof typeof FilterType];

const Decimal = z.string().refine((s) => tryParseFixed8(s).ok, "not a decimal with ≤ 8 decimals");
const Int = z.coerce.number().int();

const PriceFilterJson = z.object({ minPrice: Decimal, maxPrice: Decimal, tickSize: Decimal });
const LotJson = z.object({ minQty: Decimal, maxQty: Decimal, stepSize: Decimal });
const MinNotionalJson = z.object({
  minNotional: Decimal,
  applyToMarket: z.boolean(),
  avgPriceMins: Int,
});
const NotionalJson = z.object({
  minNotional: Decimal,
  applyMinToMarket: z.boolean(),
  maxNotional: Decimal,
  applyMaxToMarket: z.boolean(),
  avgPriceMins: Int,
});
const PercentPriceJson = z.object({
  multiplierUp: Decimal,
  multiplierDown: Decimal,
  avgPriceMins: Int,
});
const PercentPriceBySideJson = z.object({
  bidMultiplierUp: Decimal,
  bidMultiplierDown: Decimal,
  askMultiplierUp: Decimal,
  askMultiplierDown: Decimal,
  avgPriceMins: Int,
});
const MaxNumOrdersJson = z.object({ maxNumOrders: Int });

/** One filter as sent; fields other than `filterType` are checked per type by `symbolRules`. */
export const FilterJson = z.looseObject({ filterType: z.string() });
/** A filter object as sent by Binance. */
export type FilterJson = z.infer<typeof FilterJson>;

/** One `symbols[]` entry; unknown fields (permissions, permissionSets, ...) are kept. */
export const SymbolJson = z.looseObject({
  symbol: z.string().min(1),
  status: z.string(),
  baseAsset: z.string().min(1),
  baseAssetPrecision: Int,
  quoteAsset: z.string().min(1),
  quotePrecision: Int,
  quoteAssetPrecision: Int.optional(),
  baseCommissionPrecision: Int.optional(),
  quoteCommissionPrecision: Int.optional(),
  orderTypes: z.array(z.string()),
  quoteOrderQtyMarketAllowed: z.boolean().optional(),
  filters: z.array(FilterJson),
});
/** A symbol entry as sent by Binance. */
export type SymbolJson = z.infer<typeof SymbolJson>;

/** The whole `exchangeInfo` response. */
export const ExchangeInfoJson = z.looseObject({
  timezone: z.string(),
  serverTime: z.number().int(),
  rateLimits: z.array(z.looseObject({})),
  exchangeFilters: z.array(z.looseObject({})),
  symbols: z.array(SymbolJson),
});
/** The `exchangeInfo` response as sent by Binance. */
export type ExchangeInfoJson = z.infer<typeof ExchangeInfoJson>;

/** PRICE_FILTER in fixed8; a 0 turns the rule off, as on Binance. */
export interface PriceRule {
  minPrice: bigint;
  maxPrice: bigint;
  tickSize: bigint;
}

/** LOT_SIZE or MARKET_LOT_SIZE in fixed8 (a `stepSize` of 0 means no step rule). */
export interface LotRule {
  minQty: bigint;
  maxQty: bigint;
  stepSize: bigint;
}

/** MIN_NOTIONAL (legacy) or NOTIONAL (current), in one shape. */
export interface NotionalRule {
  /** Which filter it came from; names the `-1013 Filter failure: <filterType>` reject. */
  filterType: typeof FilterType.MIN_NOTIONAL | typeof FilterType.NOTIONAL;
  minNotional: bigint;
  /** `applyToMarket` (MIN_NOTIONAL) or `applyMinToMarket` (NOTIONAL). */
  applyMinToMarket: boolean;
  /** NOTIONAL's upper bound; null for MIN_NOTIONAL. */
  maxNotional: bigint | null;
  /** NOTIONAL's `applyMaxToMarket`; false for MIN_NOTIONAL. */
  applyMaxToMarket: boolean;
  /** Minutes of the average price used for MARKET orders (0 = last price). */
  avgPriceMins: number;
}

/** PERCENT_PRICE (same multipliers for both sides) or PERCENT_PRICE_BY_SIDE, in fixed8. */
export interface PercentPriceRule {
  filterType: typeof FilterType.PERCENT_PRICE | typeof FilterType.PERCENT_PRICE_BY_SIDE;
  bidMultiplierUp: bigint;
  bidMultiplierDown: bigint;
  askMultiplierUp: bigint;
  askMultiplierDown: bigint;
  avgPriceMins: number;
}

/** The typed trading rules of one symbol. */
export interface SymbolRules {
  symbol: string;
  /** `TRADING`, `BREAK`, ... orders on anything but `TRADING` are rejected. */
  status: string;
  baseAsset: string;
  quoteAsset: string;
  baseAssetPrecision: number;
  /** Decimals allowed in `price` (Binance's `quotePrecision`). */
  quotePrecision: number;
  /** Decimals allowed in `quoteOrderQty` (falls back to `quotePrecision`). */
  quoteAssetPrecision: number;
  baseCommissionPrecision: number;
  quoteCommissionPrecision: number;
  orderTypes: readonly string[];
  quoteOrderQtyMarketAllowed: boolean;
  priceFilter: PriceRule | null;
  percentPrice: PercentPriceRule | null;
  lotSize: LotRule | null;
  marketLotSize: LotRule | null;
  notional: NotionalRule | null;
  maxNumOrders: number | null;
  /** The enforced filters in the order the symbol lists them (the order they are checked in). */
  filterOrder: readonly FilterType[];
  /** The symbol object exactly as parsed, for serving verbatim. */
  raw: SymbolJson;
}

/** A parsed exchangeInfo: the raw response and the rules of every symbol by name. */
export interface ExchangeInfo {
  raw: ExchangeInfoJson;
  symbols: ReadonlyMap<string, SymbolRules>;
}

/**
 * Parses an exchangeInfo object (already JSON-decoded).
 *
 * @param source names the input in error messages. @default {"exchangeInfo"}
 * @throws TypeError when the object does not have the shape of an exchangeInfo response or a
 *   known filter is malformed.
 */
export function parseExchangeInfo(json: unknown, options: { source?: string } = {}): ExchangeInfo {
  const source = options.source ?? "exchangeInfo";
  const parsed = ExchangeInfoJson.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(
      `Cannot parse ${source} as exchangeInfo at ${
        issue.path.join(".") || "(root)"
      }: ${issue.message}`,
    );
  }
  const symbols = new Map<string, SymbolRules>();
  for (const s of parsed.data.symbols) symbols.set(s.symbol, symbolRules(s, { source }));
  return { raw: parsed.data, symbols };
}

/**
 * Loads an exchangeInfo file: JSON, gzipped when the name ends in `.gz` or the bytes start with
 * the gzip magic number.
 *
 * @param path file path or URL. @default {DEFAULT_EXCHANGE_INFO_URL} (the 2021 subset)
 * @throws SyntaxError when the text is not JSON, TypeError when it is not an exchangeInfo.
 */
export async function loadExchangeInfo(
  path: string | URL = DEFAULT_EXCHANGE_INFO_URL,
): Promise<ExchangeInfo> {
  const name = path instanceof URL ? path.pathname : path;
  let bytes: Uint8Array = await Deno.readFile(path);
  if (name.endsWith(".gz") || (bytes[0] === 0x1f && bytes[1] === 0x8b)) {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
      new DecompressionStream("gzip"),
    );
    bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new SyntaxError(`Cannot parse "${name}" as JSON: ${(err as Error).message}`);
  }
  return parseExchangeInfo(json, { source: `"${name}"` });
}

/**
 * The typed rules of one symbol entry. Filters the simulator does not enforce (ICEBERG_PARTS,
 * MAX_NUM_ALGO_ORDERS, TRAILING_DELTA, MAX_POSITION, ...) stay in `raw` only.
 *
 * @throws TypeError when a known filter is malformed.
 */
export function symbolRules(s: SymbolJson, options: { source?: string } = {}): SymbolRules {
  const where = `${options.source ?? "exchangeInfo"} symbol ${s.symbol}`;
  const rules: SymbolRules = {
    symbol: s.symbol,
    status: s.status,
    baseAsset: s.baseAsset,
    quoteAsset: s.quoteAsset,
    baseAssetPrecision: s.baseAssetPrecision,
    quotePrecision: s.quotePrecision,
    quoteAssetPrecision: s.quoteAssetPrecision ?? s.quotePrecision,
    baseCommissionPrecision: s.baseCommissionPrecision ?? s.baseAssetPrecision,
    quoteCommissionPrecision: s.quoteCommissionPrecision ?? s.quotePrecision,
    orderTypes: s.orderTypes,
    quoteOrderQtyMarketAllowed: s.quoteOrderQtyMarketAllowed ?? false,
    priceFilter: null,
    percentPrice: null,
    lotSize: null,
    marketLotSize: null,
    notional: null,
    maxNumOrders: null,
    filterOrder: [],
    raw: s,
  };
  const order: FilterType[] = [];
  for (const f of s.filters) {
    const read = <T extends z.ZodType>(schema: T): z.infer<T> => {
      const r = schema.safeParse(f);
      if (!r.success) {
        const issue = r.error.issues[0];
        throw new TypeError(
          `Cannot read ${f.filterType} of ${where} at ${issue.path.join(".")}: ${issue.message}`,
        );
      }
      return r.data;
    };
    switch (f.filterType) {
      case FilterType.PRICE_FILTER: {
        const j = read(PriceFilterJson);
        rules.priceFilter = {
          minPrice: d(j.minPrice),
          maxPrice: d(j.maxPrice),
          tickSize: d(j.tickSize),
        };
        break;
      }
      case FilterType.LOT_SIZE: {
        rules.lotSize = lot(read(LotJson));
        break;
      }
      case FilterType.MARKET_LOT_SIZE: {
        rules.marketLotSize = lot(read(LotJson));
        break;
      }
      case FilterType.MIN_NOTIONAL: {
        const j = read(MinNotionalJson);
        rules.notional = {
          filterType: FilterType.MIN_NOTIONAL,
          minNotional: d(j.minNotional),
          applyMinToMarket: j.applyToMarket,
          maxNotional: null,
          applyMaxToMarket: false,
          avgPriceMins: j.avgPriceMins,
        };
        break;
      }
      case FilterType.NOTIONAL: {
        const j = read(NotionalJson);
        rules.notional = {
          filterType: FilterType.NOTIONAL,
          minNotional: d(j.minNotional),
          applyMinToMarket: j.applyMinToMarket,
          maxNotional: d(j.maxNotional),
          applyMaxToMarket: j.applyMaxToMarket,
          avgPriceMins: j.avgPriceMins,
        };
        break;
      }
      case FilterType.PERCENT_PRICE: {
        const j = read(PercentPriceJson);
        const up = d(j.multiplierUp);
        const down = d(j.multiplierDown);
        rules.percentPrice = {
          filterType: FilterType.PERCENT_PRICE,
          bidMultiplierUp: up,
          bidMultiplierDown: down,
          askMultiplierUp: up,
          askMultiplierDown: down,
          avgPriceMins: j.avgPriceMins,
        };
        break;
      }
      case FilterType.PERCENT_PRICE_BY_SIDE: {
        const j = read(PercentPriceBySideJson);
        rules.percentPrice = {
          filterType: FilterType.PERCENT_PRICE_BY_SIDE,
          bidMultiplierUp: d(j.bidMultiplierUp),
          bidMultiplierDown: d(j.bidMultiplierDown),
          askMultiplierUp: d(j.askMultiplierUp),
          askMultiplierDown: d(j.askMultiplierDown),
          avgPriceMins: j.avgPriceMins,
        };
        break;
      }
      case FilterType.MAX_NUM_ORDERS: {
        rules.maxNumOrders = read(MaxNumOrdersJson).maxNumOrders;
        break;
      }
      default:
        continue;
    }
    order.push(f.filterType);
  }
  rules.filterOrder = order;
  return rules;
}

function d(text: string): bigint {
  const r = tryParseFixed8(text);
  if (!r.ok) throw new TypeError(`Cannot read a filter decimal: text is "${text}"`);
  return r.value;
}

function lot(j: z.infer<typeof LotJson>): LotRule {
  return { minQty: d(j.minQty), maxQty: d(j.maxQty), stepSize: d(j.stepSize) };
}
