import assert from "node:assert/strict";
import { sanitize } from "../manager_harness.ts";
import { chaos, runAndCheck } from "./chaos.ts";
import type { Step } from "./model.ts";
import { checkAll } from "./invariants.ts";
import { runSequence } from "./runner.ts";

// A fixed seed set that CI runs (the full suite is `deno task chaos`): fast-check derives the
// same sequences from the same seed, so a failure here replays with `--seed S`.
const SEEDS = [1, 2, 3, 4, 5, 6];

for (const seed of SEEDS) {
  Deno.test({
    name: `chaos: generated sequences of seed ${seed} keep every invariant`,
    ...sanitize,
    fn: async () => {
      let passed = 0;
      const d = await chaos({ runs: 5, seed, maxSteps: 12, onRun: () => passed++ });
      assert.equal(d.failed, false, d.failed ? String(d.errorInstance) : "");
      assert.equal(passed, 5);
    },
  });
}

// Shrunk sequences the suite found, kept as regular cases (see the README's chaos section).
const REGRESSIONS: Array<{ name: string; steps: Step[] }> = [
  {
    // defect: the draft was set before the question was sent; the retried update found the
    // message held and returned, the customer never saw the question and the message stayed held
    name: "the topic question lost to a dropped connection is asked again on the retry",
    steps: [
      { k: "fault", bot: "client", method: "sendMessage", fault: "drop", count: 1 },
      { k: "send", c: 0, kind: "text" },
    ],
  },
  {
    name: "the reopen-or-new question lost to a dropped connection is asked again on the retry",
    steps: [
      { k: "open", c: 0, topic: 0 },
      { k: "post", m: 0, t: 0, action: "close" },
      { k: "fault", bot: "client", method: "sendMessage", fault: "drop", count: 1 },
      { k: "send", c: 0, kind: "text" },
    ],
  },
  {
    name: "an answer lost after copyMessage ran repeats the customer's message at most once",
    steps: [
      { k: "fault", bot: "client", method: "copyMessage", fault: "drop-after", count: 1 },
      { k: "send", c: 0, kind: "text" },
    ],
  },
  {
    name: "a reply lost while handling an update is retried, not an unhandled error",
    steps: [
      { k: "fault", bot: "client", method: "sendMessage", fault: "drop-after", count: 1 },
      { k: "send", c: 0, kind: "text" },
    ],
  },
  {
    name: "taking a ticket twice: the second tap is on a button the post no longer shows",
    steps: [
      { k: "open", c: 0, topic: 0 },
      { k: "post", m: 0, t: 0, action: "take" },
      { k: "post", m: 0, t: 0, action: "take" },
      { k: "rateComment", c: 0 },
    ],
  },
  {
    name: "an answer to a customer who blocked the bot waits and arrives after the unblock",
    steps: [
      { k: "open", c: 0, topic: 0 },
      { k: "block", c: 0, on: true },
      { k: "comment", m: 0, t: 0, note: false },
      { k: "send", c: 0, kind: "text" },
    ],
  },
  {
    // defect: an edit was relayed without asking who edited; a manager removed by the admin,
    // back in the group by an old link, could rewrite an answer the customer already had
    name: "a removed manager's edit of an answer they sent on the team does not reach the customer",
    steps: [
      { k: "open", c: 0, topic: 0 },
      { k: "comment", m: 0, t: 0, note: false },
      { k: "admin", act: "removeManager", arg: 0 },
      { k: "mgrEdit", m: 0, back: 0 },
    ],
  },
];

for (const r of REGRESSIONS) {
  Deno.test({
    name: `chaos regression: ${r.name}`,
    ...sanitize,
    fn: async () => {
      const s = await runAndCheck(r.steps);
      assert.equal(s.steps, r.steps.length);
    },
  });
}

Deno.test({
  name: "chaos: the invariants see a broken index, a stray entry and an unanswered press",
  ...sanitize,
  fn: async () => {
    const r = await runSequence([
      { k: "open", c: 0, topic: 0 },
      { k: "comment", m: 0, t: 0, note: false },
    ]);
    try {
      assert.deepEqual(r.errors, []);
      assert.deepEqual(await checkAll(r), []);
      const tk = (await r.w.kv.get<{ status: string }>(["ticket", 1])).value;
      assert.ok(tk);
      await r.w.kv.delete(["by_status", tk.status, 1]);
      await r.w.kv.set(["by_client", 1, 7], true);
      r.queries.push("no-such-query");
      const v = await checkAll(r);
      assert.ok(v.some((x) => x.startsWith("index entry missing")), v.join("\n"));
      assert.ok(v.some((x) => x.startsWith("stray index entry")), v.join("\n"));
      assert.ok(v.some((x) => x.includes("never answered")), v.join("\n"));
    } finally {
      await r.w.stop();
    }
  },
});
