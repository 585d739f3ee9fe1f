import assert from "node:assert/strict";
import { DEFAULT_SIM_EXCHANGE_PORT, parseSimExchangeArgs } from "./_sim_exchange_args.ts";

Deno.test("parseSimExchangeArgs() maps every flag onto the server options", () => {
  const out = parseSimExchangeArgs([
    "--port=0",
    "--host",
    "0.0.0.0",
    "--data",
    "/d",
    "--set",
    "cluster",
    "--symbols",
    "btcusdt, SOLUSDT",
    "--from",
    "2026-04-01",
    "--to",
    "1775606400000",
    "--warmup",
    "30",
    "--speed",
    "60",
    "--api-key",
    "k",
    "--api-secret",
    "s",
    "--balances",
    "USDT=500,BTC=0.5",
    "--weight-limit",
    "1200",
    "--state",
    "/tmp/s.db",
    "--fsync",
    "--exchange-info",
    "/e.json",
  ]);
  assert.deepEqual(out, {
    help: false,
    options: {
      port: 0,
      host: "0.0.0.0",
      dataDir: "/d",
      set: "cluster",
      symbols: ["BTCUSDT", "SOLUSDT"],
      from: Date.UTC(2026, 3, 1),
      to: 1775606400000,
      warmupBars: 30,
      speed: 60,
      accounts: [{ apiKey: "k", apiSecret: "s", balances: { USDT: "500", BTC: "0.5" } }],
      weightLimit: 1200,
      stateFile: "/tmp/s.db",
      fsync: true,
      exchangeInfo: "/e.json",
    },
  });
});

Deno.test("parseSimExchangeArgs() defaults to the task port and the sim-key account", () => {
  assert.deepEqual(parseSimExchangeArgs([]), {
    help: false,
    options: {
      port: DEFAULT_SIM_EXCHANGE_PORT,
      accounts: [{ apiKey: "sim-key", apiSecret: "sim-secret", balances: undefined }],
    },
  });
  assert.deepEqual(parseSimExchangeArgs(["--speed", "max"]).help, false);
  assert.deepEqual(parseSimExchangeArgs(["-h"]), { help: true });
});

Deno.test("parseSimExchangeArgs() names the bad flag in a one-line TypeError", () => {
  const bad: Array<[string[], RegExp]> = [
    [["--speed", "0"], /^--speed: /],
    [["--speed", "fast"], /^--speed: /],
    [["--port", "70000"], /^--port: /],
    [["--balances", "USDT:5"], /^--balances: /],
    [["--from", "yesterday"], /^--from: /],
    [["--symbols", "BTC/USDT"], /^--symbols/],
    [["--nope"], /Unknown option '--nope'/],
    [["extra"], /positional/i],
  ];
  for (const [args, message] of bad) {
    assert.throws(() => parseSimExchangeArgs(args), (e: unknown) => {
      assert.ok(e instanceof TypeError, `${args.join(" ")}: ${e}`);
      assert.match(e.message, message);
      assert.equal(e.message.includes("\n"), false);
      return true;
    });
  }
});
