/**
 * A privacy deletion removes the client from the managers' chats as far as Telegram lets bots
 * (posts, thread roots, the client's copies, the comments answering them) and names, per
 * ticket with its thread's link, what stays because bots may not delete messages older than
 * 48 hours.
 */
import assert from "node:assert/strict";
import { ManualClock } from "../src/clock.ts";
import { getClient, putManager } from "../src/storage/people.ts";
import { getTicket } from "../src/storage/tickets.ts";
import { runningSettings, type SettingsWorld, startSettingsWorld } from "./settings_harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };
const HOUR = 3600;

/** Alice asks `question` in a new ticket; Maria answers it in the thread. */
async function exchange(w: SettingsWorld, alice: number, maria: number, q: string, a: string) {
  const { emu } = w;
  const before = (await getClient(w.kv, alice))?.currentTicket ?? 0;
  const asked = async (re: RegExp) => {
    const seen = emu.view(alice, w.client.id).length;
    await w.until(
      () => emu.view(alice, w.client.id).slice(seen).some((m) => re.test(m.text ?? "")),
      `the bot asking ${re}`,
    );
  };
  const topic = asked(/topic/i);
  emu.userSend(alice, w.client.id, { text: "/new" });
  await topic;
  const describe = asked(/describe/);
  emu.userSend(alice, w.client.id, { text: "Billing" });
  await describe;
  emu.userSend(alice, w.client.id, { text: q });
  let n = 0;
  await w.until(async () => {
    n = (await getClient(w.kv, alice))?.currentTicket ?? 0;
    const t = n > before ? await getTicket(w.kv, n) : null;
    return !!t?.threadId && emu.threadView(w.groupId, t.threadId).some((m) => m.text === q);
  }, `the thread of "${q}"`);
  const t = (await getTicket(w.kv, n))!;
  emu.userSend(maria, w.groupId, { text: a }, { replyTo: t.threadId! });
  await emu.waitForMessage(alice, w.client.id, (m) => m.text?.endsWith(a) === true);
  return t;
}

/** Maria, a manager in the group, and Alice, a customer who started the client bot. */
async function people(w: SettingsWorld) {
  const maria = w.emu.createUser({ firstName: "Maria", languageCode: "en" });
  w.emu.setMember(w.groupId, maria.id, { status: "member" });
  await putManager(w.kv, {
    id: maria.id,
    name: "Maria",
    lang: "en",
    addedAt: 0,
    addedBy: w.owner.id,
    active: true,
    mute: [],
  });
  const alice = w.emu.createUser({ firstName: "Alice", username: "alice", languageCode: "en" });
  w.emu.userStartBot(alice.id, w.client.id);
  return { maria, alice };
}

Deno.test({
  name:
    "privacy: deletion removes the client's posts, threads and copies; names what Telegram kept",
  ...sanitize,
  fn: async () => {
    const clock = new ManualClock(Date.now());
    const w = await startSettingsWorld({ readyChats: true, settings: runningSettings, clock });
    const { emu } = w;
    try {
      const { maria, alice } = await people(w);
      const old = await exchange(w, alice.id, maria.id, "Old secret", "Old answer");
      // two days and an hour pass, in Telegram and for the service
      emu.ageMessages(w.groupId, 49 * HOUR);
      emu.ageMessages(w.channelId, 49 * HOUR);
      clock.advance(49 * HOUR * 1000);
      const fresh = await exchange(w, alice.id, maria.id, "Fresh secret", "Fresh answer");
      await w.app.deps.outbox.idle();

      let at = (await w.menu()).id;
      at = w.mark();
      w.press("s:clients");
      await w.waitFor(/./, at);
      at = w.mark();
      w.send("@alice");
      await w.waitFor(/Client: Alice/, at);
      at = w.mark();
      w.press(`s:cl_del:${alice.id}`);
      await w.waitFor(/cannot be undone/, at);
      at = w.mark();
      w.press(`s:cl_del_ok:${alice.id}`);
      const said = await w.waitFor(/data deleted \(2 tickets\)/, at);

      // the fresh ticket is gone from both chats: post, root, Alice's copy, Maria's comment
      const shown = (chat: number) => emu.view(w.owner.id, chat).map((m) => m.id);
      assert.ok(fresh.postId !== null && fresh.threadId !== null);
      assert.ok(!shown(w.channelId).includes(fresh.postId!), "fresh post deleted");
      // what is left in the thread (the team's own notices) neither names nor quotes Alice
      const left = emu.threadView(w.groupId, fresh.threadId!);
      assert.ok(!left.some((m) => m.id === fresh.threadId), "the thread's root deleted");
      for (const m of left) {
        assert.doesNotMatch(m.text ?? "", /Fresh secret|Fresh answer|Alice|@alice/, m.text);
      }
      // the old one stays (bots may not delete it) and the admin is told where and why
      const oldThread = emu.threadView(w.groupId, old.threadId!).map((m) => m.text);
      assert.ok(oldThread.includes("Old secret"), "Telegram kept the old copy");
      assert.ok(shown(w.channelId).includes(old.postId!), "Telegram kept the old post");
      assert.match(said.text!, /Deleted in the channel and the group: 4 messages\./);
      const link = `https://t.me/c/${String(w.groupId).replace(/^-100/, "")}/${old.threadId}`;
      assert.ok(
        said.text!.includes(`#${old.number}: 4 messages older than 48 hours`),
        said.text,
      );
      assert.ok(said.text!.includes(link), said.text);
      assert.doesNotMatch(said.text!, new RegExp(`#${fresh.number}:`));
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name:
    "privacy: without the Delete messages right the managers' comments stay, and the admin is told",
  ...sanitize,
  fn: async () => {
    const w = await startSettingsWorld({ readyChats: true, settings: runningSettings });
    const { emu } = w;
    try {
      const { maria, alice } = await people(w);
      const t = await exchange(w, alice.id, maria.id, "My card 4242", "Got it");
      await w.app.deps.outbox.idle();
      // the owner takes "Delete messages" from both bots in the group
      for (const b of [w.client, w.manager]) {
        emu.setMember(w.groupId, b.id, {
          status: "administrator",
          rights: { can_delete_messages: false },
        });
      }
      let at = (await w.menu()).id;
      at = w.mark();
      w.press("s:clients");
      await w.waitFor(/./, at);
      at = w.mark();
      w.send("@alice");
      await w.waitFor(/Client: Alice/, at);
      at = w.mark();
      w.press(`s:cl_del:${alice.id}`);
      await w.waitFor(/cannot be undone/, at);
      at = w.mark();
      w.press(`s:cl_del_ok:${alice.id}`);
      const said = await w.waitFor(/data deleted \(1 ticket\)/, at);
      const thread = emu.threadView(w.groupId, t.threadId!).map((m) => m.text);
      // the client bot's own copy could go; Maria's comment and the root could not
      assert.ok(!thread.includes("My card 4242"), "the client's copy deleted");
      assert.ok(thread.includes("Got it"), "the comment stays");
      assert.ok(
        said.text!.includes(
          `#${t.number}: 2 messages — the manager bot lacks the “Delete messages” right`,
        ),
        said.text,
      );
    } finally {
      await w.stop();
    }
  },
});
