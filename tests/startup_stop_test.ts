/**
 * The service as an admin runs it: a bad KV_PATH is one plain sentence, and SIGTERM with a
 * backlog at Telegram's real limits stops it within a container's grace, losing nothing.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../src/emulator/mod.ts";
import { putManager } from "../src/storage/people.ts";
import { updateSettings } from "../src/storage/settings.ts";
import { assertNoAnomalies } from "./emulator/anomaly_check.ts";
import { until } from "../scripts/until.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };
const TOKEN = "123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

Deno.test("a KV_PATH that cannot be a database is one plain sentence and exit code 2", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/folder`);
    await Deno.writeTextFile(
      `${dir}/notes.sqlite`,
      "shopping list: milk, bread, eggs\n".repeat(20),
    );
    await Deno.writeTextFile(`${dir}/file`, "");
    const cases: Array<[string, RegExp]> = [
      [`${dir}/folder`, /it is a folder, not a file/],
      [`${dir}/notes.sqlite`, /not a Deno KV database/],
      [`${dir}/file/sub/kv.sqlite`, /a file is in the way of its folder/],
    ];
    for (const [path, reason] of cases) {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "main.ts"],
        env: { SETTINGS_BOT_TOKEN: TOKEN, ADMIN_IDS: "1", KV_PATH: path },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const err = new TextDecoder().decode(out.stderr).trim();
      assert.equal(out.code, 2, err);
      const lines = err.split("\n");
      assert.equal(lines.length, 1, `one sentence, got:\n${err}`);
      assert.ok(lines[0]!.startsWith(`Cannot open the database at KV_PATH=${path}: `), err);
      assert.match(lines[0]!, reason);
      assert.doesNotMatch(err, /\bat .*\.ts:\d+/, "no stack trace");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "SIGTERM with a backlog at Telegram's real limits stops within 10 s and loses nothing",
  ...sanitize,
  fn: async () => {
    // real Telegram time: the group's 20 messages a minute make a backlog of minutes
    const emu = await startEmulator({ timeScale: 1, limits: true });
    const dir = await Deno.makeTempDir();
    const kvPath = `${dir}/kv.sqlite`;
    const owner = emu.createUser({ firstName: "Olga", languageCode: "ru" });
    const clientBot = emu.createBot({ username: "stop_client_bot" });
    const managerBot = emu.createBot({ username: "stop_manager_bot" });
    const settingsBot = emu.createBot({ username: "stop_settings_bot" });
    const channelId = emu.createChannel({ title: "T", ownerId: owner.id }).id;
    const groupId = emu.createGroup({ title: "G", ownerId: owner.id }).id;
    emu.linkDiscussion(channelId, groupId);
    for (const b of [clientBot, managerBot]) {
      emu.setMember(channelId, b.id, { status: "administrator" });
      emu.setMember(groupId, b.id, { status: "administrator" });
    }
    const kv = await Deno.openKv(kvPath);
    await updateSettings(kv, 0, Date.now(), () => ({
      clientBotToken: clientBot.token,
      managerBotToken: managerBot.token,
      channelId,
      groupId,
      open: true,
      always: true,
    }));
    await putManager(kv, {
      id: owner.id,
      name: "Olga",
      lang: "ru",
      addedAt: 0,
      addedBy: owner.id,
      active: true,
      mute: [],
    });
    kv.close();
    const proc = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "main.ts"],
      env: {
        TELEGRAM_API_ROOT: emu.apiRoot,
        SETTINGS_BOT_TOKEN: settingsBot.token,
        ADMIN_IDS: String(owner.id),
        KV_PATH: kvPath,
        LOG_LEVEL: "error",
      },
      stdout: "null",
      stderr: "inherit",
    }).spawn();
    let exited = false;
    const status = proc.status.then((s) => {
      exited = true;
      return s;
    });
    try {
      const c = emu.createUser({ firstName: "Carl", languageCode: "ru" });
      const view = () => emu.view(c.id, clientBot.id);
      emu.userStartBot(c.id, clientBot.id);
      await until(() => view().length >= 2, "greeting");
      emu.userSend(c.id, clientBot.id, { text: "/new" });
      await until(() => view().some((m) => /тему/.test(m.text ?? "")), "topic");
      emu.userSend(c.id, clientBot.id, { text: "Доставка" });
      await until(() => view().some((m) => /Тема: Доставка/.test(m.text ?? "")), "prompt");
      emu.userSend(c.id, clientBot.id, { text: "q" });
      const inGroup = () =>
        emu.calls(clientBot.id).filter((x) =>
          x.ok && x.method.startsWith("copyMessage") && x.params.chat_id === groupId
        ).length;
      await until(() => inGroup() >= 1, "the first message in the thread");
      const sent = 25; // with the ticket's first messages, under the flood guard's 30 a minute
      for (let k = 0; k < sent; k++) emu.userSend(c.id, clientBot.id, { text: `m${k}` });
      // the group's window fills: the rest of the burst waits for minutes of Telegram time
      await until(
        () => emu.calls(clientBot.id).length > 0 && inGroup() >= 20,
        "the group's window filled",
      );
      const before = performance.now();
      proc.kill("SIGTERM");
      await Promise.race([status, new Promise((r) => setTimeout(r, 10_000))]);
      const waited = performance.now() - before;
      assert.ok(exited, `still running ${Math.round(waited)} ms after SIGTERM`);
      assert.equal((await status).code, 0);

      // nothing lost: what did not reach the thread is still waiting in KV (inbox or outbox)
      const kv2 = await Deno.openKv(kvPath);
      try {
        let pending = 0;
        for await (const e of kv2.list<{ action: { type: string } }>({ prefix: ["outbox"] })) {
          if (e.value.action.type === "copy") pending++;
        }
        for await (const _ of kv2.list({ prefix: ["intake", "client"] })) pending++;
        // copies by the client bot, and texts written by either bot (the manager bot writes
        // texts too when the client bot's budget is spent; a coalesced comment carries several)
        const delivered = [clientBot.id, managerBot.id].flatMap((id) => emu.calls(id)).filter((
          x,
        ) => x.ok && x.params.chat_id === groupId).reduce(
          (n, x) =>
            n +
            (x.method === "copyMessage"
              ? 1
              : x.method === "sendMessage"
              ? (String(x.params.text).match(/\bm\d+\b/g) ?? []).length
              : 0),
          0,
        ) - 1; // the question "q"
        assert.ok(pending > 0, "a backlog was left to resume");
        assert.ok(
          delivered + pending >= sent,
          `${delivered} delivered + ${pending} kept < ${sent}`,
        );
      } finally {
        kv2.close();
      }
    } finally {
      if (!exited) proc.kill("SIGKILL");
      await status;
      await emu.close();
      await Deno.remove(dir, { recursive: true });
      assertNoAnomalies(emu);
    }
  },
});
