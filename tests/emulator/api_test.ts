import assert from "node:assert/strict";
import { E, startEmulator } from "../../src/emulator/mod.ts";
import { api, ok } from "./helpers.ts";

Deno.test("getMe, unauthorized, unknown and unimplemented methods", async () => {
  const emu = await startEmulator({ limits: false });
  try {
    const bot = emu.createBot({ username: "a_bot" });
    const me = await ok(emu, bot.token, "getMe");
    assert.equal(me.id, bot.id);
    assert.equal(me.username, "a_bot");
    assert.equal(me.is_bot, true);
    assert.equal(bot.token.split(":")[0], String(bot.id));
    const bad = await api(emu, "1:nope", "getMe");
    assert.deepEqual(bad, { ok: false, error_code: 401, description: "Unauthorized" });
    const unknown = await api(emu, bot.token, "sendTelepathy");
    assert.deepEqual(unknown, { ok: false, error_code: 404, description: "Not Found" });
    // in the reference, not in the world model: an error, never ok:true
    const ni = await api(emu, bot.token, "sendDice", { chat_id: 1 });
    assert.equal(ni.ok, false);
    assert.equal(ni.error_code, 501);
    assert.equal(ni.description, E.notImplemented);
    // method names are case-insensitive, like Telegram
    assert.equal((await api(emu, bot.token, "getme")).ok, true);
  } finally {
    await emu.close();
  }
});

Deno.test("schema validation: required, types, nested objects, unknown fields", async () => {
  const lines: string[] = [];
  const emu = await startEmulator({ limits: false, log: (l) => lines.push(l) });
  try {
    const bot = emu.createBot({ username: "a_bot" });
    const u = emu.createUser({ firstName: "U" });
    emu.userStartBot(u.id, bot.id);
    let a = await api(emu, bot.token, "sendMessage", { chat_id: u.id });
    assert.equal(a.error_code, 400);
    assert.equal(a.description, "Bad Request: message text is empty");
    a = await api(emu, bot.token, "sendMessage", { text: "x" });
    assert.equal(a.description, "Bad Request: chat_id is empty");
    a = await api(emu, bot.token, "sendMessage", {
      chat_id: u.id,
      text: "x",
      disable_notification: "maybe",
    });
    assert.equal(a.error_code, 400);
    assert.match(a.description!, /disable_notification/);
    a = await api(emu, bot.token, "sendMessage", {
      chat_id: u.id,
      text: "x",
      reply_parameters: { chat_id: 1 },
    });
    assert.equal(a.description, "Bad Request: reply_parameters.message_id is required");
    a = await api(emu, bot.token, "sendMessage", {
      chat_id: u.id,
      text: "x",
      reply_markup: { inline_keyboard: [[{ text: "b", callback_data: 5 }]] },
    });
    assert.equal(a.ok, true, "numbers are accepted where strings are expected");
    a = await api(emu, bot.token, "sendMessage", {
      chat_id: u.id,
      text: "x",
      reply_markup: { inline_keyboard: [[{ text: "b", callback_data: [1] }]] },
    });
    assert.equal(a.error_code, 400);
    a = await api(emu, bot.token, "sendMediaGroup", {
      chat_id: u.id,
      media: [{ type: "photo", media: "x" }, { type: "hologram", media: "y" }],
    });
    assert.equal(a.error_code, 400);
    assert.match(a.description!, /media\[1\]\.type/);
    a = await api(emu, bot.token, "sendMessage", { chat_id: u.id, text: "x", colour: "red" });
    assert.equal(a.ok, true);
    assert.ok(lines.some((l) => l.includes("colour")));
    assert.deepEqual(emu.calls(bot.id).at(-1)?.unknownFields, ["colour"]);
  } finally {
    await emu.close();
  }
});

