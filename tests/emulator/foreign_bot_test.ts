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
