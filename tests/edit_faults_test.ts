import assert from "node:assert/strict";
import { clientOpensTicket, managerSays, startWorld } from "./harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name:
    "relay: an edit of a copy the client deleted fails quietly, managers are told, work goes on",
  ...sanitize,
  fn: async () => {
    const w = await startWorld();
    try {
      const bob = await w.newClient("Bob", "en");
      const n = await clientOpensTicket(w, bob.id, "Refund", "Where is my refund?");
      const maria = w.managers[0]!;
      const answerId = await managerSays(w, maria.id, n, { text: "Tomorrow" });
      await w.until(() => w.clientView(bob.id).some((m) => m.text === "#1\nTomorrow"), "answer");
      const copy = w.clientView(bob.id).find((m) => m.text === "#1\nTomorrow");
      assert.ok(copy, "the client's copy exists");
      // the client deletes the copy in their chat; Telegram tells the bot nothing
      w.emu.userDelete(bob.id, w.clientBot.id, copy.id);
      w.emu.userEdit(maria.id, w.groupId, answerId, "Tomorrow morning");
      await w.until(
        async () =>
          (await w.thread(n)).some((m) =>
            /edit could not be shown|Исправление не дошло/.test(m.text ?? "")
          ),
        "managers told the edit was not relayed",
      );
      // the service is still alive and the lane goes on
      await managerSays(w, maria.id, n, { text: "Done, check your account" });
      await w.until(
        () => w.clientView(bob.id).some((m) => m.text === "#1\nDone, check your account"),
        "later answer delivered",
      );
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "relay: an edit that meets a 500 twice is retried in order and arrives",
  ...sanitize,
  fn: async () => {
    const w = await startWorld();
    try {
      const bob = await w.newClient("Bob", "en");
      const n = await clientOpensTicket(w, bob.id, "Refund", "Where is my refund?");
      const maria = w.managers[0]!;
      const answerId = await managerSays(w, maria.id, n, { text: "Tomorrow" });
      await w.until(() => w.clientView(bob.id).some((m) => m.text === "#1\nTomorrow"), "answer");
      w.emu.failNext({ method: "editMessageText", botId: w.clientBot.id, count: 2, kind: "500" });
      w.emu.userEdit(maria.id, w.groupId, answerId, "Tomorrow morning");
      await managerSays(w, maria.id, n, { text: "And a receipt" });
      await w.until(
        () => w.clientView(bob.id).some((m) => m.text === "#1\nTomorrow morning" && m.edited),
        "edit retried",
      );
      await w.until(
        () => w.clientView(bob.id).some((m) => m.text === "#1\nAnd a receipt"),
        "later answer",
      );
      const edits = w.emu.calls(w.clientBot.id).filter((c) => c.method === "editMessageText");
      assert.equal(edits.length, 3, "two failures and one success");
      // the later answer was not sent before the edit succeeded (lane order)
      const calls = w.emu.calls(w.clientBot.id);
      const editOk = calls.findIndex((c) => c.method === "editMessageText" && c.ok);
      const later = calls.findIndex((c) =>
        c.method === "sendMessage" && String(c.params.text ?? "").includes("And a receipt")
      );
      assert.ok(editOk >= 0 && later >= 0);
      assert.ok(editOk < later, "the later answer overtook the edit");
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "outbox: a job of an unknown type is set aside; the ticket's later messages still arrive",
  ...sanitize,
  fn: async () => {
    const w = await startWorld();
    try {
      const bob = await w.newClient("Bob", "en");
      const n = await clientOpensTicket(w, bob.id, "Refund", "Where is my refund?");
      const maria = w.managers[0]!;
      // a job from a newer version (or a corrupted one) at the head of the client lane
      await w.kv.set(["outbox", n, "client", 0], {
        ticket: n,
        lane: "client",
        seq: 0,
        createdAt: 0,
        attempts: 0,
        notBefore: 0,
        action: { type: "teleport", msgSeq: 1 },
      });
      await managerSays(w, maria.id, n, { text: "On it" });
      await w.until(() => w.clientView(bob.id).some((m) => m.text === "#1\nOn it"), "answer");
      assert.equal((await w.kv.get(["outbox", n, "client", 0])).value, null, "set aside");
      await w.until(
        async () => (await w.thread(n)).some((m) => /teleport/.test(m.text ?? "")),
        "managers told why",
      );
    } finally {
      await w.stop();
    }
  },
});
