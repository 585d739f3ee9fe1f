import { checkSymbolGuards, type SymbolGuardInput } from "../../models/risk/check_symbol_guards.ts";

const LIMITS = {
  minConf: 0.6,
  baseSpreadBp: 2,
  spreadVolMultiplier: 0.5,
  maxSpreadBp: 10,
  maxVolBp: 20,
  staleAfterMs: 90_000,
};
const input: SymbolGuardInput = {
  ts: 1_747_699_259_999,
  barCloseTs: 1_747_699_259_999,
  conf: 0.8,
  spreadBp: 1.5,
  volBp: 4,
  riskBias: 1,
  reducing: false,
};
let sink = 0;

Deno.bench("checkSymbolGuards pass", () => {
  input.ts += 60_000;
  input.barCloseTs += 60_000;
  sink += checkSymbolGuards(input, LIMITS).hits.length;
});

Deno.bench("checkSymbolGuards block CONF|SPREAD", () => {
  sink += checkSymbolGuards({ ...input, conf: 0.5, spreadBp: 9, riskBias: 0.5 }, LIMITS).hits
    .length;
});

globalThis.addEventListener("unload", () => {
  if (sink < 0) console.log(sink);
});
