/**
 * Tickets follow the helpdesk's chats. Telegram numbers messages per chat, so after a move to
 * another channel the old post ids mean other posts there: every open ticket gets a new post
 * and thread in the new chats, with a link to its earlier conversation. A ticket posted while
 * the channel had no discussion group, and a ticket whose post someone deleted, are posted
 * again once a thread can exist.
 */
import assert from "node:assert/strict";
import { ManualClock } from "../src/clock.ts";
import { defaultCronJobs } from "../src/jobs.ts";
import { getClient } from "../src/storage/people.ts";
import { getTicket } from "../src/storage/tickets.ts";
import {
  inThread,
  runningSettings,
  type SettingsWorld,
  startSettingsWorld,
} from "./settings_harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

/** A client opens a ticket (typed topic, one question); returns its number. */
async function openTicket(w: SettingsWorld, name: string, question: string) {
  const { emu } = w;
  const u = emu.createUser({ firstName: name, languageCode: "en" });
  emu.userStartBot(u.id, w.client.id);
  emu.userSend(u.id, w.client.id, { text: "/new" });
  await emu.waitForMessage(u.id, w.client.id, (m) => /topic/i.test(m.text ?? ""));
  emu.userSend(u.id, w.client.id, { text: "Billing" });
  await emu.waitForMessage(u.id, w.client.id, (m) => /describe/.test(m.text ?? ""));
  emu.userSend(u.id, w.client.id, { text: question });
  let n = 0;
  await w.until(async () => {
    n = (await getClient(w.kv, u.id))?.currentTicket ?? 0;
    return n > 0;
  }, `${name}'s ticket`);
  return { id: u.id, n };
}

Deno.test({
  name: "relocate: after a channel move every open ticket continues in the new chats, none mixed",
  ...sanitize,
  fn: async () => {
    const w = await startSettingsWorld({ readyChats: true, settings: runningSettings });
    const { emu } = w;
    try {
      let at = w.mark();
      w.send("/start");
      await w.waitFor(/./, at);
      const alice = await openTicket(w, "Alice", "Card declined");
      const before = await inThread(w, alice.n, w.groupId, /^Card declined$/);

      // the owner prepares a new channel and group with both bots, and moves the helpdesk
      const channel2 = emu.createChannel({ title: "Desk 2", ownerId: w.owner.id }).id;
      const group2 = emu.createGroup({ title: "Desk 2 chat", ownerId: w.owner.id }).id;
      emu.linkDiscussion(channel2, group2);
      for (const b of [w.client, w.manager]) {
        emu.setMember(channel2, b.id, { status: "administrator" });
        emu.setMember(group2, b.id, { status: "administrator" });
      }
      at = w.mark();
      w.send("/status");
      await w.waitFor(/Channel/, at);
      at = w.mark();
      w.press("s:channel");
      await w.waitFor(/To choose the channel/, at);
      at = w.mark();
      w.send(String(channel2));
      // typed on a live helpdesk (no button to answer): a question, not a failed update
      await w.waitFor(/Move it to “Desk 2”\?/, at);
      at = w.mark();
      w.press(`s:ch_yes:${channel2}`);
      await w.waitFor(/Channel “Desk 2” chosen/, at);

      // Alice's ticket is posted in the new channel; its new thread links the old one
      const moved = await inThread(w, alice.n, group2, /переехала в новый канал/);
      assert.ok(moved.postId !== null);
      const notice = emu.threadView(group2, moved.threadId!).find((m) =>
        /переехала в новый канал/.test(m.text ?? "")
      );
      assert.ok(notice);
      assert.match(notice.text!, new RegExp(`/c/\\d+/${before.threadId}`));
      // she writes again: it reaches the new thread
      emu.userSend(alice.id, w.client.id, { text: "Still declined" });
      await inThread(w, alice.n, group2, /^Still declined$/);

      // a new ticket gets its own post and thread, Alice's ticket is untouched
      const bob = await openTicket(w, "Bob", "Where is my parcel?");
      const tb = await inThread(w, bob.n, group2, /^Where is my parcel\?$/);
      const ta = (await getTicket(w.kv, alice.n))!;
      assert.notEqual(tb.threadId, ta.threadId);
      assert.notEqual(tb.postId, ta.postId);
      assert.equal(ta.duplicates, undefined, "Bob's post was not taken for Alice's");
      const aliceThread = emu.threadView(group2, ta.threadId!).map((m) => m.text ?? "");
      assert.ok(!aliceThread.some((t) => /parcel/.test(t)), "nothing of Bob's in Alice's thread");
      const posts = emu.view(w.owner.id, channel2).map((m) => m.text ?? "");
      assert.equal(posts.filter((p) => p.includes(`#${alice.n}`)).length, 1);
      assert.equal(posts.filter((p) => p.includes(`#${bob.n}`)).length, 1);
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "relocate: tickets posted while the group was unlinked get a thread once it is linked",
  ...sanitize,
  fn: async () => {
    const clock = new ManualClock(Date.now());
    const w = await startSettingsWorld({
      readyChats: true,
      settings: runningSettings,
      cronJobs: defaultCronJobs(),
      clock,
    });
    const { emu } = w;
    try {
      emu.unlinkDiscussion(w.channelId);
      const carol = await openTicket(w, "Carol", "Refund please");
      await w.until(async () => (await getTicket(w.kv, carol.n))?.postId != null, "the post");
      assert.equal((await getTicket(w.kv, carol.n))!.threadId, null, "no thread without a group");
      const oldPost = (await getTicket(w.kv, carol.n))!.postId!;

      // linked again; the minute's check finds the ticket without a thread and posts it again
      emu.linkDiscussion(w.channelId, w.groupId);
      await w.app.cronTick();
      assert.equal(
        (await getTicket(w.kv, carol.n))!.postId,
        oldPost,
        "a recent post may still get its forward",
      );
      clock.advance(3 * 60_000);
      await w.app.cronTick();
      await inThread(w, carol.n, w.groupId, /^Refund please$/);
      const t = await inThread(w, carol.n, w.groupId, /не было группы обсуждения/);
      assert.notEqual(t.postId, oldPost);
      // once: a second check changes nothing
      await w.app.cronTick();
      assert.equal((await getTicket(w.kv, carol.n))!.postId, t.postId);
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "relocate: a ticket post deleted in the channel is posted again at its next change",
  ...sanitize,
  fn: async () => {
    const w = await startSettingsWorld({ readyChats: true, settings: runningSettings });
    const { emu } = w;
    try {
      const dan = await openTicket(w, "Dan", "Login fails");
      const t0 = await inThread(w, dan.n, w.groupId, /^Login fails$/);
      emu.memberDelete(w.owner.id, w.channelId, t0.postId!);
      // the client closes the ticket from their list: the post's edit finds the post gone
      emu.userSend(dan.id, w.client.id, { text: "/tickets" });
      const list = await emu.waitForMessage(
        dan.id,
        w.client.id,
        (m) => JSON.stringify(m.replyMarkup ?? {}).includes(`c:close:${dan.n}`),
      );
      emu.userPressButton(dan.id, w.client.id, list.id, `c:close:${dan.n}`);
      const t1 = await inThread(w, dan.n, w.groupId, /Пост обращения #\d+ удалили в канале/);
      assert.notEqual(t1.postId, t0.postId);
      assert.notEqual(t1.threadId, t0.threadId);
      const posts = emu.view(w.owner.id, w.channelId).filter((m) =>
        (m.text ?? "").includes(`#${dan.n}`)
      );
      assert.equal(posts.length, 1, "one post of the ticket in the channel");
    } finally {
      await w.stop();
    }
  },
});
