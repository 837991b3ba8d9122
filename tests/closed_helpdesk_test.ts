/**
 * A closed helpdesk keeps what customers write and hands it on when it opens again: to the
 * open ticket, or after the topic question. Customers are told once, truthfully.
 */
import assert from "node:assert/strict";
import { defaultCronJobs } from "../src/jobs.ts";
import { closedHoldsLeft } from "../src/storage/drafts.ts";
import { getClient } from "../src/storage/people.ts";
import { getSettings } from "../src/storage/settings.ts";
import { getTicket } from "../src/storage/tickets.ts";
import {
  customerOpensTicket,
  runningSettings,
  type SettingsWorld,
  startSettingsWorld,
} from "./settings_harness.ts";

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

      await toggle(w, false);

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

      await toggle(w, true);
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

/** The admin closes (`s:close`) or opens (`s:open`) the helpdesk from the settings menu. */
async function toggle(w: SettingsWorld, open: boolean) {
  await w.menu();
  w.press(open ? "s:open" : "s:close");
  await w.until(async () => (await getSettings(w.kv)).open === open, open ? "open" : "closed");
}

/** A customer's kept message written while closed, and the topic questions they have seen. */
async function keptWhileClosed(w: SettingsWorld) {
  const { emu } = w;
  const bob = emu.createUser({ firstName: "Bob", languageCode: "en" });
  emu.userStartBot(bob.id, w.client.id);
  await emu.waitForMessage(bob.id, w.client.id, () => true);
  await toggle(w, false);
  emu.userSend(bob.id, w.client.id, { text: "hello, anyone?" });
  await emu.waitForMessage(bob.id, w.client.id, (m) => /message is kept/.test(m.text ?? ""));
  const asked = () =>
    emu.view(bob.id, w.client.id).filter((m) => !m.outgoing && /topic/i.test(m.text ?? ""))
      .length;
  return { bob, asked };
}

/** Bob chooses a topic; his ticket holds `texts` in order. */
async function ticketHolds(
  w: SettingsWorld,
  bobId: number,
  texts: string[],
) {
  w.emu.userSend(bobId, w.client.id, { text: "Delivery" });
  await w.until(async () => !!(await getClient(w.kv, bobId))?.currentTicket, "Bob's ticket");
  const n = (await getClient(w.kv, bobId))!.currentTicket!;
  const inThread = async () => {
    const t = (await getTicket(w.kv, n))!;
    return t.threadId ? w.emu.threadView(w.groupId, t.threadId).map((m) => m.text ?? "") : [];
  };
  await w.until(
    async () => (await inThread()).filter((x) => texts.includes(x)).length === texts.length,
    "Bob's kept messages in his new ticket",
  );
  assert.deepEqual((await inThread()).filter((x) => texts.includes(x)), texts, "in order");
}

Deno.test({
  name:
    "a customer who blocked the bot while the helpdesk was closed is asked the topic when back, not left with a question never sent",
  ...sanitize,
  fn: async () => {
    const w = await startSettingsWorld({ readyChats: true, settings: runningSettings });
    try {
      const { bob, asked } = await keptWhileClosed(w);
      w.emu.userBlockBot(bob.id, w.client.id);
      await w.until(async () => (await getClient(w.kv, bob.id))?.unreachable === true, "gone");
      const before = asked();
      await toggle(w, true);
      // the question is refused (403): he stays unreachable, his message kept
      await new Promise((r) => setTimeout(r, 300));
      assert.equal((await getClient(w.kv, bob.id))?.unreachable, true);
      w.emu.userUnblockBot(bob.id, w.client.id);
      await w.until(() => asked() > before, "the topic question once he is back", 5_000);
      await ticketHolds(w, bob.id, ["hello, anyone?"]);
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name:
    "a topic question at opening that Telegram fails is asked again when the customer writes, nothing kept is lost",
  ...sanitize,
  fn: async () => {
    const w = await startSettingsWorld({ readyChats: true, settings: runningSettings });
    try {
      const { bob, asked } = await keptWhileClosed(w);
      const before = asked();
      w.emu.failNext({
        method: "sendMessage",
        botId: w.client.id,
        chatId: bob.id,
        count: 50,
        kind: "500",
      });
      await toggle(w, true);
      await new Promise((r) => setTimeout(r, 300));
      w.emu.clearFaults();
      assert.equal(asked(), before, "not asked: Telegram failed");
      w.emu.userSend(bob.id, w.client.id, { text: "still there?" });
      await w.until(() => asked() > before, "the topic question when he writes", 5_000);
      await ticketHolds(w, bob.id, ["hello, anyone?", "still there?"]);
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name:
    "kept messages an opening could not hand on are handed on by the minute job, without waiting for the customer",
  ...sanitize,
  fn: async () => {
    const w = await startSettingsWorld({
      readyChats: true,
      settings: runningSettings,
      cronJobs: defaultCronJobs(),
    });
    try {
      const { bob, asked } = await keptWhileClosed(w);
      const carol = w.emu.createUser({ firstName: "Carol", languageCode: "en" });
      w.emu.userStartBot(carol.id, w.client.id);
      w.emu.userSend(carol.id, w.client.id, { text: "me too" });
      await w.emu.waitForMessage(
        carol.id,
        w.client.id,
        (m) => /message is kept/.test(m.text ?? ""),
      );
      w.emu.userBlockBot(carol.id, w.client.id);
      await w.until(async () => (await getClient(w.kv, carol.id))?.unreachable === true, "gone");
      const before = asked();
      w.emu.failNext({
        method: "sendMessage",
        botId: w.client.id,
        chatId: bob.id,
        count: 50,
        kind: "500",
      });
      await toggle(w, true);
      await new Promise((r) => setTimeout(r, 300));
      w.emu.clearFaults();
      assert.equal(asked(), before, "not asked: Telegram failed");
      const carolCalls = () =>
        w.emu.calls(w.client.id).filter((c) =>
          c.method === "sendMessage" && c.params.chat_id === carol.id
        )
          .length;
      const carolBefore = carolCalls();
      assert.equal(await closedHoldsLeft(w.kv), true, "the failed opening noted for the job");
      await w.app.cronTick();
      await w.until(() => asked() > before, "the topic question from the minute job", 5_000);
      assert.equal(carolCalls(), carolBefore, "a customer who blocked the bot is not tried again");
      assert.equal(await closedHoldsLeft(w.kv), false, "nothing left for the next minutes");
      await ticketHolds(w, bob.id, ["hello, anyone?"]);
    } finally {
      await w.stop();
    }
  },
});
