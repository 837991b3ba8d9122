// It stays one file over 400 lines: one suite of the emulated world (chats, members, forwards,
// threads), its scenarios sharing the helpers of helpers.ts.
import assert from "node:assert/strict";
import { startEmulator, TELEGRAM_USER_ID } from "../../src/emulator/mod.ts";
import { api, drain, ok, scenario } from "./helpers.ts";

// Test code reads deep into Bot API objects; full typings would add nothing here.
// deno-lint-ignore no-explicit-any
type Msg = Record<string, any>;

Deno.test("private chat: bot can't initiate; /start opens; block gives 403 and my_chat_member", async () => {
  const emu = await startEmulator({ limits: false });
  try {
    const bot = emu.createBot({ username: "a_bot" });
    const u = emu.createUser({ firstName: "U", username: "uu" });
    let a = await api(emu, bot.token, "sendMessage", { chat_id: u.id, text: "hi" });
    assert.deepEqual(a, {
      ok: false,
      error_code: 403,
      description: "Forbidden: bot can't initiate conversation with a user",
    });
    a = await api(emu, bot.token, "sendMessage", { chat_id: 424242, text: "hi" });
    assert.equal(a.description, "Bad Request: chat not found");
    emu.userStartBot(u.id, bot.id);
    const ups = await drain(emu, bot.token);
    assert.equal(ups.length, 1);
    const m = ups[0]!.message as Msg;
    assert.equal(m.text, "/start");
    assert.deepEqual(m.entities, [{ type: "bot_command", offset: 0, length: 6 }]);
    assert.equal(m.chat.id, u.id);
    assert.equal(m.chat.type, "private");
    assert.equal(m.from.id, u.id);
    await ok(emu, bot.token, "sendMessage", { chat_id: u.id, text: "hello" });
    const view = emu.view(u.id, bot.id);
    assert.deepEqual(view.map((v) => [v.sender.type, v.text, v.outgoing]), [[
      "user",
      "/start",
      true,
    ], ["bot", "hello", false]]);
    emu.userBlockBot(u.id, bot.id);
    a = await api(emu, bot.token, "sendMessage", { chat_id: u.id, text: "hi" });
    assert.deepEqual(a, {
      ok: false,
      error_code: 403,
      description: "Forbidden: bot was blocked by the user",
    });
    let mcm = (await drain(emu, bot.token))[0]!.my_chat_member as Msg;
    assert.equal(mcm.old_chat_member.status, "member");
    assert.equal(mcm.new_chat_member.status, "kicked");
    emu.userUnblockBot(u.id, bot.id);
    mcm = (await drain(emu, bot.token))[0]!.my_chat_member as Msg;
    assert.equal(mcm.new_chat_member.status, "member");
    assert.equal(
      (await api(emu, bot.token, "sendMessage", { chat_id: u.id, text: "back" })).ok,
      true,
    );
  } finally {
    await emu.close();
  }
});