Deno.test("urlencoded and multipart bodies with JSON-serialized fields", async () => {
  const emu = await startEmulator({ limits: false });
  try {
    const bot = emu.createBot({ username: "a_bot" });
    const u = emu.createUser({ firstName: "U" });
    emu.userStartBot(u.id, bot.id);
    const form = new URLSearchParams({
      chat_id: String(u.id),
      text: "hello",
      reply_markup: JSON.stringify({ inline_keyboard: [[{ text: "b", callback_data: "d" }]] }),
      reply_parameters: JSON.stringify({ message_id: 1 }),
    });
    let res = await fetch(`${emu.apiRoot}/bot${bot.token}/sendMessage`, {
      method: "POST",
      body: form,
    });
    let a = await res.json();
    assert.equal(a.ok, true, a.description);
    assert.equal(a.result.reply_to_message.text, "/start");
    assert.deepEqual(a.result.reply_markup.inline_keyboard[0][0].callback_data, "d");
    const fd = new FormData();
    fd.set("chat_id", String(u.id));
    fd.set("caption", "<b>doc</b>");
    fd.set("parse_mode", "HTML");
    fd.set("document", new File([new Uint8Array([1, 2, 3])], "a.txt", { type: "text/plain" }));
    res = await fetch(`${emu.apiRoot}/bot${bot.token}/sendDocument`, { method: "POST", body: fd });
    a = await res.json();
    assert.equal(a.ok, true, a.description);
    assert.equal(a.result.document.file_name, "a.txt");
    assert.equal(a.result.document.file_size, 3);
    assert.deepEqual(a.result.caption_entities, [{ type: "bold", offset: 0, length: 3 }]);
    // GET with a query string works as well
    res = await fetch(`${emu.apiRoot}/bot${bot.token}/getMe?x=1`);
    assert.equal((await res.json()).ok, true);
  } finally {
    await emu.close();
  }
});

Deno.test("text and caption limits, parse errors, callback_data bytes", async () => {
  const emu = await startEmulator({ limits: false });
  try {
    const bot = emu.createBot({ username: "a_bot" });
    const u = emu.createUser({ firstName: "U" });
    emu.userStartBot(u.id, bot.id);
    const send = (p: Record<string, unknown>) =>
      api(emu, bot.token, "sendMessage", { chat_id: u.id, ...p });
    assert.equal((await send({ text: "x".repeat(4096) })).ok, true);
    assert.equal(
      (await send({ text: "x".repeat(4097) })).description,
      "Bad Request: message is too long",
    );
    // the limit applies after entity parsing
    assert.equal((await send({ text: `<b>${"x".repeat(4096)}</b>`, parse_mode: "HTML" })).ok, true);
    assert.equal(
      (await send({ text: "<b></b>", parse_mode: "HTML" })).description,
      "Bad Request: text must be non-empty",
    );
    let a = await send({ text: "<b>bold", parse_mode: "HTML" });
    assert.equal(
      a.description,
      `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`,
    );
    a = await send({ text: "<blink>x</blink>", parse_mode: "HTML" });
    assert.match(
      a.description!,
      /^Bad Request: can't parse entities: Unsupported start tag "blink"/,
    );
    a = await send({ text: "1.5", parse_mode: "MarkdownV2" });
    assert.equal(
      a.description,
      "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
    );
    a = await send({ text: "*bold", parse_mode: "MarkdownV2" });
    assert.match(a.description!, /Can't find end of Bold entity/);
    a = await send({ text: "*b* _i_ 1\\.5", parse_mode: "MarkdownV2" });
    const r = a.result as { text: string; entities: unknown[] };
    assert.equal(r.text, "b i 1.5");
    assert.equal(r.entities.length, 2);
    a = await send({
      text: "k",
      reply_markup: { inline_keyboard: [[{ text: "b", callback_data: "é".repeat(33) }]] },
    });
    assert.equal(a.description, "Bad Request: BUTTON_DATA_INVALID");
    // at most 100 buttons in an inline keyboard, and about 10 KB of markup
    const kb = (n: number, text = "b") =>
      Array.from(
        { length: Math.ceil(n / 5) },
        (_, r) =>
          Array.from({ length: Math.min(5, n - r * 5) }, (_, i) => ({
            text,
            callback_data: `d${r}:${i}`,
          })),
      );
    a = await send({ text: "k", reply_markup: { inline_keyboard: kb(100) } });
    assert.equal(a.ok, true);
    a = await send({ text: "k", reply_markup: { inline_keyboard: kb(101) } });
    assert.equal(a.description, "Bad Request: reply markup is too long");
    a = await send({ text: "k", reply_markup: { inline_keyboard: kb(60, "x".repeat(200)) } });
    assert.equal(a.description, "Bad Request: reply markup is too long");
    assert.equal(
      (await send({
        text: "k",
        reply_markup: { inline_keyboard: [[{ text: "b", callback_data: "x".repeat(64) }]] },
      })).ok,
      true,
    );
    a = await api(emu, bot.token, "sendPhoto", {
      chat_id: u.id,
      photo: "https://example.com/p.jpg",
      caption: "c".repeat(1025),
    });
    assert.equal(a.description, "Bad Request: message caption is too long");
  } finally {
    await emu.close();
  }
});
