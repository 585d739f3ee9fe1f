import assert from "node:assert/strict";
import { orderFromTarget } from "./order_from_target.ts";

const BTC = { stepSize: 0.00001, minQty: 0.00001 };

Deno.test("orderFromTarget() buys the difference snapped down to the LOT_SIZE step", () => {
  assert.deepEqual(orderFromTarget({ targetQty: 0.0123456, positionQty: 0.002, ...BTC }), {
    kind: "order",
    side: "buy",
    qty: 0.01034,
  });
});

Deno.test("orderFromTarget() counts resting buys as pending so it never doubles an order", () => {
  assert.deepEqual(
    orderFromTarget({ targetQty: 0.03, positionQty: 0.01, openBuyQty: 0.015, ...BTC }),
    { kind: "order", side: "buy", qty: 0.005 },
  );
  assert.deepEqual(
    orderFromTarget({ targetQty: 0.03, positionQty: 0.01, openBuyQty: 0.02, ...BTC }),
    { kind: "none" },
  );
});

Deno.test("orderFromTarget() exits to 0 by selling the whole position, fee dust included on the step", () => {
  assert.deepEqual(orderFromTarget({ targetQty: 0, positionQty: 0.00999, ...BTC }), {
    kind: "order",
    side: "sell",
    qty: 0.00999,
  });
});

Deno.test("orderFromTarget() leaves dust below one step and below minQty alone", () => {
  assert.deepEqual(orderFromTarget({ targetQty: 0, positionQty: 0.000009, ...BTC }), {
    kind: "none",
  });
  assert.deepEqual(
    orderFromTarget({ targetQty: 0.0105, positionQty: 0.01, stepSize: 0.0001, minQty: 0.001 }),
    { kind: "none" },
  );
});

Deno.test("orderFromTarget() never sells more than is held and not already offered", () => {
  assert.deepEqual(
    orderFromTarget({ targetQty: 0, positionQty: 0.02, openSellQty: 0.015, ...BTC }),
    { kind: "order", side: "sell", qty: 0.005 },
  );
});

Deno.test("orderFromTarget() asks to cancel resting orders on the opposite side first", () => {
  assert.deepEqual(
    orderFromTarget({ targetQty: 0, positionQty: 0.01, openBuyQty: 0.005, ...BTC }),
    { kind: "cancel", side: "buy" },
  );
  assert.deepEqual(
    orderFromTarget({ targetQty: 0.02, positionQty: 0.01, openSellQty: 0.01, ...BTC }),
    { kind: "cancel", side: "sell" },
  );
});

Deno.test("orderFromTarget() cuts an order to the LOT_SIZE maxQty", () => {
  assert.deepEqual(
    orderFromTarget({ targetQty: 12000, positionQty: 0, stepSize: 0.0001, maxQty: 9000 }),
    { kind: "order", side: "buy", qty: 9000 },
  );
});

Deno.test("orderFromTarget() returns none at the target and throws RangeError on a negative or NaN input", () => {
  assert.deepEqual(orderFromTarget({ targetQty: 0.01, positionQty: 0.01, ...BTC }), {
    kind: "none",
  });
  assert.throws(
    () => orderFromTarget({ targetQty: Number.NaN, positionQty: 0, ...BTC }),
    RangeError,
  );
  assert.throws(() => orderFromTarget({ targetQty: 1, positionQty: -1, ...BTC }), RangeError);
});
