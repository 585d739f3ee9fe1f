import assert from "node:assert/strict";
import { startSimExchangeServer } from "../data/sim_server/start_sim_exchange_server.ts";
import { readCsv } from "../ops/_paper_bands.ts";
import { configFile } from "./_backtest_support.ts";

const ROOT = new URL("..", import.meta.url);
const KEY = `live-caps-key-${crypto.randomUUID().slice(0, 8)}`;
const SECRET = `live-caps-secret-${crypto.randomUUID()}`;
/** 3 days after the bundled long set starts: room for a flat model trained on 3 days. */
const FROM = Date.UTC(2025, 4, 23);
/** The simulated exchange's largest slippage (`slippage.maxBp`): a MARKET fill's excess over the touch. */
const MAX_SLIP = 50e-4;

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory) out.push(...await filesUnder(p));
    else out.push(p);
  }
  return out;
}

function contains(haystack: Uint8Array, needle: string): boolean {
  const n = new TextEncoder().encode(needle);
  outer: for (let i = 0; i + n.length <= haystack.length; i++) {
    for (let j = 0; j < n.length; j++) if (haystack[i + j] !== n[j]) continue outer;
    return true;
  }
  return false;
}

Deno.test({
  name: "deno task live keeps orders and positions under the caps and never writes the secret",
  // slow: one live run against the simulated exchange at 600× (about 10 s with training)
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "shoal-live-" });
    // market orders, strong sizing: the strategy wants far more than the caps allow
    const config = await configFile({
      run: { trainDays: 3 },
      execution: { orderStyle: "market" },
      symbols: { BTCUSDT: { k: 40000 }, ETHUSDT: { k: 3200000 } },
    });
    const run = await startSimExchangeServer({
      from: FROM,
      speed: 600,
      accounts: [{ apiKey: KEY, apiSecret: SECRET }],
      // BTC already held above the position cap: every BTC buy must be refused
      balances: { USDT: "10000", BTC: "0.00030000" },
    });
    try {
      const base = Deno.env.toObject();
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          "ops/live.ts",
          "--confirm-live",
          "--ops-port",
          "0",
          "--unsafe-test-base-url",
          run.baseUrl,
          "--duration",
          "30m",
          "--kind",
          "hmm",
          "--max-order-notional",
          "15",
          "--max-position-notional",
          "25",
          "--config",
          config,
          "--store",
          `${dir}/store`,
          "--out",
          `${dir}/run`,
        ],
        cwd: ROOT,
        env: { ...base, BINANCE_API_KEY: KEY, BINANCE_API_SECRET: SECRET },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stdout = new TextDecoder().decode(out.stdout);
      const stderr = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, stderr);

      const engine = run.server.engine;
      for (const symbol of ["BTCUSDT", "ETHUSDT"]) {
        const all = engine.allOrders(symbol, { account: KEY });
        assert.ok(all.ok);
        for (const o of all.value) {
          const value = Number(o.cummulativeQuoteQty) > 0
            ? Number(o.cummulativeQuoteQty)
            : Number(o.origQty) * Number(o.price);
          assert.ok(value <= 15 * (1 + MAX_SLIP), `${o.clientOrderId} ${symbol} notional ${value}`);
        }
        let held = symbol === "BTCUSDT" ? 0.0003 : 0;
        for (const f of engine.fills({ account: KEY, symbol })) {
          held += (f.side === "BUY" ? 1 : -1) * Number(f.qty) -
            (f.commissionAsset === symbol.replace("USDT", "") ? Number(f.commission) : 0);
          if (f.side === "BUY") {
            assert.ok(
              held * Number(f.price) <= 25 * (1 + MAX_SLIP) + 1e-9,
              `${symbol} position ${held} at ${f.price} over the cap`,
            );
          }
        }
      }
      const rows = readCsv(await Deno.readTextFile(`${dir}/run/orders.csv`));
      const refused = rows.filter((r) => r.status === "REJECTED" && r.reason.startsWith("-9100 "));
      assert.ok(
        refused.some((r) => r.symbol === "BTCUSDT" && r.side === "BUY"),
        `a BTC buy was refused by the position cap:\n${stderr}`,
      );
      assert.ok(
        engine.allOrders("BTCUSDT", { account: KEY }).ok &&
          engine.fills({ account: KEY, symbol: "BTCUSDT" }).every((f) => f.side === "SELL"),
        "no BTC buy reached the exchange",
      );

      // the secret (and the key) appear nowhere: not printed, not logged, not in any run file
      assert.ok(!stdout.includes(SECRET) && !stderr.includes(SECRET), "secret not printed");
      assert.ok(!stdout.includes(KEY) && !stderr.includes(KEY), "key not printed");
      for (const file of await filesUnder(`${dir}/run`)) {
        const bytes = await Deno.readFile(file);
        assert.ok(!contains(bytes, SECRET), `the secret is not in ${file}`);
        assert.ok(!contains(bytes, KEY), `the key is not in ${file}`);
      }
      const summary = JSON.parse(await Deno.readTextFile(`${dir}/run/summary.json`));
      assert.equal(summary.mode, "live");
      assert.equal(summary.paper.positions.equal, true);
    } finally {
      await run.close();
      if (Deno.env.get("KEEP") !== undefined) console.log("kept", dir);
      else await Deno.remove(dir, { recursive: true });
      await Deno.remove(config);
    }
  },
});