Deno.test("file_id is per bot; file_unique_id is global; getFile limit and download", async () => {
  const { emu, client, clientBot, managerBot, group } = await scenario();
  try {
    emu.userSend(client.id, clientBot.id, { photo: { sizeBytes: 50_000 }, caption: "pic" });
    emu.userSend(client.id, clientBot.id, {
      document: { fileName: "big.zip", sizeBytes: 21 * 1024 * 1024 },
    });
    const ups = await drain(emu, clientBot.token);
    const photo = (ups[0]!.message as Msg).photo as Msg[];
    assert.equal(photo.length, 3);
    const big = photo[2]!;
    // the same bot can re-send by file_id, into the group
    const sent = await ok<Msg>(emu, clientBot.token, "sendPhoto", {
      chat_id: group.id,
      photo: big.file_id,
    });
    assert.equal(sent.photo[2].file_unique_id, big.file_unique_id);
    assert.equal(sent.photo[2].file_id, big.file_id);
    // another bot can't use it
    const a = await api(emu, managerBot.token, "sendPhoto", {
      chat_id: group.id,
      photo: big.file_id,
    });
    assert.deepEqual(a, {
      ok: false,
      error_code: 400,
      description: "Bad Request: wrong file identifier/HTTP URL specified",
    });
    assert.equal(
      (await api(emu, managerBot.token, "getFile", { file_id: big.file_id })).error_code,
      400,
    );
    // when both bots receive the same file, each gets its own file_id, same file_unique_id
    const mgr = emu.createUser({ firstName: "M" });
    emu.setMember(group.id, mgr.id, { status: "member" });
    await drain(emu, clientBot.token);
    await drain(emu, managerBot.token);
    emu.userSend(mgr.id, group.id, { photo: { fileUniqueId: big.file_unique_id } });
    const pc = ((await drain(emu, clientBot.token))[0]!.message as Msg).photo[2];
    const pm = ((await drain(emu, managerBot.token))[0]!.message as Msg).photo[2];
    assert.equal(pc.file_unique_id, pm.file_unique_id);
    assert.equal(pc.file_id, big.file_id);
    assert.notEqual(pm.file_id, big.file_id);
    assert.equal(
      (await api(emu, managerBot.token, "sendPhoto", { chat_id: group.id, photo: pm.file_id })).ok,
      true,
    );
    // wrong kind
    assert.equal(
      (await api(emu, clientBot.token, "sendVideo", { chat_id: group.id, video: big.file_id }))
        .description,
      "Bad Request: type of file mismatch",
    );
    const f = await ok<Msg>(emu, clientBot.token, "getFile", { file_id: big.file_id });
    assert.equal(f.file_size, 50_000);
    const res = await fetch(`${emu.apiRoot}/file/bot${clientBot.token}/${f.file_path}`);
    assert.equal((await res.arrayBuffer()).byteLength, 50_000);
    const doc = (ups[1]!.message as Msg).document;
    const tooBig = await api(emu, clientBot.token, "getFile", { file_id: doc.file_id });
    assert.deepEqual(tooBig, {
      ok: false,
      error_code: 400,
      description: "Bad Request: file is too big",
    });
    // but the big file can still be relayed by file_id
    assert.equal(
      (await api(emu, clientBot.token, "sendDocument", {
        chat_id: group.id,
        document: doc.file_id,
      })).ok,
      true,
    );
  } finally {
    await emu.close();
  }
});

