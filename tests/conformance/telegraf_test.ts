/**
 * Conformance: telegraf 4.16 (an independently written client) drives the common Bot API
 * methods against the emulator. Every answer is compared with the emulator's view of the chat,
 * so a request telegraf sends that the emulator refuses, or an answer it cannot read, fails here.
 *
 * JSON calls (messages, edits, polling, webhook) run in Deno, importing npm:telegraf directly.
 * Uploads cannot: telegraf builds multipart bodies with sandwich-stream, which reads each part's
 * PassThrough with `on("readable", () => read())`; under Deno 2.9's node:stream that read returns
 * only the first buffered chunk and "readable" never fires again, so the body never ends and
 * every upload hangs (`p.write("a"); p.write("b"); p.end("c")` yields "a" in Deno, "abc" in
 * Node). So the upload test installs telegraf for Node into a temp folder and runs
 * telegraf_uploads.mjs under `node`; the assertions stay here.
 */
// Why: telegraf's typings say `/// <reference types="node" />`, which would resolve to the
// @types/node@14 that exceljs brings into the npm graph and break every node:* import of the
// type-checked program (`Cannot find name 'node:assert/strict'`); pin a current one.
/// <reference types="npm:@types/node@22" />
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
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

/** Installs telegraf 4.16.3 for Node into a temp folder (npm's cache makes it a few seconds). */
async function installForNode(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "conf_telegraf_" });
  const npm = new Deno.Command("npm", {
    args: ["install", "--no-audit", "--no-fund", "--silent", "--prefix", dir, "telegraf@4.16.3"],
    stdout: "null",
    stderr: "piped",
  });
  const r = await npm.output();
  if (!r.success) throw new Error(`npm install telegraf: ${new TextDecoder().decode(r.stderr)}`);
  return dir;
}

/** Answers of telegraf_uploads.mjs. */
interface Uploads {
  uploads: { kind: string; byBuffer: Msg; byStream: Msg; byId: Msg; file: Msg; link: string }[];
  albums: Record<"mixed" | "documents" | "byId", Msg[]>;
}

/** Runs telegraf_uploads.mjs under Node against the emulator and returns its answers. */
async function runUploads(apiRoot: string, token: string, chatId: number, dir: string) {
  const script = new URL("./telegraf_uploads.mjs", import.meta.url).pathname;
  const child = new Deno.Command("node", {
    args: [script],
    env: { TELEGRAF_DIR: dir },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const media = MEDIA.map((m) => ({
    kind: m.kind,
    method: m.method,
    filename: m.filename,
    base64: Buffer.from(m.bytes).toString("base64"),
  }));
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(JSON.stringify({ apiRoot, token, chatId, media })));
  await w.close();
  const r = await child.output();
  const err = new TextDecoder().decode(r.stderr);
  assert.ok(r.success, `node telegraf_uploads.mjs failed: ${err}`);
  return JSON.parse(new TextDecoder().decode(r.stdout)) as Uploads;
}

Deno.test("telegraf (Node): every media kind by Buffer, stream and file_id; albums; getFile, download", async () => {
  const dir = await installForNode();
  const { emu, user, bot } = await world();
  try {
    const out = await runUploads(emu.apiRoot, bot.token, user.id, dir);
    assert.deepEqual(out.uploads.map((u) => u.kind), MEDIA.map((c) => c.kind));
    for (const [i, c] of MEDIA.entries()) {
      const u = out.uploads[i]!;
      const caption = c.kind === "sticker" || c.kind === "video_note" ? undefined : `${c.kind}!`;
      const f1 = fileOf(u.byBuffer, c.kind);
      assert.equal(f1.file_size, c.bytes.length, c.kind);
      assert.equal(fileOf(u.byStream, c.kind).file_size, c.bytes.length, c.kind);
      assert.notEqual(fileOf(u.byStream, c.kind).file_unique_id, f1.file_unique_id);
      assert.equal(fileOf(u.byId, c.kind).file_unique_id, f1.file_unique_id, c.kind);
      for (const m of [u.byBuffer, u.byStream, u.byId]) {
        const v = seen(emu, user.id, bot.id, m.message_id);
        assert.equal(v.kind, c.kind);
        assert.equal(v.caption, caption);
        assert.equal(m.caption, caption);
      }
      assert.equal(u.file.file_size, c.bytes.length);
      assert.equal(u.file.file_unique_id, f1.file_unique_id);
      assert.deepEqual(await download(u.link), c.bytes, c.kind);
    }
    const { mixed, documents, byId } = out.albums;
    assert.equal(mixed.length, 2);
    const group = mixed[0]!.media_group_id;
    assert.ok(group, "album has a media_group_id");
    assert.equal(mixed[1]!.media_group_id, group);
    const v = seen(emu, user.id, bot.id, mixed[1]!.message_id);
    assert.equal(v.caption, "two");
    assert.equal(v.mediaGroupId, group);
    assert.equal(v.fileSize, MEDIA[1]!.bytes.length);
    assert.equal(documents.length, 2);
    assert.equal(seen(emu, user.id, bot.id, documents[1]!.message_id).fileName, "doc1.pdf");
    assert.equal(byId.length, 2);
    assert.equal(seen(emu, user.id, bot.id, byId[1]!.message_id).caption, "same");
    // telegraf puts a `method` field into every multipart body (for webhook replies)
    assertAllAccepted(emu, bot.id, ["method"]);
  } finally {
    await emu.close();
    await Deno.remove(dir, { recursive: true });
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
    const nodeReq = {
      method: "POST",
      url: new URL(req.url).pathname,
      headers: Object.fromEntries(req.headers),
      body,
    };
    type Args = Parameters<typeof cb>;
    await cb(nodeReq as unknown as Args[0], res as unknown as Args[1]);
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
