/** Emulator: time rules (delete after 48 h, update lifetime, callback answers), uncopyable
 * content (paid media, giveaway, invoice) and per-bot thumbnails. */
import assert from "node:assert/strict";
import { startEmulator } from "../../src/emulator/mod.ts";
import { api, drain, ok, scenario } from "./helpers.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("a bot can't delete a message older than 48 hours (scaled clock)", async () => {
  // 48 Telegram hours = 172.8 real ms
  const emu = await startEmulator({ limits: false, timeScale: 1e-6 });
  try {
    const owner = emu.createUser({ firstName: "Olga" });
    const bot = emu.createBot({ username: "del_bot" });
    const group = emu.createGroup({ title: "G", ownerId: owner.id });
    emu.setMember(group.id, bot.id, { status: "administrator" });
    const fresh = await ok<{ message_id: number }>(emu, bot.token, "sendMessage", {
      chat_id: group.id,
      text: "fresh",
    });
    assert.deepStrictEqual(
      await ok(emu, bot.token, "deleteMessage", {
        chat_id: group.id,
        message_id: fresh.message_id,
      }),
      true,
    );
    const old = await ok<{ message_id: number }>(emu, bot.token, "sendMessage", {
      chat_id: group.id,
      text: "old",
    });
    emu.userStartBot(owner.id, bot.id);
    const own = await ok<{ message_id: number }>(emu, bot.token, "sendMessage", {
      chat_id: owner.id,
      text: "private",
    });
    await sleep(250);
    const a = await api(emu, bot.token, "deleteMessage", {
      chat_id: group.id,
      message_id: old.message_id,
    });
    assert.deepStrictEqual([a.error_code, a.description], [
      400,
      "Bad Request: message can't be deleted",
    ]);
    // the limit holds in private chats too (tdlib DEFAULT_REVOKE_TIME_LIMIT for bots)
    const b = await api(emu, bot.token, "deleteMessage", {
      chat_id: owner.id,
      message_id: own.message_id,
    });
    assert.deepStrictEqual(b.description, "Bad Request: message can't be deleted");
  } finally {
    await emu.close();
  }
});

Deno.test("updates not fetched within 24 hours are dropped", async () => {
  const emu = await startEmulator({ limits: false, timeScale: 1e-6 }); // 24 h = 86.4 ms
  try {
    const user = emu.createUser({ firstName: "U" });
    const bot = emu.createBot({ username: "upd_bot" });
    emu.userStartBot(user.id, bot.id);
    await sleep(200);
    emu.userSend(user.id, bot.id, { text: "new" });
    const ups = await ok<Record<string, { text?: string }>[]>(emu, bot.token, "getUpdates", {});
    assert.deepStrictEqual(ups.map((u) => u.message?.text), ["new"]);
  } finally {
    await emu.close();
  }
});

Deno.test("a callback query answered too late is refused", async () => {
  const { emu, client, clientBot } = await scenario({ timeScale: 0.1 }); // 15 s = 1.5 s
  try {
    emu.userStartBot(client.id, clientBot.id);
    const sent = await ok<{ message_id: number }>(emu, clientBot.token, "sendMessage", {
      chat_id: client.id,
      text: "press",
      reply_markup: { inline_keyboard: [[{ text: "ok", callback_data: "x" }]] },
    });
    const id = emu.userPressButton(client.id, clientBot.id, sent.message_id, "x");
    await sleep(2_100);
    const a = await api(emu, clientBot.token, "answerCallbackQuery", { callback_query_id: id });
    assert.deepStrictEqual(
      a.description,
      "Bad Request: query is too old and response timeout expired or query ID is invalid",
    );
  } finally {
    await emu.close();
  }
});

