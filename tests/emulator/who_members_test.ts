/** Who writes in a group (anonymous admins, channels, forwards) and membership rules. */
import assert from "node:assert/strict";
import { api, drain, ok, scenario } from "./helpers.ts";
import { startEmulator } from "../../src/emulator/mod.ts";

type Msg = Record<string, Record<string, unknown>>;

Deno.test("anonymous admins write as GroupAnonymousBot with the group as sender_chat", async () => {
  const { emu, owner, clientBot, group } = await scenario();
  try {
    emu.userSend(owner.id, group.id, { text: "/status" }, { asAnonymousAdmin: true });
    const [u] = await drain(emu, clientBot.token);
    const m = (u as Msg).message!;
    const from = m.from as Record<string, unknown>;
    assert.equal(from.id, 1087968824);
    assert.equal(from.username, "GroupAnonymousBot");
    assert.equal(from.is_bot, true);
    assert.equal((m.sender_chat as Record<string, unknown>).id, group.id);
    // Only admins can stay anonymous.
    const carl = emu.createUser({ firstName: "Member" });
    emu.setMember(group.id, carl.id, { status: "member" });
    assert.throws(() => emu.userSend(carl.id, group.id, { text: "x" }, { asAnonymousAdmin: true }));
  } finally {
    await emu.close();
  }
});

Deno.test("a member posting as a channel shows Channel_Bot and that channel", async () => {
  const { emu, owner, clientBot, channel, group } = await scenario();
  try {
    emu.userSend(owner.id, group.id, { text: "/status" }, { asChannel: channel.id });
    const [u] = await drain(emu, clientBot.token);
    const m = (u as Msg).message!;
    const from = m.from as Record<string, unknown>;
    assert.equal(from.id, 136817688);
    assert.equal(from.username, "Channel_Bot");
    assert.equal((m.sender_chat as Record<string, unknown>).id, channel.id);
    assert.equal(m.is_automatic_forward, undefined);
    // A channel the user does not run cannot be used.
    const other = emu.createUser({ firstName: "Other" });
    emu.setMember(group.id, other.id, { status: "member" });
    assert.throws(() => emu.userSend(other.id, group.id, { text: "x" }, { asChannel: channel.id }));
  } finally {
    await emu.close();
  }
});

Deno.test("forwards to a bot carry every forward_origin kind", async () => {
  const { emu, owner, client, clientBot, channel, group } = await scenario();
  try {
    const when = emu.world.now() - 3600;
    emu.userForward(client.id, clientBot.id, { type: "user", userId: owner.id, date: when }, {
      text: "a",
    });
    emu.userForward(client.id, clientBot.id, { type: "hidden_user", senderUserName: "Hid Den" }, {
      text: "b",
    });
    emu.userForward(client.id, clientBot.id, {
      type: "chat",
      chatId: group.id,
      authorSignature: "Boss",
    }, { text: "c" });
    emu.userForward(client.id, clientBot.id, {
      type: "channel",
      chatId: channel.id,
      messageId: 7,
      authorSignature: "Ed",
    }, { photo: {} });
    const ups = await drain(emu, clientBot.token);
    const o = ups.map((u) => (u as Msg).message!.forward_origin as Record<string, unknown>);
    assert.equal(o.length, 4);
    assert.deepEqual(
      { ...o[0], sender_user: (o[0]!.sender_user as Record<string, unknown>).id },
      { type: "user", sender_user: owner.id, date: when },
    );
    assert.equal(o[1]!.type, "hidden_user");
    assert.equal(o[1]!.sender_user_name, "Hid Den");
    assert.equal(o[1]!.sender_user, undefined);
    assert.equal(o[2]!.type, "chat");
    assert.equal((o[2]!.sender_chat as Record<string, unknown>).id, group.id);
    assert.equal(o[2]!.author_signature, "Boss");
    assert.equal(o[3]!.type, "channel");
    assert.equal((o[3]!.chat as Record<string, unknown>).id, channel.id);
    assert.equal(o[3]!.message_id, 7);
    assert.equal(o[3]!.author_signature, "Ed");
    // The forwarding user is the sender.
    assert.equal(((ups[0] as Msg).message!.from as Record<string, unknown>).id, client.id);
  } finally {
    await emu.close();
  }
});

