/**
 * A closed helpdesk keeps what customers write and hands it on when it opens again: to the
 * open ticket, or after the topic question. Customers are told once, truthfully.
 */
import assert from "node:assert/strict";
import { getClient } from "../src/storage/people.ts";
import { getSettings } from "../src/storage/settings.ts";
import { getTicket } from "../src/storage/tickets.ts";
import { customerOpensTicket, runningSettings, startSettingsWorld } from "./settings_harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name: "a closed helpdesk keeps customers' messages and delivers them when it opens again",
  ...sanitize,
  fn: async () => {
    const w = await startSettingsWorld({ readyChats: true, settings: runningSettings });
    const { emu } = w;
    try {
      const { user: alice, ticket: n } = await customerOpensTicket(
        w,
        "Alice",
        "Refund",
        "first question",
      );
      const thread = async () => {
        const t = (await getTicket(w.kv, n))!;
        return emu.threadView(w.groupId, t.threadId!).map((m) => m.text ?? "");
      };
      await w.until(async () => (await thread()).includes("first question"), "first in thread");
      const bob = emu.createUser({ firstName: "Bob", languageCode: "en" });
      emu.userStartBot(bob.id, w.client.id);
      await emu.waitForMessage(bob.id, w.client.id, () => true);

      let at = w.mark();
      w.send("/menu");
      await w.waitFor(/is open/, at);
      w.press("s:close");
      await w.until(async () => !(await getSettings(w.kv)).open, "closed");

      emu.userSend(alice.id, w.client.id, { text: "while closed 1" });
      emu.userSend(alice.id, w.client.id, { text: "while closed 2" });
      emu.userSend(bob.id, w.client.id, { text: "hello, anyone?" });
      const kept = (u: { id: number }) =>
        emu.view(u.id, w.client.id).filter((m) =>
          !m.outgoing && /message is kept/.test(m.text ?? "")
        )
          .length;
      await w.until(() => kept(alice) === 1 && kept(bob) === 1, "both told");
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(kept(alice), 1, "told once, not per message");
      assert.ok(!(await thread()).some((t) => t.startsWith("while closed")), "nothing relayed yet");

      at = w.mark();
      w.send("/menu");
      await w.waitFor(/./, at);
      w.press("s:open");
      await w.until(async () => (await getSettings(w.kv)).open, "open again");
      await w.until(
        async () => (await thread()).filter((t) => t.startsWith("while closed")).length === 2,
        "Alice's kept messages in her ticket",
      );
      const got = (await thread()).filter((t) => t.startsWith("while closed"));
      assert.deepEqual(got, ["while closed 1", "while closed 2"], "in order");
      // Bob had no ticket: asked for a topic, then his kept message opens it
      await emu.waitForMessage(bob.id, w.client.id, (m) => /topic/i.test(m.text ?? ""));
      emu.userSend(bob.id, w.client.id, { text: "Delivery" });
      await w.until(async () => !!(await getClient(w.kv, bob.id))?.currentTicket, "Bob's ticket");
      const bt = (await getTicket(w.kv, (await getClient(w.kv, bob.id))!.currentTicket!))!;
      assert.equal(bt.topic, "Delivery");
      await w.until(async () => {
        const t = (await getTicket(w.kv, bt.number))!;
        return !!t.threadId &&
          emu.threadView(w.groupId, t.threadId).some((m) => m.text === "hello, anyone?");
      }, "Bob's kept message in his new ticket");
    } finally {
      await w.stop();
    }
  },
});
