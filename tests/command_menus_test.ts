import assert from "node:assert/strict";
import { runningSettings, startSettingsWorld } from "./settings_harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

/** What Telegram shows a bot's users: getMyCommands asked of the emulator with its token. */
async function commandsOf(
  apiRoot: string,
  token: string,
  params: { scope?: unknown; language_code?: string },
): Promise<string[]> {
  const res = await fetch(`${apiRoot}/bot${token}/getMyCommands`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(params),
  });
  const body = await res.json() as {
    ok: boolean;
    result: { command: string; description: string }[];
  };
  assert.ok(body.ok, JSON.stringify(body));
  return body.result.map((c) => `${c.command} — ${c.description}`);
}

Deno.test({
  name: "command menus: set at start-up per scope and language for all three bots",
  ...sanitize,
  fn: async () => {
    const w = await startSettingsWorld({ readyChats: true, settings: runningSettings });
    try {
      const root = w.emu.apiRoot;
      const priv = { type: "all_private_chats" };
      const admins = { type: "chat_administrators", chat_id: w.groupId };
      await w.until(
        async () => (await commandsOf(root, w.settingsBot.token, { scope: priv })).length > 0,
        "the settings bot's menu",
      );

      const client = (lang?: string) =>
        commandsOf(root, w.client.token, { scope: priv, ...(lang ? { language_code: lang } : {}) });
      assert.deepEqual((await client("ru")).slice(0, 2), [
        "start — Начать",
        "new — Новое обращение",
      ]);
      assert.deepEqual((await client("en")).slice(0, 2), ["start — Start", "new — New request"]);
      assert.ok((await client("en")).includes("tickets — My requests"));
      // no language of ours: DEFAULT_LANGUAGE (English when unset)
      assert.deepEqual(await client(), await client("en"));

      const mgr = await commandsOf(root, w.manager.token, { scope: priv, language_code: "ru" });
      for (
        const c of ["my", "all", "unassigned", "late", "ticket", "transfer", "canned", "settings"]
      ) {
        assert.ok(mgr.some((x) => x.startsWith(`${c} — `)), c);
      }
      const mgrEn = await commandsOf(root, w.manager.token, { scope: priv, language_code: "en" });
      assert.ok(mgrEn.includes("my — My tickets"));
      // the team speaks Russian unless told otherwise
      assert.deepEqual(await commandsOf(root, w.manager.token, { scope: priv }), mgr);

      const set = await commandsOf(root, w.settingsBot.token, { scope: priv, language_code: "en" });
      assert.deepEqual(set.map((x) => x.split(" — ")[0]), [
        "start",
        "menu",
        "status",
        "open",
        "cancel",
      ]);
      const setRu = await commandsOf(root, w.settingsBot.token, {
        scope: priv,
        language_code: "ru",
      });
      assert.ok(setRu.includes("menu — Меню настроек"));

      // the thread commands: for the group's administrators, registered by the client bot
      const thread = (lang: string) =>
        commandsOf(root, w.client.token, { scope: admins, language_code: lang });
      assert.deepEqual(
        (await thread("en")).map((x) => x.split(" — ")[0]),
        [
          "take",
          "close",
          "reopen",
          "transfer",
          "canned",
          "priority",
          "merge",
          "hold",
          "unhold",
          "block",
          "unblock",
          "delete",
        ],
      );
      assert.ok((await thread("ru")).includes("close — Закрыть обращение"));
      // one scope however it is written: fields in another order name the same list
      assert.deepEqual(
        await commandsOf(root, w.client.token, {
          scope: { chat_id: w.groupId, type: "chat_administrators" },
          language_code: "ru",
        }),
        await thread("ru"),
      );
      // the manager bot registered none for the group, and other scopes are empty
      assert.deepEqual(
        await commandsOf(root, w.manager.token, { scope: admins, language_code: "ru" }),
        [],
      );
      assert.deepEqual(
        await commandsOf(root, w.client.token, { scope: { type: "all_group_chats" } }),
        [],
      );
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "emulator: setMyCommands refuses unknown scopes, missing chat ids and bad language codes",
  ...sanitize,
  fn: async () => {
    const { startEmulator } = await import("../src/emulator/mod.ts");
    const emu = await startEmulator({ timeScale: 0.01 });
    try {
      const bot = emu.createBot({ username: "menu_bot" });
      const call = async (params: unknown) => {
        const res = await fetch(`${emu.apiRoot}/bot${bot.token}/setMyCommands`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(params),
        });
        return await res.json() as { ok: boolean; description?: string };
      };
      const commands = [{ command: "go", description: "Go" }];
      assert.equal((await call({ commands, scope: { type: "everyone" } })).ok, false);
      assert.equal((await call({ commands, scope: { type: "chat" } })).ok, false);
      assert.equal((await call({ commands, language_code: "russian" })).ok, false);
      assert.equal((await call({ commands, scope: { type: "all_private_chats" } })).ok, true);
    } finally {
      await emu.close();
    }
  },
});
