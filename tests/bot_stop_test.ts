import assert from "node:assert/strict";
import { getClient } from "../src/storage/people.ts";
import { getSettings } from "../src/storage/settings.ts";
import { runningSettings, startSettingsWorld, stopClientBot } from "./settings_harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name: "settings: a bot an admin stopped stays stopped after a restart until started again",
  ...sanitize,
  fn: async () => {
    const w = await startSettingsWorld({ readyChats: true, settings: runningSettings });
    const { emu } = w;
    try {
      await stopClientBot(w);
      let at = w.mark();
      assert.deepEqual((await getSettings(w.kv)).stoppedBots, ["client"]);

      // the process restarts (a deploy, a crash): the stop holds
      await w.restart();
      const client = (await w.app.supervisor.status()).find((s) => s.kind === "client");
      assert.ok(client, "the client bot's status");
      assert.equal(client.state, "stopped");
      // a customer who writes meanwhile waits at Telegram, unanswered
      const alice = emu.createUser({ firstName: "Alice", languageCode: "en" });
      emu.userStartBot(alice.id, w.client.id);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(emu.view(alice.id, w.client.id).filter((m) => !m.outgoing).length, 0);

      // the admin starts it again: the waiting customer gets the greeting
      at = (await w.menu()).id;
      at = w.mark();
      w.press("s:bots");
      await w.waitFor(/Client bot: stopped/, at);
      at = w.mark();
      w.press("s:restart:client");
      await w.waitFor(/Client bot: running/, at);
      assert.deepEqual((await getSettings(w.kv)).stoppedBots, []);
      await emu.waitForMessage(alice.id, w.client.id, (m) => !m.outgoing);
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name:
    "client bot: a customer who blocked it while their message waited is marked unreachable, no failure",
  ...sanitize,
  fn: async () => {
    const w = await startSettingsWorld({ readyChats: true, settings: runningSettings });
    const { emu } = w;
    try {
      const alice = emu.createUser({ firstName: "Alice", languageCode: "en" });
      emu.userStartBot(alice.id, w.client.id);
      await emu.waitForMessage(alice.id, w.client.id, (m) => !m.outgoing);
      await stopClientBot(w);
      let at = w.mark();
      // while it is stopped Alice asks, then blocks the bot (found by the chaos suite, seed 3004)
      emu.userSend(alice.id, w.client.id, { text: "Where is my parcel?" });
      emu.userBlockBot(alice.id, w.client.id);
      const before = w.logs.length;
      at = w.mark();
      w.press("s:restart:client");
      await w.waitFor(/Client bot: running/, at);
      await w.until(
        async () => (await getClient(w.kv, alice.id))?.unreachable === true,
        "Alice marked unreachable",
      );
      await w.until(
        () => w.logs.slice(before).some((l) => l.includes("blocked the bot before the answer")),
        "the refusal taken as the customer gone",
      );
      const failures = w.logs.slice(before).filter((l) => /"level":"error"/.test(l));
      assert.deepEqual(failures, [], "no update failed");
      // back: the held question is asked now, and her answer opens the ticket with it
      const seen = emu.view(alice.id, w.client.id).length;
      emu.userUnblockBot(alice.id, w.client.id);
      await w.until(
        () =>
          emu.view(alice.id, w.client.id).slice(seen).some((m) =>
            !m.outgoing && /topic/i.test(m.text ?? "")
          ),
        "the topic question after she came back",
      );
      assert.equal((await getClient(w.kv, alice.id))?.unreachable, false);
    } finally {
      await w.stop();
    }
  },
});
