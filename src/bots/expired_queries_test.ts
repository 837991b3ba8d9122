import assert from "node:assert/strict";
import { Bot } from "grammy";
import { startEmulator } from "../emulator/mod.ts";
import { tolerateExpiredQueries } from "./expired_queries.ts";

Deno.test("an expired button press's answer counts as done; other refusals still fail", async () => {
  const emu = await startEmulator({ timeScale: 0.01 });
  try {
    const b = emu.createBot({ username: "late_bot" });
    const bot = new Bot(b.token, { client: { apiRoot: emu.apiRoot } });
    let expired = 0;
    tolerateExpiredQueries(bot.api, () => expired++);
    // a query id Telegram no longer knows: what a late answer gets
    assert.equal(await bot.api.answerCallbackQuery("123456789"), true);
    assert.equal(expired, 1);
    // a different refusal is not hidden
    await assert.rejects(() => bot.api.sendMessage(1, "hi"), /chat not found/);
  } finally {
    await emu.close();
  }
});