Deno.test("banChatMember on an administrator fails as Telegram says", async () => {
  const { emu, clientBot, group } = await scenario();
  try {
    const adm = emu.createUser({ firstName: "Adm" });
    emu.setMember(group.id, adm.id, { status: "administrator" });
    const a = await api(emu, clientBot.token, "banChatMember", {
      chat_id: group.id,
      user_id: adm.id,
    });
    assert.equal(a.ok, false);
    assert.equal(a.error_code, 400);
    assert.equal(a.description, "Bad Request: user is an administrator of the chat");
    const m = await ok(emu, clientBot.token, "getChatMember", {
      chat_id: group.id,
      user_id: adm.id,
    });
    assert.equal(m.status, "administrator");
  } finally {
    await emu.close();
  }
});

Deno.test("promoteChatMember: a bot edits only the admins it appointed (hierarchy)", async () => {
  const { emu, owner, clientBot, managerBot, group } = await scenario();
  try {
    const call = (token: string, params: Record<string, unknown>) =>
      api(emu, token, "promoteChatMember", { chat_id: group.id, ...params });
    const ann = emu.createUser({ firstName: "Ann" });
    emu.setMember(group.id, ann.id, { status: "member" });
    // without can_promote_members (the default for a bot made admin) nothing can be promoted
    const denied = await call(managerBot.token, { user_id: ann.id, can_delete_messages: true });
    assert.equal(denied.description, "Bad Request: not enough rights");
    emu.setMember(group.id, managerBot.id, {
      status: "administrator",
      rights: { can_promote_members: true },
    });
    // a right the bot itself lacks can't be given
    const stories = await call(managerBot.token, { user_id: ann.id, can_post_stories: true });
    assert.equal(stories.description, "Bad Request: RIGHT_FORBIDDEN");
    assert.equal(
      (await call(managerBot.token, { user_id: ann.id, can_delete_messages: true })).ok,
      true,
    );
    const asSeen = (token: string) =>
      ok(emu, token, "getChatMember", { chat_id: group.id, user_id: ann.id });
    const mine = await asSeen(managerBot.token);
    assert.equal(mine.status, "administrator");
    assert.equal(mine.can_delete_messages, true);
    assert.equal(mine.can_invite_users, false);
    assert.equal(mine.can_be_edited, true);
    assert.equal((await asSeen(clientBot.token)).can_be_edited, false);
    // the owner's admin can be neither demoted nor banned by the bot
    const bob = emu.createUser({ firstName: "Bob" });
    emu.setMember(group.id, bob.id, { status: "administrator" });
    const other = await call(managerBot.token, { user_id: bob.id, can_delete_messages: false });
    assert.equal(other.description, "Bad Request: CHAT_ADMIN_REQUIRED");
    const owners = await call(managerBot.token, { user_id: owner.id });
    assert.equal(owners.description, "Bad Request: can't remove chat owner");
    // its own admin: demoted by all-false rights, then banned like any member
    assert.equal(
      (await call(managerBot.token, { user_id: ann.id, can_delete_messages: false })).ok,
      true,
    );
    assert.equal((await asSeen(managerBot.token)).status, "member");
    emu.setMember(group.id, ann.id, { status: "administrator", byId: managerBot.id });
    const ban = await api(emu, managerBot.token, "banChatMember", {
      chat_id: group.id,
      user_id: ann.id,
    });
    assert.equal(ban.ok, true, "an admin the bot appointed can be banned by it");
  } finally {
    await emu.close();
  }
});

