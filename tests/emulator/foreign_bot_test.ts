import assert from "node:assert/strict";
import { startEmulator } from "../../src/emulator/mod.ts";

async function call(apiRoot: string, token: string, method: string, body: unknown) {
  const res = await fetch(`${apiRoot}/bot${token}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return await res.json();
}

Deno.test("emulator: calls real Telegram accepts from foreign bots are accepted", async () => {
  const logs: string[] = [];
  const emu = await startEmulator({ timeScale: 0.01, log: (l) => logs.push(l) });
  try {
    const bot = emu.createBot({ username: "foreign_bot" });
    const user = emu.createUser({ firstName: "U" });
    emu.userStartBot(user.id, bot.id);
    // an empty reply_markup object is "no markup"
    const photo = await call(emu.apiRoot, bot.token, "sendPhoto", {
      chat_id: user.id,
      photo: "https://example.com/p.jpg",
      reply_markup: {},
    });
    assert.equal(photo.ok, true, JSON.stringify(photo));
    const text = await call(emu.apiRoot, bot.token, "sendMessage", {
      chat_id: user.id,
      text: "*plain*",
      reply_markup: "{}",
      parse_mode: "none",
      disable_web_page_preview: true,
    });
    assert.equal(text.ok, true, JSON.stringify(text));
    assert.equal(text.result.text, "*plain*", "parse_mode none is plain text");
    assert.equal(text.result.entities, undefined);
    assert.ok(
      !emu.calls(bot.id).some((c) => c.unknownFields?.includes("disable_web_page_preview")),
      "disable_web_page_preview is read by Telegram, not unknown",
    );
    const bad = await call(emu.apiRoot, bot.token, "sendMessage", {
      chat_id: user.id,
      text: "x",
      parse_mode: "bbcode",
    });
    assert.equal(bad.ok, false);
    assert.equal(bad.description, "Bad Request: unsupported parse_mode");
  } finally {
    await emu.close();
  }
});

Deno.test("emulator: texts and captions are trimmed and cleaned as tdlib does", async () => {
  const emu = await startEmulator({ timeScale: 0.01, limits: false });
  try {
    const bot = emu.createBot({ username: "trim_bot" });
    const user = emu.createUser({ firstName: "U" });
    emu.userStartBot(user.id, bot.id);
    const send = (p: Record<string, unknown>) =>
      call(emu.apiRoot, bot.token, "sendMessage", { chat_id: user.id, ...p });

    const plain = await send({ text: "\n  Hello\r\n world \n\n " });
    assert.equal(plain.ok, true, JSON.stringify(plain));
    assert.equal(plain.result.text, "Hello\n world", "ends trimmed, \\r removed");

    // entities move with the leading cut and are clipped by the trailing one
    const bold = await send({ text: "  <b>Hi</b> there  ", parse_mode: "HTML" });
    assert.equal(bold.result.text, "Hi there");
    assert.deepEqual(bold.result.entities, [{ type: "bold", offset: 0, length: 2 }]);
    const tail = await send({
      text: "  ab  ",
      entities: [{ type: "italic", offset: 2, length: 4 }],
    });
    assert.equal(tail.result.text, "ab");
    assert.deepEqual(tail.result.entities, [{ type: "italic", offset: 0, length: 2 }]);
    // a leading space inside an entity is kept (tdlib trims only up to the first entity)
    const inside = await send({ text: "<code> x</code>", parse_mode: "HTML" });
    assert.equal(inside.ok, true, JSON.stringify(inside));
    assert.equal(inside.result.text, " x");
    // control characters become spaces
    const ctl = await send({ text: "a\tb\u0007c" });
    assert.equal(ctl.result.text, "a b c");

    const blank = await send({ text: " \n " });
    assert.equal(blank.ok, false);
    assert.equal(blank.description, "Bad Request: text must be non-empty");
    const empty = await send({ text: "" });
    assert.equal(empty.description, "Bad Request: message text is empty");

    const photo = await call(emu.apiRoot, bot.token, "sendPhoto", {
      chat_id: user.id,
      photo: "https://example.com/p.jpg",
      caption: "  look  ",
    });
    assert.equal(photo.result.caption, "look");
    const bare = await call(emu.apiRoot, bot.token, "sendPhoto", {
      chat_id: user.id,
      photo: "https://example.com/p.jpg",
      caption: "   ",
    });
    assert.equal(bare.ok, true, "a blank caption is no caption, not an error");
    assert.equal(bare.result.caption, undefined);

    const edited = await call(emu.apiRoot, bot.token, "editMessageText", {
      chat_id: user.id,
      message_id: plain.result.message_id,
      text: " new \n",
    });
    assert.equal(edited.result.text, "new");
  } finally {
    await emu.close();
  }
});
