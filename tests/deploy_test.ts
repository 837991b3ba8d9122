import assert from "node:assert/strict";
import { runDeployRehearsal } from "../scripts/deploy_rehearsal.ts";

Deno.test({
  name:
    "deploy rehearsal: three webhook instances on one KV file, one killed mid-load and replaced, a token rotated — nothing lost, repeated or reordered",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const r = await runDeployRehearsal({
      timeScale: 0.02,
      instances: 3,
      clients: 3,
      rounds: 8,
      everyMs: 3_000,
      kills: 1,
      rotateAt: 2,
    });
    assert.equal(r.kills, 1, "an instance was killed");
    assert.equal(r.toThreads.sent, 24);
    assert.equal(r.toCustomers.sent, 24);
    for (const [side, d] of [["threads", r.toThreads], ["customers", r.toCustomers]] as const) {
      assert.equal(d.lost, 0, `nothing lost on the way to the ${side}`);
      assert.equal(d.outOfOrder, 0, `per-ticket order kept on the way to the ${side}`);
    }
    // a killed instance may have sent one message whose record it never wrote
    assert.ok(
      r.toThreads.duplicated + r.toCustomers.duplicated <= r.kills,
      `at most one repeat per killed instance: ${JSON.stringify(r)}`,
    );
    assert.ok(r.settingsAnswered, "the settings bot answered /status");
    // the owner rotated the client bot's token through one instance: all of them follow
    assert.ok(r.rotated, "the settings bot saved the rotated token");
    // the owner stopped the client bot through one instance: all held it stopped, then all
    // served it again once started
    assert.ok(r.stopHeld, "a customer's message was not handled while the bot was stopped");
    assert.ok(r.startedAgain, "the message written meanwhile arrived once the bot was started");
    assert.equal(r.cronRuns, 3, "the minute job ran on every instance at once");
    // four instances started, each bot's webhook set once: later instances find it set
    assert.equal(r.setWebhookCalls, 3);
    assert.deepEqual(r.errors, [], "no error logged by any instance");
  },
});