Deno.test("getChatMember for a user who never met the chat says left", async () => {
  const { emu, clientBot, group } = await scenario();
  try {
    const stranger = emu.createUser({ firstName: "Stranger" });
    const m = await ok(emu, clientBot.token, "getChatMember", {
      chat_id: group.id,
      user_id: stranger.id,
    });
    assert.equal(m.status, "left");
    assert.equal((m.user as Record<string, unknown>).id, stranger.id);
  } finally {
    await emu.close();
  }
});

Deno.test("chat_member goes to admin bots that asked for it, and to no one else", async () => {
  const { emu, owner, clientBot, managerBot, group } = await scenario();
  try {
    const plain = emu.createBot({ username: "plain_bot" });
    emu.setMember(group.id, plain.id, { status: "member" });
    await ok(emu, clientBot.token, "getUpdates", {
      timeout: 0,
      allowed_updates: ["message", "chat_member"],
    });
    await ok(emu, plain.token, "getUpdates", { timeout: 0, allowed_updates: ["chat_member"] });
    await drain(emu, plain.token);
    const u = emu.createUser({ firstName: "Joiner" });
    emu.setMember(group.id, u.id, { status: "member", byId: u.id }); // joins
    emu.setMember(group.id, u.id, { status: "administrator", byId: owner.id }); // promoted
    emu.setMember(group.id, u.id, { status: "member", byId: owner.id }); // demoted
    emu.setMember(group.id, u.id, { status: "kicked", byId: owner.id }); // removed
    emu.setMember(group.id, u.id, { status: "left", byId: owner.id }); // unbanned
    const v = emu.createUser({ firstName: "Leaver" });
    emu.setMember(group.id, v.id, { status: "member", byId: v.id });
    emu.userLeave(v.id, group.id);
    const ups = await drain(emu, clientBot.token);
    const changes = ups.map((x) => {
      const c = x.chat_member as Record<string, Record<string, unknown>>;
      return `${c.old_chat_member!.status}>${c.new_chat_member!.status}`;
    });
    assert.deepEqual(changes, [
      "left>member",
      "member>administrator",
      "administrator>member",
      "member>kicked",
      "kicked>left",
      "left>member",
      "member>left",
    ]);
    assert.equal((await drain(emu, managerBot.token)).length, 0, "default allowed_updates");
    assert.equal((await drain(emu, plain.token)).length, 0, "not an admin");
  } finally {
    await emu.close();
  }
});

Deno.test("userReact sends message_reaction to admin bots that asked", async () => {
  const { emu, client, clientBot, managerBot, group } = await scenario();
  try {
    emu.setMember(group.id, client.id, { status: "member" });
    await ok(emu, clientBot.token, "getUpdates", {
      timeout: 0,
      allowed_updates: ["message", "message_reaction"],
    });
    const sent = emu.userSend(client.id, group.id, { text: "hello" });
    await drain(emu, clientBot.token);
    await drain(emu, managerBot.token);
    emu.userReact(client.id, group.id, sent.messageId, ["👍"]);
    emu.userReact(client.id, group.id, sent.messageId, ["🔥"]);
    emu.userReact(client.id, group.id, sent.messageId, []);
    const ups = await drain(emu, clientBot.token);
    const r = ups.map((u) => u.message_reaction as Record<string, unknown>);
    assert.equal(r.length, 3);
    assert.equal(r[0]!.message_id, sent.messageId);
    assert.equal((r[0]!.user as Record<string, unknown>).id, client.id);
    assert.equal((r[0]!.chat as Record<string, unknown>).id, group.id);
    assert.deepEqual(r[0]!.old_reaction, []);
    assert.deepEqual(r[0]!.new_reaction, [{ type: "emoji", emoji: "👍" }]);
    assert.deepEqual(r[1]!.old_reaction, [{ type: "emoji", emoji: "👍" }]);
    assert.deepEqual(r[2]!.new_reaction, []);
    assert.equal((await drain(emu, managerBot.token)).length, 0, "did not ask");
    // Private chat: the bot of the chat gets it when it asked.
    const dm = emu.userSend(client.id, clientBot.id, { text: "dm" });
    await drain(emu, clientBot.token);
    emu.userReact(client.id, clientBot.id, dm.messageId, ["❤"]);
    const [p] = await drain(emu, clientBot.token);
    assert.equal(((p!.message_reaction as Msg).chat!).id, client.id);
  } finally {
    await emu.close();
  }
});