Deno.test("channel post is auto-forwarded into the linked group; comments form a thread", async () => {
  const { emu, owner, client, clientBot, managerBot, channel, group } = await scenario();
  try {
    const chat = await ok<Msg>(emu, managerBot.token, "getChat", { chat_id: channel.id });
    assert.equal(chat.linked_chat_id, group.id);
    assert.equal(
      (await ok<Msg>(emu, clientBot.token, "getChat", { chat_id: group.id })).linked_chat_id,
      channel.id,
    );
    emu.setAutoForwardDelay("before-return");
    const post = await ok<Msg>(emu, managerBot.token, "sendMessage", {
      chat_id: channel.id,
      text: "Ticket #1",
    });
    assert.equal(post.sender_chat.id, channel.id);
    assert.equal(post.from, undefined);
    const root = emu.threadRootOf(channel.id, post.message_id)!;
    assert.equal(root.groupId, group.id);
    // both admin bots see the automatic forward; nobody sees the bot's channel post
    for (const b of [clientBot, managerBot]) {
      const ups = await drain(emu, b.token);
      assert.equal(ups.length, 1, b.username);
      const g = ups[0]!.message as Msg;
      assert.equal(g.message_id, root.messageId);
      assert.equal(g.is_automatic_forward, true);
      assert.equal(g.from.id, TELEGRAM_USER_ID);
      assert.equal(g.from.is_bot, false);
      assert.equal(g.sender_chat.id, channel.id);
      assert.deepEqual(g.forward_origin, {
        type: "channel",
        chat: { id: channel.id, type: "channel", title: "Tickets" },
        message_id: post.message_id,
        date: post.date,
      });
    }
    // a bot comment (reply to G) lands in the thread
    const c1 = await ok<Msg>(emu, clientBot.token, "sendMessage", {
      chat_id: group.id,
      text: "question",
      reply_parameters: { message_id: root.messageId },
    });
    assert.equal(c1.message_thread_id, root.messageId);
    assert.equal(c1.reply_to_message.message_id, root.messageId);
    // a manager's comment reaches admin bots with thread id and reply_to_message
    emu.setMember(group.id, owner.id, { status: "member" }); // owner stays creator? no: owner is creator
    const mgr = emu.createUser({ firstName: "Mia" });
    emu.setMember(group.id, mgr.id, { status: "member" });
    await drain(emu, clientBot.token);
    emu.userSend(mgr.id, group.id, { text: "answer" }, { replyTo: c1.message_id });
    const got = (await drain(emu, clientBot.token))[0]!.message as Msg;
    assert.equal(got.message_thread_id, root.messageId);
    assert.equal(got.reply_to_message.message_id, c1.message_id);
    const thread = emu.threadView(group.id, root.messageId);
    assert.deepEqual(thread.map((m) => m.text), ["Ticket #1", "question", "answer"]);
    assert.equal(thread[0]!.sender.type, "chat");
    // userComment helper
    emu.userComment(mgr.id, channel.id, post.message_id, { text: "more" });
    assert.equal(emu.threadView(group.id, root.messageId).length, 4);
    // a thread id into a non-forum group is ignored (the message lands outside the thread,
    // see params_test.ts); a missing reply target is an error
    let a = await api(emu, clientBot.token, "sendMessage", {
      chat_id: group.id,
      text: "x",
      message_thread_id: root.messageId,
    });
    assert.equal(a.ok, true);
    assert.equal((a.result as Record<string, unknown>).message_thread_id, undefined);
    a = await api(emu, clientBot.token, "sendMessage", {
      chat_id: group.id,
      text: "x",
      reply_parameters: { message_id: 9999 },
    });
    assert.equal(a.description, "Bad Request: message to be replied not found");
    a = await api(emu, clientBot.token, "sendMessage", {
      chat_id: group.id,
      text: "x",
      reply_parameters: { message_id: 9999, allow_sending_without_reply: true },
    });
    assert.equal(a.ok, true);
    // editing the post keeps the group copy in sync
    await ok(emu, managerBot.token, "editMessageText", {
      chat_id: channel.id,
      message_id: post.message_id,
      text: "Ticket #1 (closed)",
    });
    assert.equal(emu.threadView(group.id, root.messageId)[0]!.text, "Ticket #1 (closed)");
    void client;
  } finally {
    await emu.close();
  }
});

Deno.test("auto-forward delay is asynchronous by default; forwardMessage'd post keeps the original origin", async () => {
  const { emu, client, clientBot, managerBot, channel, group } = await scenario({
    // long enough that the answer is surely back before the forward, even on a loaded machine
    autoForwardDelay: { min: 400, max: 500 },
  });
  try {
    const post = await ok<Msg>(emu, managerBot.token, "sendMessage", {
      chat_id: channel.id,
      text: "P",
    });
    assert.equal(emu.threadRootOf(channel.id, post.message_id), undefined);
    const root = await emu.waitFor(() => emu.threadRootOf(channel.id, post.message_id), {
      timeoutMs: 3000,
    });
    assert.equal(root.groupId, group.id);
    emu.userStartBot(client.id, managerBot.id);
    const fw = await ok<Msg>(emu, managerBot.token, "forwardMessage", {
      chat_id: channel.id,
      from_chat_id: client.id,
      message_id: 1,
    });
    assert.equal(fw.forward_origin.type, "user");
    const r2 = await emu.waitFor(() => emu.threadRootOf(channel.id, fw.message_id), {
      timeoutMs: 3000,
    });
    const g = emu.threadView(group.id, r2.messageId)[0]!;
    assert.equal(g.forwardOrigin!.type, "user");
    void clientBot;
  } finally {
    await emu.close();
  }
});

