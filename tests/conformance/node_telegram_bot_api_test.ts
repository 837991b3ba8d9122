/**
 * Conformance: node-telegram-bot-api 0.66 (an independently written client, built on
 * @cypress/request and form-data) drives the common Bot API methods against the emulator,
 * imported directly under Deno's Node compatibility. Every answer is compared with the
 * emulator's view of the chat, so a request it sends that the emulator refuses fails here.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import fs from "node:fs";
import process from "node:process";
import TelegramBot from "node-telegram-bot-api";
import {
  assertAllAccepted,
  download,
  fileOf,
  MEDIA,
  PARSE_CASES,
  plainEntities,
  seen,
  world,
} from "./helpers.ts";

// Why: without it the library guesses file names and content types and prints a deprecation
// warning for every upload (doc/usage.md "Sending files"); with it fileOptions are used as given.
process.env.NTBA_FIX_350 = "1";

/** The package ships no typings (its import is `any`): the Message fields the tests read. */
interface Msg {
  message_id: number;
  chat: { id: number };
  from?: { first_name: string };
  text?: string;
  caption?: string;
  media_group_id?: string;
  [field: string]: unknown;
}

/** A callback query as the library hands it to "callback_query" listeners. */
interface Query {
  id: string;
  message?: Msg;
}

/** A bot of the library pointed at the emulator (no polling unless asked). */
function client(apiRoot: string, token: string, o: Record<string, unknown> = {}) {
  return new TelegramBot(token, { baseApiUrl: apiRoot, polling: false, ...o });
}

Deno.test("node-telegram-bot-api: getMe and sendMessage with every parse mode and entities", async () => {
  const { emu, user, bot } = await world();
  const tg = client(emu.apiRoot, bot.token);
  try {
    const me = await tg.getMe();
    assert.equal(me.id, bot.id);
    assert.equal(me.username, "conf_bot");
    assert.equal(me.is_bot, true);
    for (const c of PARSE_CASES) {
      const m = await tg.sendMessage(user.id, c.text, {
        parse_mode: c.mode,
        entities: c.mode ? undefined : [{ type: "bold", offset: 0, length: 4 }],
      });
      assert.equal(m.text, c.plain, c.mode);
      assert.deepEqual(plainEntities(m.entities), c.entities, c.mode);
      const v = seen(emu, user.id, bot.id, m.message_id);
      assert.equal(v.text, c.plain);
      assert.deepEqual(plainEntities(v.entities), c.entities);
    }
    assertAllAccepted(emu, bot.id);
  } finally {
    await emu.close();
  }
});

