import type {
  Gateway,
  GatewayBalance,
  GatewayEvent,
  GatewayOrder,
  GatewayOrderRequest,
  GatewayQuote,
  GatewayResult,
} from "../data/gateway.ts";
import type { SymbolRules } from "../data/sim/exchange_info.ts";
import {
  FIXED8_ONE,
  fixed8FromNumber,
  formatFixed8,
  parseFixed8,
  Rounding,
  roundToStep,
} from "../data/sim/fixed8.ts";

/** Reject code of an order refused by a live cap (not a Binance code). */
export const CAP_CODE = -9100;

/** The hard caps of `deno task live`, in quote units. */
export interface LiveCaps {
  maxOrderNotional: number;
  maxPositionNotional: number;
}

/** What the caps did so far. */
export interface CapStats {
  /** Orders sent with a smaller quantity so they fit. */
  shrunk: number;
  /** Orders refused (even the smallest allowed quantity would not fit). */
  refused: number;
}

/**
 * The live caps in front of the venue, inside the execution actor's gateway (whatever the
 * config and the actors decided):
 *
 * - an order's notional (quantity × limit price, or × the ask / bid for a MARKET order) is at most
 *   `maxOrderNotional`;
 * - a BUY never takes a symbol's position value — base held (free + locked, from the venue at
 *   start, then every fill) plus what open BUY orders still want, plus this order, at the order's
 *   price — above `maxPositionNotional`. SELLs only reduce a spot position and pass.
 *
 * An order over a cap is shrunk to the largest quantity on the LOT_SIZE step that fits; when
 * that is below the symbol's minimum notional, it is refused with `CAP_CODE` and a message naming
 * the cap. Positions other than the traded symbols' are not counted.
 */
export class CappedGateway implements Gateway {
  readonly inner: Gateway;
  readonly caps: LiveCaps;
  readonly #base = new Map<string, bigint>();
  readonly #openBuys = new Map<string, { symbol: string; remaining: bigint }>();
  readonly #listeners = new Set<(e: GatewayEvent) => void>();
  readonly #stats: CapStats = { shrunk: 0, refused: 0 };

