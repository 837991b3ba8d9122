/**
 * Further desks (issue 18, item 3): an admin adds a second channel + discussion group pair in
 * the settings bot and routes a topic to it. A ticket of that topic is posted in the second
 * channel and discussed in the second group, both ways; a ticket of any other topic stays on
 * the main desk. Telegram numbers messages per chat, so the two groups have the same thread
 * ids: nothing is confused. The doctor names a broken second desk; removing it moves its
 * tickets to the main desk.
 */
import assert from "node:assert/strict";
import { buttonData } from "./harness.ts";
import { getClient } from "../src/storage/people.ts";
import { getSettings, updateSettings } from "../src/storage/settings.ts";
import { getTicket } from "../src/storage/tickets.ts";
import type { Ticket } from "../src/domain/ticket.ts";
import {
  customerAsksTopics,
  inThread,
  runningSettings,
  type SettingsWorld,
  startSettingsWorld,
} from "./settings_harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

/** A client opens a ticket, choosing topic `index` from the buttons; returns its number. */
async function openTicket(w: SettingsWorld, name: string, index: number, question: string) {
  const { emu } = w;
  const { user: u, choose } = await customerAsksTopics(w, name);
  emu.userPressButton(u.id, w.client.id, choose.id, buttonData(choose, `c:topic:${index}`));
  await emu.waitForMessage(u.id, w.client.id, (m) => /describe/.test(m.text ?? ""));
  emu.userSend(u.id, w.client.id, { text: question });
  let n = 0;
  await w.until(async () => {
    n = (await getClient(w.kv, u.id))?.currentTicket ?? 0;
    return n > 0;
  }, `${name}'s ticket`);
  return { id: u.id, n };
}

/** A channel with its linked group, owned by the owner; both bots admins unless `bots` says. */
function makeDesk(
  w: SettingsWorld,
  title: string,
  o: { group?: boolean; bots?: Array<"client" | "manager"> } = {},
) {
  const channel = w.emu.createChannel({ title, ownerId: w.owner.id }).id;
  const group = o.group === false
    ? null
    : w.emu.createGroup({ title: `${title} chat`, ownerId: w.owner.id }).id;
  if (group !== null) w.emu.linkDiscussion(channel, group);
  for (const kind of o.bots ?? ["client", "manager"]) {
    const b = kind === "client" ? w.client : w.manager;
    w.emu.setMember(channel, b.id, { status: "administrator" });
    if (group !== null) w.emu.setMember(group, b.id, { status: "administrator" });
  }
  return { channel, group };
}

/** The owner presses `data` and waits for the settings bot's answer matching `re`. */
async function step(w: SettingsWorld, data: string | null, text: string | null, re: RegExp) {
  const at = w.mark();
  if (data) w.press(data);
  if (text !== null) w.send(text);
  return await w.waitFor(re, at);
}

/** The owner opens the Desks screen and asks to add a desk, then names the channel. */
async function addDesk(w: SettingsWorld, channel: number, re: RegExp) {
  await step(w, null, "/menu", /open/);
  await step(w, "s:desks", null, /Desks:/);
  await step(w, "s:dk_add", null, /To add a desk/);
  return await step(w, null, String(channel), re);
}

/** A world whose helpdesk is open with the topics Billing and Delivery. */
function startBilling(): Promise<SettingsWorld> {
  return startSettingsWorld({
    readyChats: true,
    settings: (x) => ({ ...runningSettings(x), topics: ["Billing", "Delivery"] }),
  });
}

/** The owner adds the channel "Desk 2" as desk 1 and routes Billing to it. */
async function secondDeskForBilling(w: SettingsWorld) {
  const second = makeDesk(w, "Desk 2");
  const at = w.mark();
  await addDesk(w, second.channel, /Desk 1 “Desk 2” added/);
  await w.waitFor(/Topics of desk 1 “Desk 2”/, at);
  await step(w, "s:dk_tp:1:0", null, /Topics of desk 1/);
  return second;
}

/** Whether the client's chat with the client bot shows a message matching `re`. */
function clientSees(w: SettingsWorld, clientId: number, re: RegExp): boolean {
  return w.emu.view(clientId, w.client.id).some((m) => !m.outgoing && re.test(m.text ?? ""));
}