Deno.test("node-telegram-bot-api: every media kind by Buffer, file stream and file_id; getFile, download", async () => {
  const { emu, user, bot } = await world();
  const tg = client(emu.apiRoot, bot.token);
  const dir = await Deno.makeTempDir({ prefix: "conf_ntba_" });
  // deno-lint-ignore no-explicit-any
  const send = (method: string, ...args: unknown[]): Promise<Msg> => (tg as any)[method](...args);
  try {
    for (const c of MEDIA) {
      const caption = c.kind === "sticker" || c.kind === "video_note" ? undefined : `${c.kind}!`;
      const opts = caption ? { caption } : {};
      const fileOpts = { filename: c.filename, contentType: c.contentType };
      const path = `${dir}/${c.filename}`;
      await Deno.writeFile(path, c.bytes);
      const byBuffer = await send(c.method, user.id, Buffer.from(c.bytes), opts, fileOpts);
      const byStream = await send(c.method, user.id, fs.createReadStream(path), opts, fileOpts);
      const f1 = fileOf(byBuffer, c.kind);
      assert.equal(f1.file_size, c.bytes.length, c.kind);
      assert.equal(fileOf(byStream, c.kind).file_size, c.bytes.length, c.kind);
      assert.notEqual(fileOf(byStream, c.kind).file_unique_id, f1.file_unique_id);
      const byId = await send(c.method, user.id, f1.file_id, opts);
      assert.equal(fileOf(byId, c.kind).file_unique_id, f1.file_unique_id, c.kind);
      for (const m of [byBuffer, byStream, byId]) {
        const v = seen(emu, user.id, bot.id, m.message_id);
        assert.equal(v.kind, c.kind);
        assert.equal(v.caption, caption);
        assert.equal(m.caption, caption);
      }
      const file = await tg.getFile(f1.file_id);
      assert.equal(file.file_size, c.bytes.length);
      assert.equal(file.file_unique_id, f1.file_unique_id);
      assert.deepEqual(await download(await tg.getFileLink(f1.file_id)), c.bytes, c.kind);
      const saved = await tg.downloadFile(f1.file_id, dir);
      assert.deepEqual(await Deno.readFile(saved), c.bytes, `downloadFile ${c.kind}`);
    }
    assertAllAccepted(emu, bot.id);
  } finally {
    await emu.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("node-telegram-bot-api: sendMediaGroup with attach:// uploads and file_ids", async () => {
  const { emu, user, bot } = await world();
  const tg = client(emu.apiRoot, bot.token);
  try {
    const [photo, video, , doc] = MEDIA;
    const mixed = await tg.sendMediaGroup(user.id, [
      { type: "photo", media: Buffer.from(photo!.bytes) },
      {
        type: "video",
        media: Buffer.from(video!.bytes),
        caption: "<b>two</b>",
        parse_mode: "HTML",
      },
    ]);
    assert.equal(mixed.length, 2);
    const group = mixed[0]!.media_group_id;
    assert.ok(group, "album has a media_group_id");
    assert.equal(mixed[1]!.media_group_id, group);
    const v = seen(emu, user.id, bot.id, mixed[1]!.message_id);
    assert.equal(v.caption, "two");
    assert.equal(v.mediaGroupId, group);
    assert.equal(v.fileSize, video!.bytes.length);
    const docs = await tg.sendMediaGroup(user.id, [
      { type: "document", media: Buffer.from(doc!.bytes) },
      { type: "document", media: Buffer.from(doc!.bytes), caption: "d2" },
    ]);
    assert.equal(docs.length, 2);
    assert.equal(seen(emu, user.id, bot.id, docs[1]!.message_id).caption, "d2");
    assert.equal(seen(emu, user.id, bot.id, docs[1]!.message_id).fileSize, doc!.bytes.length);
    const photoId = fileOf(mixed[0], "photo").file_id;
    const byId = await tg.sendMediaGroup(user.id, [
      { type: "photo", media: photoId },
      { type: "photo", media: photoId, caption: "same" },
    ]);
    assert.equal(byId.length, 2);
    assert.equal(seen(emu, user.id, bot.id, byId[1]!.message_id).caption, "same");
    assertAllAccepted(emu, bot.id);
  } finally {
    await emu.close();
  }
});

Deno.test("node-telegram-bot-api: edit text, caption and reply markup; delete; sendChatAction", async () => {
  const { emu, user, bot } = await world();
  const tg = client(emu.apiRoot, bot.token);
  try {
    const kb = { inline_keyboard: [[{ text: "A", callback_data: "a" }]] };
    const m = await tg.sendMessage(user.id, "first", { reply_markup: kb });
    assert.deepEqual(seen(emu, user.id, bot.id, m.message_id).replyMarkup, kb);
    const edited = await tg.editMessageText("<i>second</i>", {
      chat_id: user.id,
      message_id: m.message_id,
      parse_mode: "HTML",
      reply_markup: kb,
    });
    assert.equal(typeof edited === "object" && edited.text, "second");
    let v = seen(emu, user.id, bot.id, m.message_id);
    assert.equal(v.text, "second");
    assert.ok(v.edited);
    const kb2 = { inline_keyboard: [[{ text: "B", callback_data: "b" }]] };
    await tg.editMessageReplyMarkup(kb2, { chat_id: user.id, message_id: m.message_id });
    assert.deepEqual(seen(emu, user.id, bot.id, m.message_id).replyMarkup, kb2);
    const doc = MEDIA[3]!;
    const d = await tg.sendDocument(user.id, Buffer.from(doc.bytes), { caption: "old" }, {
      filename: "a.pdf",
      contentType: doc.contentType,
    });
    const ed = await tg.editMessageCaption("*new*", {
      chat_id: user.id,
      message_id: d.message_id,
      parse_mode: "MarkdownV2",
    });
    v = seen(emu, user.id, bot.id, d.message_id);
    assert.equal(v.caption, "new");
    assert.ok(typeof ed === "object", "editMessageCaption answers the message");
    assert.deepEqual(plainEntities(ed.caption_entities), [{ type: "bold", offset: 0, length: 3 }]);
    assert.equal(await tg.sendChatAction(user.id, "upload_document"), true);
    assert.equal(await tg.deleteMessage(user.id, m.message_id), true);
    assert.equal(emu.view(user.id, bot.id).some((x) => x.id === m.message_id), false);
    await assert.rejects(tg.deleteMessage(user.id, m.message_id), /message to delete not found/);
    const bad = emu.calls(bot.id).filter((c) => !c.ok);
    assert.deepEqual(bad.map((c) => c.method), ["deleteMessage"]);
  } finally {
    await emu.close();
  }
});

Deno.test({
  name: "node-telegram-bot-api: /start command and callback query by long polling",
  // the library's request keeps a keep-alive agent socket ("forever: true") after stopPolling;
  // library-internal, so the sanitizers are off for this test.
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const { emu, user, bot } = await world(false);
    const tg = client(emu.apiRoot, bot.token, {
      polling: { autoStart: false, params: { timeout: 1 } },
    });
    const answered: string[] = [];
    tg.onText(/^\/start$/, (msg: Msg) => {
      tg.sendMessage(msg.chat.id, `hi ${msg.from?.first_name}`, {
        reply_markup: { inline_keyboard: [[{ text: "Press", callback_data: "press" }]] },
      });
    });
    tg.on("callback_query", async (q: Query) => {
      await tg.answerCallbackQuery(q.id, { text: "pressed!" });
      answered.push(q.id);
      await tg.editMessageText("done", {
        chat_id: q.message!.chat.id,
        message_id: q.message!.message_id,
      });
    });
    await tg.startPolling();
    try {
      emu.userStartBot(user.id, bot.id);
      const hi = await emu.waitForMessage(user.id, bot.id, (m) => m.text === "hi Ursula");
      const q = emu.userPressButton(user.id, bot.id, hi.id, "press");
      await emu.waitForMessage(user.id, bot.id, (m) => m.id === hi.id && m.text === "done");
      assert.deepEqual(answered, [q]);
      assert.equal(emu.callbackAnswer(q)?.text, "pressed!");
      assertAllAccepted(emu, bot.id);
    } finally {
      await tg.stopPolling({ cancel: true });
      await emu.close();
    }
  },
});

Deno.test({
  name: "node-telegram-bot-api: /start command by webhook to the library's own server",
  // the library's webhook server is node:http; its keep-alive sockets outlive closeWebHook.
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const { emu, user, bot } = await world(false);
    const tg = client(emu.apiRoot, bot.token, {
      webHook: { host: "127.0.0.1", port: 0, autoOpen: false },
    });
    tg.onText(/^\/start$/, (msg: Msg) => tg.sendMessage(msg.chat.id, "hooked"));
    await tg.openWebHook();
    try {
      // deno-lint-ignore no-explicit-any
      const port = (tg as any)._webHook._webServer.address().port as number;
      const url = `http://127.0.0.1:${port}/bot${bot.token}`;
      assert.equal(await tg.setWebHook(url), true);
      assert.equal((await tg.getWebHookInfo()).url, url);
      emu.userStartBot(user.id, bot.id);
      await emu.waitForMessage(user.id, bot.id, (m) => m.text === "hooked");
      assert.equal(await tg.deleteWebHook(), true);
      assertAllAccepted(emu, bot.id);
    } finally {
      await tg.closeWebHook();
      await emu.close();
    }
  },
});