  private constructor(inner: Gateway, caps: LiveCaps) {
    this.inner = inner;
    this.caps = caps;
    inner.subscribe((e) => {
      this.#track(e);
      for (const l of this.#listeners) l(e);
    });
  }

  /**
   * Wraps `inner`, reading the traded symbols' base balances from the venue first.
   *
   * @throws Error when the venue's balances cannot be read (the caps would be blind).
   */
  static async wrap(
    inner: Gateway,
    caps: LiveCaps,
    symbols: readonly string[],
  ): Promise<CappedGateway> {
    const gw = new CappedGateway(inner, caps);
    const balances = await inner.balances();
    if (!balances.ok) {
      throw new Error(`Cannot set the live caps: balances unreadable: ${balances.reject.msg}`);
    }
    for (const s of symbols) {
      const rules = inner.symbolRules(s);
      if (rules === undefined) throw new RangeError(`Cannot cap ${s}: the venue does not list it`);
      const b = balances.value.find((x) => x.asset === rules.baseAsset);
      gw.#base.set(s, b === undefined ? 0n : parseFixed8(b.free) + parseFixed8(b.locked));
    }
    return gw;
  }

  get venue(): string {
    return this.inner.venue;
  }

  /** What the caps did so far. */
  stats(): CapStats {
    return { ...this.#stats };
  }

  /** The base quantity held of `symbol` as the caps count it. */
  position(symbol: string): bigint {
    return this.#base.get(symbol) ?? 0n;
  }

  symbolRules(symbol: string): SymbolRules | undefined {
    return this.inner.symbolRules(symbol);
  }

  async placeOrder(request: GatewayOrderRequest): Promise<GatewayResult<GatewayOrder>> {
    const rules = this.inner.symbolRules(request.symbol);
    if (rules === undefined) return this.inner.placeOrder(request);
    let price: bigint;
    if (request.price !== null && request.type !== "MARKET") price = parseFixed8(request.price);
    else {
      const q = await this.inner.quote(request.symbol);
      if (!q.ok) return q;
      price = parseFixed8(request.side === "BUY" ? q.value.askPrice : q.value.bidPrice);
    }
    if (price <= 0n) return this.#refuse(`no price to value ${request.clientOrderId}`);
    const qty = parseFixed8(request.quantity);
    let allowed = this.#maxQty(this.caps.maxOrderNotional, price, rules);
    let cap = `--max-order-notional ${this.caps.maxOrderNotional}`;
    if (request.side === "BUY") {
      const held = (this.#base.get(request.symbol) ?? 0n) + this.#openBuyQty(request.symbol);
      // held may be off the lot grid (commissions taken in the base asset): round the room down
      const room = roundToStep(
        this.#maxQty(this.caps.maxPositionNotional, price, rules) - held,
        rules.lotSize?.stepSize ?? 0n,
        Rounding.FLOOR,
      );
      if (room < allowed) {
        allowed = room;
        cap = `--max-position-notional ${this.caps.maxPositionNotional} (holding ${
          formatFixed8(held)
        })`;
      }
    }
    if (qty <= allowed) return this.inner.placeOrder(request);
    const minNotional = rules.notional?.minNotional ?? 0n;
    const minQty = rules.lotSize?.minQty ?? 0n;
    if (allowed <= 0n || allowed < minQty || mulPrice(allowed, price) < minNotional) {
      return this.#refuse(
        `cap: ${request.side} ${request.quantity} ${request.symbol} at ${
          formatFixed8(price)
        } breaches ${cap}`,
      );
    }
    this.#stats.shrunk++;
    return this.inner.placeOrder({ ...request, quantity: formatFixed8(allowed) });
  }

  cancelOrder(symbol: string, clientOrderId: string): Promise<GatewayResult<GatewayOrder>> {
    return this.inner.cancelOrder(symbol, clientOrderId);
  }

  getOrder(symbol: string, clientOrderId: string): Promise<GatewayResult<GatewayOrder>> {
    return this.inner.getOrder(symbol, clientOrderId);
  }

  openOrders(symbol?: string): Promise<GatewayResult<GatewayOrder[]>> {
    return this.inner.openOrders(symbol);
  }

  balances(): Promise<GatewayResult<GatewayBalance[]>> {
    return this.inner.balances();
  }

  quote(symbol: string): Promise<GatewayResult<GatewayQuote>> {
    return this.inner.quote(symbol);
  }

  subscribe(listener: (event: GatewayEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #refuse(msg: string): GatewayResult<never> {
    this.#stats.refused++;
    return { ok: false, reject: { code: CAP_CODE, msg } };
  }

  /** The largest quantity on the lot step whose value at `price` is at most `notional`. */
  #maxQty(notional: number, price: bigint, rules: SymbolRules): bigint {
    const raw = (fixed8FromNumber(notional, { rounding: Rounding.FLOOR }) * FIXED8_ONE) / price;
    return roundToStep(raw, rules.lotSize?.stepSize ?? 0n, Rounding.FLOOR);
  }

  #openBuyQty(symbol: string): bigint {
    let sum = 0n;
    for (const o of this.#openBuys.values()) if (o.symbol === symbol) sum += o.remaining;
    return sum;
  }

  #track(e: GatewayEvent): void {
    if (e.kind === "fill") {
      const f = e.fill;
      if (!this.#base.has(f.symbol)) return;
      const rules = this.inner.symbolRules(f.symbol);
      let d = parseFixed8(f.qty) * (f.side === "BUY" ? 1n : -1n);
      if (rules !== undefined && f.commissionAsset === rules.baseAsset) {
        d -= parseFixed8(f.commission);
      }
      this.#base.set(f.symbol, (this.#base.get(f.symbol) ?? 0n) + d);
      return;
    }
    const o = e.order;
    if (o.side !== "BUY") return;
    const open = o.status === "NEW" || o.status === "PARTIALLY_FILLED";
    if (!open) this.#openBuys.delete(o.clientOrderId);
    else {
      this.#openBuys.set(o.clientOrderId, {
        symbol: o.symbol,
        remaining: parseFixed8(o.origQty) - parseFixed8(o.executedQty),
      });
    }
  }
}

/** `qty × price` in fixed8 (rounded down). */
function mulPrice(qty: bigint, price: bigint): bigint {
  return (qty * price) / FIXED8_ONE;
}