Deno.test("unlinking or changing the discussion group, protection and topics", async () => {
  const { emu, owner, clientBot, channel, group } = await scenario({
    autoForwardDelay: "before-return",
  });
  try {
    const chat = (id: number) => ok(emu, clientBot.token, "getChat", { chat_id: id });
    assert.equal((await chat(channel.id)).linked_chat_id, group.id);
    // Another group becomes the discussion group: the old one loses its link.
    const g2 = emu.createGroup({ title: "New chat", ownerId: owner.id });
    emu.setMember(g2.id, clientBot.id, { status: "administrator" });
    emu.linkDiscussion(channel.id, g2.id);
    assert.equal((await chat(channel.id)).linked_chat_id, g2.id);
    assert.equal((await chat(group.id)).linked_chat_id, undefined);
    assert.equal((await chat(g2.id)).linked_chat_id, channel.id);
    // Unlinked: no linked_chat_id, no more automatic forwards.
    emu.unlinkDiscussion(channel.id);
    assert.equal((await chat(channel.id)).linked_chat_id, undefined);
    assert.equal((await chat(g2.id)).linked_chat_id, undefined);
    await drain(emu, clientBot.token);
    const post = await ok(emu, clientBot.token, "sendMessage", { chat_id: channel.id, text: "p" });
    assert.equal(emu.threadRootOf(channel.id, post.message_id as number), undefined);
    const ups = await drain(emu, clientBot.token);
    assert.equal(ups.filter((u) => u.message).length, 0);
    // Content protection toggled by the owner.
    emu.setProtectedContent(group.id, true);
    assert.equal((await chat(group.id)).has_protected_content, true);
    const own = await ok(emu, clientBot.token, "sendMessage", { chat_id: group.id, text: "s" });
    const fw = await api(emu, clientBot.token, "forwardMessage", {
      chat_id: channel.id,
      from_chat_id: group.id,
      message_id: own.message_id,
    });
    assert.equal(fw.description, "Bad Request: message can't be forwarded");
    emu.setProtectedContent(group.id, false);
    assert.equal((await chat(group.id)).has_protected_content, undefined);
    // Topics turned on.
    assert.equal((await chat(group.id)).is_forum, undefined);
    emu.setForum(group.id, true);
    assert.equal((await chat(group.id)).is_forum, true);
    assert.throws(() => emu.setForum(channel.id, true));
  } finally {
    await emu.close();
  }
});

Deno.test("a channel made public is reachable by @username; made private again, it is not", async () => {
  const emu = await startEmulator({ limits: false });
  try {
    const owner = emu.createUser({ firstName: "O" });
    const bot = emu.createBot({ username: "pub_bot" });
    const ch = emu.createChannel({ title: "News", ownerId: owner.id }).id;
    emu.setMember(ch, bot.id, { status: "administrator" });
    const get = (chat_id: unknown) =>
      fetch(`${emu.apiRoot}/bot${bot.token}/getChat`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ chat_id }),
      }).then((r) => r.json());
    assert.equal((await get("@acme_news")).description, "Bad Request: chat not found");
    emu.setChatUsername(ch, "acme_news");
    const pub = await get("@acme_news");
    assert.equal(pub.ok, true);
    assert.equal(pub.result.id, ch);
    assert.equal(pub.result.username, "acme_news");
    emu.setChatUsername(ch, null);
    assert.equal((await get("@acme_news")).description, "Bad Request: chat not found");
    const byId = await get(ch);
    assert.equal(byId.ok, true);
    assert.equal(byId.result.username, undefined, "private: no username");
  } finally {
    await emu.close();
  }
});
