/**
 * A customer who writes hundreds of messages while the helpdesk is closed (a chat history
 * forwarded at night, say) gets every one of them into the thread, in order, once it opens:
 * more than one KV operation can take, so they are recorded in parts.
 */
import assert from "node:assert/strict";
import { listHeld } from "../src/storage/drafts.ts";
import { getClient } from "../src/storage/people.ts";
import { getSettings } from "../src/storage/settings.ts";
import { getTicket } from "../src/storage/tickets.ts";
import { customerOpensTicket, runningSettings, startSettingsWorld } from "./settings_harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };
const N = 300;

Deno.test({
  name:
    "a closed helpdesk: 300 messages kept from one customer reach their ticket's thread in order once it opens, and 300 from a customer without a ticket open one",
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
      // what the thread shows of `who`'s messages, in order: several kept texts may share one
      // comment (coalesced while the group's limit held them back), each on a line of its own
      const shown = async (t: number, who: string) => {
        const tk = (await getTicket(w.kv, t))!;
        if (!tk.threadId) return [];
        return emu.threadView(w.groupId, tk.threadId).flatMap((m) =>
          [...(m.text ?? "").matchAll(new RegExp(`${who} \\d+`, "g"))].map((x) => x[0])
        );
      };
      const bob = emu.createUser({ firstName: "Bob", languageCode: "en" });
      emu.userStartBot(bob.id, w.client.id);
      await emu.waitForMessage(bob.id, w.client.id, () => true);

      await w.menu();
      w.press("s:close");
      await w.until(async () => !(await getSettings(w.kv)).open, "closed");
      for (let i = 1; i <= N; i++) {
        emu.userSend(alice.id, w.client.id, { text: `alice ${i}` });
        emu.userSend(bob.id, w.client.id, { text: `bob ${i}` });
        if (i % 50 === 0) await new Promise((r) => setTimeout(r, 0));
      }
      await w.until(
        async () =>
          (await listHeld(w.kv, alice.id)).length === N &&
          (await listHeld(w.kv, bob.id)).length === N,
        "all kept",
        60_000,
      );

      await w.menu();
      w.press("s:open");
      await w.until(async () => (await getSettings(w.kv)).open, "open again");
      const expected = (who: string) => Array.from({ length: N }, (_, i) => `${who} ${i + 1}`);
      await w.until(
        async () => (await shown(n, "alice")).length >= N,
        "Alice's kept messages in her ticket",
        120_000,
      );
      assert.deepEqual(await shown(n, "alice"), expected("alice"));
      assert.equal((await listHeld(w.kv, alice.id)).length, 0);

      // Bob is asked for a topic; his kept messages open the ticket, every one of them
      await emu.waitForMessage(bob.id, w.client.id, (m) => /topic/i.test(m.text ?? ""));
      emu.userSend(bob.id, w.client.id, { text: "Delivery" });
      await w.until(async () => !!(await getClient(w.kv, bob.id))?.currentTicket, "Bob's ticket");
      const b = (await getClient(w.kv, bob.id))!.currentTicket!;
      await w.until(
        async () => (await shown(b, "bob")).length >= N,
        "Bob's kept messages in his new ticket",
        120_000,
      );
      assert.deepEqual(await shown(b, "bob"), expected("bob"));
      assert.equal((await listHeld(w.kv, bob.id)).length, 0);
    } finally {
      await w.stop();
    }
  },
});
