import assert from "node:assert/strict";
import {
  claimAdminAlert,
  failedAdminAlert,
  queueAdminAlerts,
  unclaimedAdminAlerts,
} from "./admin_alerts.ts";

Deno.test("admin alerts: two senders that listed the same alerts never both take one", async () => {
  // one handle stands for both: the claim is an atomic check of what each sender listed
  const a = await Deno.openKv(":memory:");
  const b = a;
  try {
    await queueAdminAlerts(a, [{ to: 1, text: "one" }, { to: 2, text: "two" }], 1_000, 1_000);
    const [seenA, seenB] = await Promise.all([
      unclaimedAdminAlerts(a, 1_000),
      unclaimedAdminAlerts(b, 1_000),
    ]);
    assert.equal(seenA.length, 2);
    assert.equal(seenB.length, 2);
    const won = await Promise.all(
      [...seenA, ...seenB].map((e, i) => claimAdminAlert(i < 2 ? a : b, e, 5_000)),
    );
    // each alert taken exactly once
    const taken = won.filter((e) => e !== null).map((e) => e!.value.to).sort();
    assert.deepEqual(taken, [1, 2]);
    // held: nobody sees them until the claim runs out
    assert.equal((await unclaimedAdminAlerts(b, 4_999)).length, 0);
    assert.equal((await unclaimedAdminAlerts(b, 5_000)).length, 2);
    // a failed attempt counts and waits until its retry time
    const mine = won.find((e) => e !== null)!;
    await failedAdminAlert(a, mine, 9_000);
    const later = await unclaimedAdminAlerts(a, 5_000);
    assert.equal(later.length, 1, "the failed one waits for its retry time");
    const back = (await unclaimedAdminAlerts(a, 9_000)).find((e) => e.value.to === mine.value.to);
    assert.ok(back);
    assert.equal(back.value.attempts, 1);
  } finally {
    a.close();
  }
});