Deno.test("privacy mode, admin bots, other bots' messages and own messages are invisible", async () => {
  const emu = await startEmulator({ limits: false });
  try {
    const owner = emu.createUser({ firstName: "O" });
    const group = emu.createGroup({ title: "G", ownerId: owner.id });
    const admin = emu.createBot({ username: "admin_bot" });
    const plain = emu.createBot({ username: "plain_bot" });
    const open = emu.createBot({ username: "open_bot", privacy: false });
    emu.setMember(group.id, admin.id, { status: "administrator" });
    emu.setMember(group.id, plain.id, { status: "member" });
    emu.setMember(group.id, open.id, { status: "member" });
    for (const b of [admin, plain, open]) {
      const mcm = (await drain(emu, b.token))[0]!.my_chat_member as Msg;
      assert.equal(mcm.new_chat_member.status, b === admin ? "administrator" : "member");
    }
    emu.userSend(owner.id, group.id, { text: "hello all" });
    emu.userSend(owner.id, group.id, { text: "/help@plain_bot" });
    emu.userSend(owner.id, group.id, { text: "/help@admin_bot" });
    const texts = async (t: string) => (await drain(emu, t)).map((u) => (u.message as Msg).text);
    assert.deepEqual(await texts(admin.token), ["hello all", "/help@plain_bot", "/help@admin_bot"]);
    assert.deepEqual(await texts(plain.token), ["/help@plain_bot"]);
    assert.deepEqual(await texts(open.token), ["hello all", "/help@plain_bot", "/help@admin_bot"]);
    // a reply to the privacy bot's own message reaches it
    const own = await ok<Msg>(emu, plain.token, "sendMessage", {
      chat_id: group.id,
      text: "I am plain",
    });
    emu.userSend(owner.id, group.id, { text: "re" }, { replyTo: own.message_id });
    assert.deepEqual(await texts(plain.token), ["re"]);
    // bots never see other bots' messages (nor their own)
    await drain(emu, admin.token);
    await drain(emu, open.token);
    await ok(emu, admin.token, "sendMessage", { chat_id: group.id, text: "/cmd from a bot" });
    assert.deepEqual(await texts(open.token), []);
    assert.deepEqual(await texts(admin.token), []);
    assert.deepEqual(await texts(plain.token), []);
  } finally {
    await emu.close();
  }
});

Deno.test("protected content, copy/forward rules, copyMessages order", async () => {
  const emu = await startEmulator({ limits: false });
  try {
    const owner = emu.createUser({ firstName: "O" });
    const bot = emu.createBot({ username: "b_bot" });
    const prot = emu.createChannel({ title: "P", ownerId: owner.id, protectedContent: true });
    const open = emu.createGroup({ title: "G", ownerId: owner.id });
    emu.setMember(prot.id, bot.id, { status: "administrator" });
    emu.setMember(open.id, bot.id, { status: "administrator" });
    const p = await ok<Msg>(emu, bot.token, "sendMessage", { chat_id: prot.id, text: "secret" });
    assert.equal(p.has_protected_content, true);
    let a = await api(emu, bot.token, "copyMessage", {
      chat_id: open.id,
      from_chat_id: prot.id,
      message_id: p.message_id,
    });
    assert.deepEqual(a, {
      ok: false,
      error_code: 400,
      description: "Bad Request: message can't be copied",
    });
    a = await api(emu, bot.token, "forwardMessage", {
      chat_id: open.id,
      from_chat_id: prot.id,
      message_id: p.message_id,
    });
    assert.equal(a.description, "Bad Request: message can't be forwarded");
    // protect_content on a single message
    const m = await ok<Msg>(emu, bot.token, "sendMessage", {
      chat_id: open.id,
      text: "x",
      protect_content: true,
    });
    a = await api(emu, bot.token, "copyMessage", {
      chat_id: open.id,
      from_chat_id: open.id,
      message_id: m.message_id,
    });
    assert.equal(a.description, "Bad Request: message can't be copied");
    // copyMessages: strictly increasing ids; albums keep a (new) media group
    emu.userSendAlbum(owner.id, open.id, [{ photo: {} }, { photo: {} }, { video: {} }]);
    const ids = emu.view(owner.id, open.id).filter((v) => v.mediaGroupId).map((v) => v.id);
    a = await api(emu, bot.token, "copyMessages", {
      chat_id: open.id,
      from_chat_id: open.id,
      message_ids: [ids[1], ids[0]],
    });
    assert.equal(a.error_code, 400);
    assert.match(a.description!, /increasing/);
    const copied = await ok<{ message_id: number }[]>(emu, bot.token, "copyMessages", {
      chat_id: open.id,
      from_chat_id: open.id,
      message_ids: ids,
    });
    assert.equal(copied.length, 3);
    const view = emu.view(owner.id, open.id);
    const copies = view.filter((v) => copied.some((c) => c.message_id === v.id));
    assert.equal(new Set(copies.map((c) => c.mediaGroupId)).size, 1);
    assert.notEqual(copies[0]!.mediaGroupId, view.find((v) => v.id === ids[0])!.mediaGroupId);
    // copyMessage with a caption override and reply into a thread
    const c = await ok<Msg>(emu, bot.token, "copyMessage", {
      chat_id: open.id,
      from_chat_id: open.id,
      message_id: ids[0],
      caption: "new",
      reply_parameters: { message_id: ids[0] },
    });
    const cv = emu.view(owner.id, open.id).find((v) => v.id === c.message_id)!;
    assert.equal(cv.caption, "new");
    assert.equal(cv.threadId, ids[0]);
  } finally {
    await emu.close();
  }
});

