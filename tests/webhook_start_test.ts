import assert from "node:assert/strict";
import { Bot } from "grammy";
import { startEmulator } from "../src/emulator/mod.ts";
import { createLogger } from "../src/log.ts";
import { WebhookServer } from "../src/runtime/webhook.ts";

Deno.test("webhook mode: instances starting together all get the webhook set (429 waited out); one starting later finds it set and leaves it", async () => {
  // a Telegram second of real time, so that the instances' calls surely fall within the limit's
  // second even on a busy machine
  const timeScale = 1;
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
    const bots = [0, 1, 2].map(() => new Bot(made.token, { client: { apiRoot: emu.apiRoot } }));
    await Promise.all(bots.map((b) => b.init()));
    // an older webhook, set just now: both instances find it differs and set theirs, and
    // Telegram refuses a second setWebhook within a second, so they wait their turn
    await bots[2]!.api.setWebhook("http://127.0.0.1:2/old");
    await Promise.all(bots.slice(0, 2).map((b) => instance().start("client", b)));
    assert.ok(emu.tooManyRequests(made.id) >= 1, "a setWebhook met the limit");
    const info = await bots[0]!.api.getWebhookInfo();
    assert.match(info.url ?? "", /^http:\/\/127\.0\.0\.1:1\/hook\/client\/[0-9a-f]{32}$/);
    // a later instance (a cold start on Deno Deploy) finds the webhook as wanted: no call
    const sets = () => emu.calls(made.id).filter((c) => c.method === "setWebhook").length;
    const before = sets();
    assert.ok(before >= 3, `setWebhook calls so far: ${before}`);
    await instance().start("client", bots[2]!);
    assert.equal(sets(), before, "the webhook already set is left alone");
  } finally {
    kv.close();
    await emu.close();
  }
});
