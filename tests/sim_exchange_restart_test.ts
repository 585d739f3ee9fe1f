import assert from "node:assert/strict";
import { startSimExchangeServer } from "../data/sim_server/start_sim_exchange_server.ts";
import { ccxtRest, type SimEndpoints } from "./_sim_exchange_ccxt.ts";

const DAY0 = Date.UTC(2025, 4, 20);
const TO = DAY0 + 86_400_000;

type Rest = ReturnType<typeof ccxtRest>;

/** What a client reconciles against: raw open orders, all orders, trades and balances. */
async function exchangeState(ex: Rest) {
  const raw = <T extends { info: unknown }>(list: T[]) => list.map((x) => x.info);
  return {
    open: raw(await ex.fetchOpenOrders("BTC/USDT")),
    orders: raw(await ex.fetchOrders("BTC/USDT")),
    trades: raw(await ex.fetchMyTrades("BTC/USDT")),
    balances: ((await ex.fetchBalance()).info as { balances: unknown[] }).balances,
  };
}

async function placeSome(ex: Rest): Promise<string> {
  const ticker = await ex.fetchTicker("BTC/USDT");
  await ex.createOrder("BTC/USDT", "market", "buy", 0.01);
  await ex.createOrder("BTC/USDT", "limit", "sell", 0.004, Math.ceil(ticker.last! * 1.03));
  const keep = await ex.createOrder(
    "BTC/USDT",
    "limit",
    "buy",
    0.002,
    Math.floor(ticker.last! * 0.97),
    {
      clientOrderId: "survivor",
    },
  );
  return keep.id!;
}

Deno.test("a server restarted on the same state file keeps open orders, balances and trades", async () => {
  const stateFile = `${await Deno.makeTempDir()}/sim.db`;
  const first = await startSimExchangeServer({ speed: "manual", to: TO, stateFile });
  const ex1 = ccxtRest(first);
  let before;
  let keepId;
  try {
    keepId = await placeSome(ex1);
    first.server.advance(3);
    before = await exchangeState(ex1);
    assert.equal(before.open.length, 2);
  } finally {
    await ex1.close();
    await first.close();
  }

  const second = await startSimExchangeServer({ speed: "manual", to: TO, stateFile });
  const ex2 = ccxtRest(second);
  try {
    assert.equal(second.server.resumed, true);
    assert.deepEqual(await exchangeState(ex2), before);
    assert.equal((await ex2.cancelOrder(keepId, "BTC/USDT")).status, "canceled");
    assert.equal((await ex2.fetchOpenOrders("BTC/USDT")).length, 1);
  } finally {
    await ex2.close();
    await second.close();
  }
});

interface Child extends SimEndpoints {
  process: Deno.ChildProcess;
  /** Resolves when stdout has closed (the process ended). */
  drained: Promise<void>;
}

/** Starts `ops/sim_exchange.ts` as a process and reads its printed URLs. */
async function spawnServer(stateFile: string): Promise<Child> {
  const process = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "ops/sim_exchange.ts",
      "--state",
      stateFile,
      "--port",
      "0",
      "--speed",
      "manual",
      "--to",
      new Date(TO).toISOString(),
    ],
    cwd: new URL("..", import.meta.url),
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const lines = process.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!/WS API\s+\S+/.test(text)) {
    const { value, done } = await lines.read();
    if (done) throw new Error(`sim-exchange exited before printing its URLs: ${text}`);
    text += value;
  }
  const drained = (async () => {
    while (!(await lines.read()).done) { /* drain */ }
  })();
  const base = /base URL\s+(\S+)/.exec(text)![1];
  const ws = /streams\s+(\S+)/.exec(text)![1];
  const wsApi = /WS API\s+(\S+)/.exec(text)![1];
  return { process, drained, baseUrl: base, wsUrl: ws, wsApiUrl: wsApi };
}

Deno.test("an order acknowledged by a server killed with SIGKILL is there after restart", async () => {
  const stateFile = `${await Deno.makeTempDir()}/sim.db`;
  const a = await spawnServer(stateFile);
  const exA = ccxtRest(a);
  let before;
  let keepId;
  try {
    keepId = await placeSome(exA);
    before = await exchangeState(exA);
  } finally {
    await exA.close();
    a.process.kill("SIGKILL");
    const status = await a.process.status;
    await a.drained;
    assert.equal(status.signal, "SIGKILL");
  }

  const b = await spawnServer(stateFile);
  const exB = ccxtRest(b);
  try {
    assert.deepEqual(await exchangeState(exB), before);
    const kept = await exB.fetchOrder(keepId, "BTC/USDT");
    assert.deepEqual([kept.clientOrderId, kept.status], ["survivor", "open"]);
  } finally {
    await exB.close();
    b.process.kill("SIGTERM");
    const status = await b.process.status;
    await b.drained;
    assert.equal(status.code, 0, "SIGTERM stops the task cleanly");
  }
});
