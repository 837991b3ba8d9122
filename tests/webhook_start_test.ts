import assert from "node:assert/strict";
import { Bot } from "grammy";
import { startEmulator } from "../src/emulator/mod.ts";
import { createLogger } from "../src/log.ts";
import { WebhookServer } from "../src/runtime/webhook.ts";

Deno.test("webhook mode: two instances starting together both get the webhook set (429 waited out)", async () => {
  const timeScale = 0.02;
  const emu = await startEmulator({ limits: true, timeScale, webhookPorts: "any" });
  const kv = await Deno.openKv(":memory:");
  try {
    const made = emu.createBot({ username: "hooked_bot" });
    const instance = () =>
      new WebhookServer({
        baseUrl: "http://127.0.0.1:1",
        secret: "s".repeat(32),
        log: createLogger("silent"),
        afterUpdate: () => Promise.resolve(),
        kv,
        now: () => Date.now(),
        scaled: (sec) => sec * 1000 * timeScale,
      });
    const bots = [0, 1].map(() => new Bot(made.token, { client: { apiRoot: emu.apiRoot } }));
    await Promise.all(bots.map((b) => b.init()));
    // Telegram refuses the second setWebhook within a second: the later instance waits
    await Promise.all(bots.map((b) => instance().start("client", b)));
    assert.ok(emu.tooManyRequests(made.id) >= 1, "the second setWebhook met the limit");
    const info = await bots[0]!.api.getWebhookInfo();
    assert.match(info.url ?? "", /^http:\/\/127\.0\.0\.1:1\/hook\/client\/[0-9a-f]{32}$/);
  } finally {
    kv.close();
    await emu.close();
  }
});
