import assert from "node:assert/strict";
import { kvDump, runningSettings, startSettingsWorld } from "./settings_harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name:
    "polling: a customer's update taken in just before the token is revoked waits for the new token instead of being set aside",
  ...sanitize,
  fn: async () => {
    const w = await startSettingsWorld({ readyChats: true, settings: runningSettings });
    const { emu } = w;
    try {
      const alice = emu.createUser({ firstName: "Alice", languageCode: "en" });
      emu.userStartBot(alice.id, w.client.id);
      await emu.waitForMessage(alice.id, w.client.id, () => true);

      // the owner revokes the client bot's token in BotFather just as the bot answers Alice's
      // /new: her update is taken in, and its answer meets a 401
      const rec = emu.world.bots.get(w.client.id)!;
      const oldToken = rec.token;
      const newToken = `${w.client.id}:BB${"n".repeat(33)}`;
      let revoked = false;
      const bot = w.app.supervisor.bot("client");
      assert.ok(bot, "the client bot runs");
      bot.api.config.use((prev, method, payload, signal) => {
        const to = (payload as { chat_id?: number }).chat_id;
        if (!revoked && method === "sendMessage" && to === alice.id) {
          revoked = true;
          emu.world.botsByToken.delete(rec.token);
          rec.token = newToken;
          emu.world.botsByToken.set(newToken, rec);
        }
        return prev(method, payload, signal);
      });
      emu.userSend(alice.id, w.client.id, { text: "/new" });
      await w.until(() => revoked, "the token revoked");
      // longer than every counted attempt of the update (4, from 20 ms doubling)
      await new Promise((r) => setTimeout(r, 600));
      assert.ok(
        !emu.view(alice.id, w.client.id).some((m) => /topic/i.test(m.text ?? "")),
        "no answer while the token is revoked",
      );

      // the owner pastes the new token: the restarted bot answers Alice's /new
      const at = w.mark();
      w.send(newToken);
      await w.waitFor(/The new token of the Client bot @desk_client_bot is saved/, at);
      await emu.waitForMessage(alice.id, w.client.id, (m) => /topic/i.test(m.text ?? ""));

      const dump = await kvDump(w.kv);
      assert.ok(!dump.some((r) => r.startsWith('["set_aside"')), "nothing set aside");
      assert.ok(!w.view().some((m) => /set aside/i.test(m.text ?? "")), "no alert to the owner");
      assert.ok(!w.logs.some((l) => l.includes(oldToken) || l.includes(newToken)), "no token");
    } finally {
      await w.stop();
    }
  },
});