Deno.test("paid media, giveaways and invoices can be forwarded but not copied", async () => {
  const { emu, client, clientBot, group } = await scenario();
  try {
    emu.userStartBot(client.id, clientBot.id);
    const kinds = [
      { paid_media: { star_count: 5, caption: "pay" } },
      { giveaway: { winner_count: 3 } },
      {
        invoice: { title: "T", description: "D", currency: "XTR", total_amount: 10 },
      },
    ] as const;
    const ids: number[] = [];
    for (const c of kinds) ids.push(emu.userSend(client.id, clientBot.id, c).messageId);
    const ups = await drain(emu, clientBot.token);
    const msgs = ups.map((u) => u.message as Record<string, unknown>).filter((m) =>
      m.text === undefined
    );
    assert.deepStrictEqual((msgs[0]!.paid_media as { star_count: number }).star_count, 5);
    assert.deepStrictEqual(msgs[0]!.caption, "pay");
    assert.deepStrictEqual((msgs[1]!.giveaway as { winner_count: number }).winner_count, 3);
    assert.deepStrictEqual((msgs[2]!.invoice as { title: string }).title, "T");
    for (const id of ids) {
      const a = await api(emu, clientBot.token, "copyMessage", {
        chat_id: group.id,
        from_chat_id: client.id,
        message_id: id,
      });
      assert.deepStrictEqual([a.error_code, a.description], [
        400,
        "Bad Request: message can't be copied",
      ]);
      await ok(emu, clientBot.token, "forwardMessage", {
        chat_id: group.id,
        from_chat_id: client.id,
        message_id: id,
      });
    }
    const text = emu.userSend(client.id, clientBot.id, { text: "plain" }).messageId;
    const many = await ok<{ message_id: number }[]>(emu, clientBot.token, "copyMessages", {
      chat_id: group.id,
      from_chat_id: client.id,
      message_ids: [...ids, text],
    });
    assert.deepStrictEqual(many.length, 1);
    // a forwarded story stays copyable (tdlib leaves Story out of the uncopyable list)
    const story = emu.userSend(client.id, clientBot.id, { story: { id: 7 } }).messageId;
    await ok(emu, clientBot.token, "copyMessage", {
      chat_id: group.id,
      from_chat_id: client.id,
      message_id: story,
    });
  } finally {
    await emu.close();
  }
});

Deno.test("video, document, animation, audio and sticker carry a per-bot thumbnail", async () => {
  const { emu, client, clientBot, managerBot, group, owner } = await scenario();
  try {
    const contents = [
      { video: {} },
      { document: { fileName: "a.pdf" } },
      { animation: {} },
      { audio: {} },
      { sticker: {} },
    ] as const;
    emu.setMember(group.id, client.id, { status: "member", byId: owner.id });
    await drain(emu, clientBot.token);
    await drain(emu, managerBot.token);
    for (const c of contents) emu.userSend(client.id, group.id, c);
    const a = (await drain(emu, clientBot.token)).map((u) => u.message as Record<string, unknown>);
    const b = (await drain(emu, managerBot.token)).map((u) => u.message as Record<string, unknown>);
    assert.deepStrictEqual(a.length, 5);
    for (let i = 0; i < 5; i++) {
      const field = Object.keys(contents[i]!)[0]!;
      type T = { thumbnail?: { file_id: string; file_unique_id: string; width: number } };
      const ta = (a[i]![field] as T).thumbnail;
      const tb = (b[i]![field] as T).thumbnail;
      assert(ta && tb, `${field} has a thumbnail`);
      assert.deepStrictEqual(ta.file_unique_id, tb.file_unique_id);
      assert(ta.file_id !== tb.file_id, "file_ids are per bot");
      assert(ta.width > 0);
      const f = await ok<{ file_path: string }>(emu, clientBot.token, "getFile", {
        file_id: ta.file_id,
      });
      assert(f.file_path);
      const foreign = await api(emu, managerBot.token, "getFile", { file_id: ta.file_id });
      assert.deepStrictEqual(foreign.ok, false);
    }
    // a thumbnail is not a photo
    const ta = (a[0]!.video as { thumbnail: { file_id: string } }).thumbnail;
    const s = await api(emu, clientBot.token, "sendPhoto", {
      chat_id: group.id,
      photo: ta.file_id,
    });
    assert.deepStrictEqual(s.ok, false);
  } finally {
    await emu.close();
  }
});