Deno.test({
  name: "desks: a second desk routed by topic carries its tickets both ways, none confused",
  ...sanitize,
  fn: async () => {
    const w = await startBilling();
    const { emu } = w;
    try {
      // refused: the main channel, a channel without a group, a desk whose client bot is not
      // an admin of its group, each with the reason
      await addDesk(w, w.channelId, /main desk's chats/);
      const lone = makeDesk(w, "Lone", { group: false });
      await step(w, null, String(lone.channel), /has no discussion group/);
      const half = makeDesk(w, "Half", { bots: ["manager"] });
      emu.setMember(half.channel, w.client.id, { status: "administrator" });
      const failed = await step(w, null, String(half.channel), /“Half” is not ready to be a desk/);
      assert.match(
        failed.text!,
        /Client bot @desk_client_bot is not an admin of the discussion group/,
      );
      assert.equal((await getSettings(w.kv)).desks.length, 0, "nothing stored by a refusal");

      // the second desk: added, then Billing routed to it
      const second = makeDesk(w, "Desk 2");
      let at = w.mark();
      w.send(String(second.channel));
      await w.waitFor(/Desk 1 “Desk 2” added/, at);
      await w.waitFor(/Topics of desk 1 “Desk 2”/, at);
      at = w.mark();
      w.press("s:dk_tp:1:0");
      const routed = await w.waitFor(/Topics of desk 1/, at);
      assert.match(JSON.stringify(routed.replyMarkup), /✅ Billing/);
      const s = await getSettings(w.kv);
      assert.deepEqual(s.desks.map((d) => [d.id, d.channelId, d.groupId, d.topics]), [
        [1, second.channel, second.group, ["Billing"]],
      ]);
      // the same channel again: refused
      await addDesk(w, second.channel, /is a desk already/);

      // Bob's Delivery ticket stays on the main desk, Alice's Billing one goes to desk 2
      const bob = await openTicket(w, "Bob", 1, "Where is my parcel?");
      const bobTk = await inThread(w, bob.n, w.groupId, /^Where is my parcel\?$/);
      assert.equal(bobTk.desk, undefined);
      const alice = await openTicket(w, "Alice", 0, "Card declined");
      const aliceTk = await inThread(w, alice.n, second.group!, /^Card declined$/);
      assert.equal(aliceTk.desk, 1);
      assert.ok(aliceTk.postId !== null);
      const post = emu.view(w.owner.id, second.channel).find((m) => m.id === aliceTk.postId);
      assert.ok(post, "Alice's ticket is posted in the second desk's channel");
      assert.match(post.text ?? "", new RegExp(`#${alice.n}`));
      assert.ok(
        !emu.view(w.owner.id, w.channelId).some((m) => (m.text ?? "").includes("Card declined")),
        "nothing of Alice's ticket in the main channel",
      );
      // both groups number their messages from 1: the two threads have the same root id
      assert.equal(aliceTk.threadId, bobTk.threadId, "the same thread id in both groups");

      // the owner answers in each group's thread: each answer reaches its own customer only
      emu.userSend(w.owner.id, second.group!, { text: "Try another card" }, {
        replyTo: aliceTk.threadId!,
      });
      emu.userSend(w.owner.id, w.groupId, { text: "It ships tomorrow" }, {
        replyTo: bobTk.threadId!,
      });
      await w.until(
        () => clientSees(w, alice.id, /Try another card/) && clientSees(w, bob.id, /ships/),
        "each answer at its customer",
      );
      assert.ok(!clientSees(w, alice.id, /ships tomorrow/), "Bob's answer not at Alice");
      assert.ok(!clientSees(w, bob.id, /another card/), "Alice's answer not at Bob");
      // and Alice's next message goes to her thread in the second group
      emu.userSend(alice.id, w.client.id, { text: "Did that, thanks" });
      await inThread(w, alice.n, second.group!, /^Did that, thanks$/);

      // the doctor: the client bot demoted in the second group is named with its desk
      emu.setMember(second.group!, w.client.id, { status: "member" });
      // (the status, not the setup watch's alert the demotion may bring as well)
      await step(
        w,
        null,
        "/status",
        /Channel: “Tickets”[\s\S]*• Desk 1 “Desk 2”: Client bot @desk_client_bot is not an admin of the discussion group/,
      );
      emu.setMember(second.group!, w.client.id, { status: "administrator" });
      const at2 = w.mark();
      w.send("/status");
      await w.until(
        () => w.view().some((m) => m.id > at2 && /Channel: “Tickets”/.test(m.text ?? "")),
        "the status",
      );
      const healthy = w.view().find((m) => m.id > at2 && /Channel: “Tickets”/.test(m.text ?? ""));
      assert.ok(healthy);
      // the desk is listed with its topics, and no problem names it
      assert.match(healthy.text!, /Desk 1 “Desk 2”: Billing/);
      assert.doesNotMatch(healthy.text!, /• Desk 1/);

      // removal: Alice's ticket moves to the main desk with a link to its old thread
      await step(w, null, "/menu", /open/);
      const screen = await step(w, "s:desks", null, /Desk 1 “Desk 2”: Billing/);
      // the main desk by its channel's title, not its id
      assert.match(screen.text ?? "", /Desk 0 \(main\), channel “Tickets”:/);
      await step(w, "s:dk_rm:1", null, /Remove desk 1 “Desk 2”\?/);
      await step(
        w,
        "s:dk_rm_ok:1",
        null,
        /Desk 1 removed; open tickets moved to the main desk: 1\./,
      );
      assert.deepEqual((await getSettings(w.kv)).desks, []);
      const moved: Ticket = await inThread(
        w,
        alice.n,
        w.groupId,
        /^🔁 (Стол обращения|The desk of ticket) #\d+/,
      );
      assert.equal(moved.desk, undefined);
      assert.notEqual(moved.threadId, aliceTk.threadId);
      // a comment in the removed desk's group reaches nobody; one in the new thread does
      emu.userSend(w.owner.id, second.group!, { text: "Old desk speaking" }, {
        replyTo: aliceTk.threadId!,
      });
      emu.userSend(w.owner.id, w.groupId, { text: "New desk speaking" }, {
        replyTo: moved.threadId!,
      });
      await w.until(() => clientSees(w, alice.id, /New desk speaking/), "the answer in the move");
      assert.ok(!clientSees(w, alice.id, /Old desk speaking/), "the old desk's group ignored");
      // Billing is the main desk's again: a new ticket of it is posted there
      const carl = await openTicket(w, "Carl", 0, "Refund please");
      assert.equal((await inThread(w, carl.n, w.groupId, /^Refund please$/)).desk, undefined);
      // Telegram failing the lookup (500, then 429): the main desk by its id, at once
      for (const kind of ["500", "429"] as const) {
        emu.failNext({ method: "getChat", botId: w.manager.id, kind, retryAfter: 30 });
        await step(w, null, "/menu", /./);
        const failed = await step(w, "s:desks", null, /Desk 0/);
        assert.match(failed.text ?? "", new RegExp(`Desk 0 \\(main\\), channel ${w.channelId}:`));
      }
      // a channel the manager bot cannot look up (it left): the main desk by its id
      emu.setMember(w.channelId, w.manager.id, { status: "left" });
      await step(w, null, "/menu", /./);
      const byId = await step(w, "s:desks", null, /Desk 0/);
      assert.match(byId.text ?? "", new RegExp(`Desk 0 \\(main\\), channel ${w.channelId}:`));
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "desks: a manager gets the links of every desk and answers a second desk's ticket there",
  ...sanitize,
  fn: async () => {
    const w = await startBilling();
    const { emu } = w;
    try {
      const second = await secondDeskForBilling(w);

      // Maria's invitation brings links to the main chats and to desk 2's
      await step(w, null, "/menu", /open/);
      await step(w, "s:managers", null, /Nobody yet/);
      const inv = await step(w, "s:invite", null, /one-time link/);
      const payload = /https:\/\/t\.me\/desk_manager_bot\?start=(\S+)/.exec(inv.text!)![1]!;
      const maria = emu.createUser({ firstName: "Maria", languageCode: "en" });
      emu.userStartBot(maria.id, w.manager.id, payload);
      const welcome = await emu.waitForMessage(
        maria.id,
        w.manager.id,
        (m) => /Welcome to the support team/.test(m.text ?? ""),
      );
      const links = /Desk 1 “Desk 2”: channel (\S+) · group (\S+)/.exec(welcome.text!);
      assert.ok(links, `desk 2's links in ${welcome.text}`);
      assert.ok(/Channel: \S+/.test(welcome.text!) && /Group: \S+/.test(welcome.text!));
      assert.equal(emu.userJoinByLink(maria.id, links[1]!).chatId, second.channel);
      assert.equal(emu.userJoinByLink(maria.id, links[2]!).chatId, second.group);

      // Alice's Billing ticket: Maria answers in desk 2's group, Alice gets it
      const alice = await openTicket(w, "Alice", 0, "Card declined");
      const tk = await inThread(w, alice.n, second.group!, /^Card declined$/);
      emu.userSend(maria.id, second.group!, { text: "Try another card" }, {
        replyTo: tk.threadId!,
      });
      await w.until(() => clientSees(w, alice.id, /Try another card/), "Maria's answer");
      await w.until(async () => (await getTicket(w.kv, alice.n))?.managerId === maria.id, "hers");

      // her list in the manager bot links the thread in desk 2's group
      const at = emu.view(maria.id, w.manager.id).at(-1)?.id ?? 0;
      emu.userSend(maria.id, w.manager.id, { text: "/my" });
      const mine = await emu.waitForMessage(
        maria.id,
        w.manager.id,
        (m) => m.id > at && new RegExp(`#${alice.n}\\b[\\s\\S]*Billing`).test(m.text ?? ""),
      );
      const internal = String(second.group).slice(4);
      assert.match(
        JSON.stringify(mine),
        new RegExp(`t\\.me/c/${internal}/${tk.threadId}\\?thread=${tk.threadId}`),
      );
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "desks: a move of the main channel re-posts the main desk's tickets only",
  ...sanitize,
  fn: async () => {
    const w = await startBilling();
    const { emu } = w;
    try {
      const second = await secondDeskForBilling(w);
      const alice = await openTicket(w, "Alice", 0, "Card declined");
      const aliceTk = await inThread(w, alice.n, second.group!, /^Card declined$/);
      const bob = await openTicket(w, "Bob", 1, "Where is my parcel?");
      const bobTk = await inThread(w, bob.n, w.groupId, /^Where is my parcel\?$/);

      // a desk's channel cannot become the main one
      await step(w, null, "/status", /Channel/);
      await step(w, "s:channel", null, /To choose the channel/);
      await step(w, null, String(second.channel), /is a further desk/);
      // the main desk moves to new chats
      const moved = makeDesk(w, "New main");
      await step(w, null, String(moved.channel), /Move it to “New main”\?/);
      await step(w, `s:ch_yes:${moved.channel}`, null, /Channel “New main” chosen/);

      // Bob's ticket continues in the new main chats; Alice's stays where it was
      const bobNow = await inThread(
        w,
        bob.n,
        moved.group!,
        /^🔁 (Служба поддержки переехала|The helpdesk moved)/,
      );
      assert.notEqual(bobNow.postId, null);
      assert.ok(
        emu.view(w.owner.id, moved.channel).some((m) => m.id === bobNow.postId),
        "Bob's new post in the new main channel",
      );
      const aliceNow = (await getTicket(w.kv, alice.n))!;
      assert.equal(aliceNow.desk, 1);
      assert.equal(aliceNow.postId, aliceTk.postId);
      assert.equal(aliceNow.threadId, aliceTk.threadId);
      assert.notEqual(bobTk.threadId, null);
      // and Alice's thread still works both ways
      emu.userSend(w.owner.id, second.group!, { text: "Still here" }, {
        replyTo: aliceTk.threadId!,
      });
      await w.until(() => clientSees(w, alice.id, /Still here/), "the answer on desk 2");
      emu.userSend(alice.id, w.client.id, { text: "Good" });
      await inThread(w, alice.n, second.group!, /^Good$/);
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "desks: a ticket left on a removed desk (a removal it raced with) moves to the main desk",
  ...sanitize,
  fn: async () => {
    const w = await startBilling();
    try {
      const second = await secondDeskForBilling(w);
      const alice = await openTicket(w, "Alice", 0, "Card declined");
      await inThread(w, alice.n, second.group!, /^Card declined$/);
      // another process removed the desk and moved its tickets before this one was opened
      // there (its settings were a second old): the desk is gone, the ticket still on it
      await updateSettings(w.kv, w.owner.id, Date.now(), () => ({ desks: [] }));
      // the doctor (here /status; also the periodic check) finds it and moves it
      await step(w, null, "/status", /Channel: “Tickets”/);
      const moved = await inThread(
        w,
        alice.n,
        w.groupId,
        /^🔁 (Стол обращения|The desk of ticket) #\d+/,
      );
      assert.equal(moved.desk, undefined);
      w.emu.userSend(w.owner.id, w.groupId, { text: "Found you" }, { replyTo: moved.threadId! });
      await w.until(() => clientSees(w, alice.id, /Found you/), "the answer on the main desk");
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "desks: a non-admin's presses and forged or stale desk buttons change nothing",
  ...sanitize,
  fn: async () => {
    const w = await startBilling();
    const { emu } = w;
    try {
      const second = makeDesk(w, "Desk 2");
      await addDesk(w, second.channel, /Topics of desk 1 “Desk 2”/);
      await step(w, "s:dk_tp:1:0", null, /Topics of desk 1/);
      const before = JSON.stringify((await getSettings(w.kv)).desks);
      assert.match(before, /"topics":\["Billing"\]/);

      // someone who is no admin presses the desk buttons (forged into their own chat)
      const eve = emu.createUser({ firstName: "Eve", languageCode: "en" });
      emu.userStartBot(eve.id, w.settingsBot.id);
      await w.until(() => emu.view(eve.id, w.settingsBot.id).some((m) => !m.outgoing), "answer");
      const anchor = emu.view(eve.id, w.settingsBot.id).find((m) => !m.outgoing)!.id;
      const evePresses = ["s:dk_rm_ok:1", "s:dk_tp:1:1", "s:dk_ch:" + second.channel, "s:dk_add"]
        .map((data) =>
          emu.userPressButton(eve.id, w.settingsBot.id, anchor, data, { forged: true })
        );
      await w.until(
        () => evePresses.every((q) => emu.callbackAnswer(q) !== undefined),
        "Eve's presses answered",
      );

      // the owner's forged and stale ones: a desk that is not there, a topic index past the
      // list, a positive chat id, a negative desk id
      for (
        const data of ["s:dk_rm_ok:9", "s:dk_tp:1:99", "s:dk_tp:9:0", "s:dk_ch:5", "s:dk_rm_ok:-1"]
      ) {
        const q = emu.userPressButton(w.owner.id, w.settingsBot.id, anchor, data, { forged: true });
        await w.until(() => emu.callbackAnswer(q) !== undefined, `${data} answered`);
        assert.match(String(emu.callbackAnswer(q)?.text ?? ""), /out of date/, data);
      }
      assert.equal(JSON.stringify((await getSettings(w.kv)).desks), before, "desks unchanged");

      // the desk removed, its old buttons are stale: a second removal or routing changes nothing
      await step(w, "s:desks", null, /Desks:/);
      await step(w, "s:dk_rm:1", null, /Remove desk 1/);
      await step(w, "s:dk_rm_ok:1", null, /Desk 1 removed/);
      for (const data of ["s:dk_rm_ok:1", "s:dk_tp:1:0", "s:dk_top:1", "s:dk_rm:1"]) {
        const q = emu.userPressButton(w.owner.id, w.settingsBot.id, anchor, data, { forged: true });
        await w.until(() => emu.callbackAnswer(q) !== undefined, `${data} answered`);
      }
      assert.deepEqual((await getSettings(w.kv)).desks, []);
      const s = await getSettings(w.kv);
      assert.equal(s.deskSeq, 1, "the id is not handed out again");
    } finally {
      await w.stop();
    }
  },
});