Deno.test("edits: own messages only, not modified, media/text mismatch; delete", async () => {
  const { emu, client, clientBot, managerBot, group } = await scenario();
  try {
    const m = await ok<Msg>(emu, clientBot.token, "sendMessage", { chat_id: group.id, text: "a" });
    let a = await api(emu, managerBot.token, "editMessageText", {
      chat_id: group.id,
      message_id: m.message_id,
      text: "b",
    });
    assert.deepEqual(a, {
      ok: false,
      error_code: 400,
      description: "Bad Request: message can't be edited",
    });
    a = await api(emu, clientBot.token, "editMessageText", {
      chat_id: group.id,
      message_id: m.message_id,
      text: "a",
    });
    assert.match(a.description!, /^Bad Request: message is not modified/);
    const e = await ok<Msg>(emu, clientBot.token, "editMessageText", {
      chat_id: group.id,
      message_id: m.message_id,
      text: "b",
    });
    assert.ok(e.edit_date);
    a = await api(emu, clientBot.token, "editMessageCaption", {
      chat_id: group.id,
      message_id: m.message_id,
      caption: "c",
    });
    assert.equal(a.description, "Bad Request: there is no caption in the message to edit");
    const kb = { inline_keyboard: [[{ text: "ok", callback_data: "ok" }]] };
    await ok(emu, clientBot.token, "editMessageReplyMarkup", {
      chat_id: group.id,
      message_id: m.message_id,
      reply_markup: kb,
    });
    a = await api(emu, clientBot.token, "editMessageReplyMarkup", {
      chat_id: group.id,
      message_id: m.message_id,
      reply_markup: kb,
    });
    assert.match(a.description!, /not modified/);
    // user edits reach the bots as edited_message
    emu.userStartBot(client.id, clientBot.id);
    await drain(emu, clientBot.token);
    const sent = emu.userSend(client.id, clientBot.id, { text: "typo" });
    emu.userEdit(client.id, clientBot.id, sent.messageId, "fixed");
    const ups = await drain(emu, clientBot.token);
    assert.equal((ups[1]!.edited_message as Msg).text, "fixed");
    assert.equal(emu.view(client.id, clientBot.id).at(-1)!.edited, true);
    // delete
    await ok(emu, clientBot.token, "deleteMessage", {
      chat_id: group.id,
      message_id: m.message_id,
    });
    a = await api(emu, clientBot.token, "deleteMessage", {
      chat_id: group.id,
      message_id: m.message_id,
    });
    assert.equal(a.description, "Bad Request: message to delete not found");
    assert.equal(emu.view(client.id, group.id).some((v) => v.id === m.message_id), false);
  } finally {
    await emu.close();
  }
});

