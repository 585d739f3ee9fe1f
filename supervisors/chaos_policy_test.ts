import assert from "node:assert/strict";
import { chaosAppliesTo, ChaosPolicySchema, chaosShouldCrash } from "./chaos_policy.ts";

const policy = { seed: 11, crashRate: 0.1, actors: ["symbol.BTCUSDT"] };
const actorId = "symbol.BTCUSDT";

Deno.test("chaosShouldCrash() gives the same decision for the same seed, actor, seq and attempt", () => {
  for (let seq = 1; seq <= 200; seq++) {
    assert.equal(
      chaosShouldCrash(policy, { actorId, seq, attempt: 2 }),
      chaosShouldCrash({ ...policy }, { actorId, seq, attempt: 2 }),
    );
  }
});

Deno.test("chaosShouldCrash() crashes about crashRate of the messages", () => {
  let crashes = 0;
  const n = 20_000;
  for (let seq = 1; seq <= n; seq++) {
    if (chaosShouldCrash(policy, { actorId, seq, attempt: 0 })) crashes++;
  }
  // Binomial(20000, 0.1): sd ≈ 42; allow 5 sd.
  assert.ok(Math.abs(crashes - 2000) < 210, `crashes=${crashes}`);
});

Deno.test("chaosShouldCrash() decides a replayed message afresh on the next attempt", () => {
  let crashedAt0 = 0;
  let crashedAgainAt1 = 0;
  for (let seq = 1; seq <= 20_000; seq++) {
    if (!chaosShouldCrash(policy, { actorId, seq, attempt: 0 })) continue;
    crashedAt0++;
    if (chaosShouldCrash(policy, { actorId, seq, attempt: 1 })) crashedAgainAt1++;
  }
  // About crashRate of them crash again (independent draws), not all of them.
  assert.ok(crashedAgainAt1 / crashedAt0 < 0.2, `${crashedAgainAt1} of ${crashedAt0}`);
});

Deno.test("chaosShouldCrash() never crashes an actor the policy does not name, nor at rate 0", () => {
  for (let seq = 1; seq <= 1000; seq++) {
    assert.equal(chaosShouldCrash(policy, { actorId: "risk", seq, attempt: 0 }), false);
    assert.equal(
      chaosShouldCrash({ ...policy, crashRate: 0 }, { actorId, seq, attempt: 0 }),
      false,
    );
  }
});

Deno.test("chaosShouldCrash() always crashes at rate 1", () => {
  for (let seq = 1; seq <= 1000; seq++) {
    assert.equal(chaosShouldCrash({ ...policy, crashRate: 1 }, { actorId, seq, attempt: 3 }), true);
  }
});

Deno.test("chaosAppliesTo() is false without a policy, at rate 0 and for unnamed actors", () => {
  assert.equal(chaosAppliesTo(null, actorId), false);
  assert.equal(chaosAppliesTo({ ...policy, crashRate: 0 }, actorId), false);
  assert.equal(chaosAppliesTo(policy, "risk"), false);
  assert.equal(chaosAppliesTo(policy, actorId), true);
});

Deno.test("ChaosPolicySchema rejects a crashRate above 1", () => {
  assert.equal(ChaosPolicySchema.safeParse({ ...policy, crashRate: 1.5 }).success, false);
});
