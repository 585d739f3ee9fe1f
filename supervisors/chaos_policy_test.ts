import assert from "node:assert/strict";
import {
  chaosAppliesTo,
  chaosCrashesAt,
  chaosMayCrash,
  ChaosPolicySchema,
  NO_CHAOS_RESUME,
} from "./chaos_policy.ts";

const policy = { seed: 11, crashRate: 0.1, actors: ["symbol.BTCUSDT"] };
const actorId = "symbol.BTCUSDT";

Deno.test("chaosCrashesAt() gives the same decision for the same seed, actor, seq and event", () => {
  for (let seq = 1; seq <= 200; seq++) {
    for (let event = 0; event < 5; event++) {
      assert.equal(
        chaosCrashesAt(policy, { actorId, seq, event }),
        chaosCrashesAt({ ...policy }, { actorId, seq, event }),
      );
    }
  }
});

Deno.test("chaosCrashesAt() crashes about crashRate of the events", () => {
  let crashes = 0;
  for (let seq = 1; seq <= 200; seq++) {
    for (let event = 0; event < 100; event++) {
      if (chaosCrashesAt(policy, { actorId, seq, event })) crashes++;
    }
  }
  // Binomial(20000, 0.1): sd ≈ 42; allow 5 sd.
  assert.ok(Math.abs(crashes - 2000) < 210, `crashes=${crashes}`);
});

Deno.test("chaosCrashesAt() never crashes an actor the policy does not name, nor at rate 0", () => {
  for (let seq = 1; seq <= 1000; seq++) {
    assert.equal(chaosCrashesAt(policy, { actorId: "risk", seq, event: 0 }), false);
    assert.equal(chaosCrashesAt({ ...policy, crashRate: 0 }, { actorId, seq, event: 0 }), false);
  }
});

Deno.test("chaosCrashesAt() always crashes at rate 1", () => {
  for (let seq = 1; seq <= 1000; seq++) {
    assert.equal(chaosCrashesAt({ ...policy, crashRate: 1 }, { actorId, seq, event: 3 }), true);
  }
});

Deno.test("chaosMayCrash() skips finished messages and the events that already crashed once", () => {
  const resume = { doneSeq: 7, seq: 8, fromEvent: 3 };
  assert.equal(chaosMayCrash(resume, 7, 0), false); // finished before: replayed, never crashes
  assert.equal(chaosMayCrash(resume, 8, 2), false); // crashed at event 2 already
  assert.equal(chaosMayCrash(resume, 8, 3), true);
  assert.equal(chaosMayCrash(resume, 9, 0), true);
  assert.equal(chaosMayCrash(NO_CHAOS_RESUME, 1, 0), true);
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