Deno.test("callback queries go to the sending bot; membership, invite links, chat_member", async () => {
  const { emu, owner, client, clientBot, managerBot, channel, group } = await scenario({
    autoForwardDelay: "before-return",
  });
  try {
    const post = await ok<Msg>(emu, managerBot.token, "sendMessage", {
      chat_id: channel.id,
      text: "T",
      reply_markup: { inline_keyboard: [[{ text: "Take", callback_data: "take:1" }]] },
    });
    await drain(emu, managerBot.token);
    await drain(emu, clientBot.token);
    const qid = emu.userPressButton(owner.id, channel.id, post.message_id, "take:1");
    assert.deepEqual(await drain(emu, clientBot.token), []);
    const q = (await drain(emu, managerBot.token))[0]!.callback_query as Msg;
    assert.equal(q.data, "take:1");
    assert.equal(q.from.id, owner.id);
    assert.equal(q.message.message_id, post.message_id);
    await ok(emu, managerBot.token, "answerCallbackQuery", {
      callback_query_id: q.id,
      text: "taken",
    });
    assert.equal(emu.callbackAnswer(qid)?.text, "taken");
    assert.equal(
      (await api(emu, managerBot.token, "answerCallbackQuery", { callback_query_id: q.id }))
        .error_code,
      400,
    );
    // rights
    const adm = await ok<Msg[]>(emu, managerBot.token, "getChatAdministrators", {
      chat_id: group.id,
    });
    assert.equal(adm.length, 3);
    const me = await ok<Msg>(emu, clientBot.token, "getChatMember", {
      chat_id: channel.id,
      user_id: clientBot.id,
    });
    assert.equal(me.status, "administrator");
    assert.equal(me.can_post_messages, true);
    emu.setMember(channel.id, clientBot.id, {
      status: "administrator",
      rights: { can_post_messages: false },
    });
    let a = await api(emu, clientBot.token, "sendMessage", { chat_id: channel.id, text: "x" });
    assert.equal(a.description, "Bad Request: need administrator rights in the channel chat");
    // invite link with a member limit; chat_member only when allowed
    await ok(emu, managerBot.token, "getUpdates", {
      allowed_updates: ["message", "chat_member"],
      timeout: 0,
    });
    const link = await ok<Msg>(emu, managerBot.token, "createChatInviteLink", {
      chat_id: group.id,
      member_limit: 1,
    });
    emu.userJoinByLink(client.id, link.invite_link);
    assert.throws(
      () => emu.userJoinByLink(emu.createUser({ firstName: "Z" }).id, link.invite_link),
      /USERS_TOO_MUCH/,
    );
    const cm = (await drain(emu, managerBot.token)).find((u) => u.chat_member)!.chat_member as Msg;
    assert.equal(cm.new_chat_member.user.id, client.id);
    assert.equal((await drain(emu, clientBot.token)).some((u) => u.chat_member), false);
    // a bot removed from the group gets 403
    emu.setMember(group.id, clientBot.id, { status: "left" });
    a = await api(emu, clientBot.token, "sendMessage", { chat_id: group.id, text: "x" });
    assert.deepEqual(a, {
      ok: false,
      error_code: 403,
      description: "Forbidden: bot is not a member of the supergroup chat",
    });
    emu.setMember(channel.id, clientBot.id, { status: "kicked" });
    a = await api(emu, clientBot.token, "sendMessage", { chat_id: channel.id, text: "x" });
    assert.equal(a.description, "Forbidden: bot was kicked from the channel chat");
    // private channel invisible to outsiders
    const outsider = emu.createBot({ username: "out_bot" });
    assert.equal(
      (await api(emu, outsider.token, "getChat", { chat_id: channel.id })).description,
      "Bad Request: chat not found",
    );
  } finally {
    await emu.close();
  }
});
