import assert from "node:assert/strict";
import { ccxtRoundtrip } from "../data/sim_server/examples/ccxt_roundtrip.ts";
import { startSimExchangeServer } from "../data/sim_server/start_sim_exchange_server.ts";

const DAY0 = Date.UTC(2025, 4, 20);

Deno.test("ccxtRoundtrip() places, queries, fills and cancels with public ccxt calls and everything adds up", async () => {
  const run = await startSimExchangeServer({ speed: "manual", to: DAY0 + 86_400_000 });
  try {
    const report = await ccxtRoundtrip(run.baseUrl);
    assert.deepEqual(report.problems, []);
    assert.deepEqual(report.orders.map((o) => [o.type, o.side, o.status]), [
      ["limit", "buy", "canceled"],
      ["market", "buy", "closed"],
      ["limit", "sell", "closed"],
    ]);
    assert.ok(report.trades >= 2);
    assert.deepEqual(report.after, report.expected);
    assert.deepEqual(Object.keys(report.fees).sort(), ["BTC", "USDT"]);
    assert.equal(report.fees.BTC, "0.00000400", "0.1 % of the 0.004 BTC bought");
    // the server's own books agree with what ccxt saw
    const acct = run.server.engine.account({ account: "sim-key" });
    const total = (a: string) => {
      const b = acct.balances.find((x) => x.asset === a)!;
      return (Number(b.free) + Number(b.locked)).toFixed(8);
    };
    assert.equal(total("USDT"), report.after.USDT);
    assert.equal(total("BTC"), report.after.BTC);
  } finally {
    await run.close();
  }
});
