import assert from "node:assert/strict";
import type { App } from "../src/app.ts";
import { systemClock } from "../src/clock.ts";
import type { Emulator } from "../src/emulator/mod.ts";
import { getTicket } from "../src/storage/tickets.ts";
import { until } from "../scripts/until.ts";
import { buttonData, startWorld } from "./harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };
const SCALE = 0.01;

function freePort(): number {
  const l = Deno.listen({ port: 0, hostname: "127.0.0.1" });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

interface Setup {
  emu: Emulator;
  app: App;
  kv: Deno.Kv;
  owner: { id: number };
  maria: { id: number };
  clientBotId: number;
  settingsBotId: number;
  channelId: number;
  groupId: number;
  port: number;
  stop(): Promise<void>;
}

/** The one test world (`harness.ts`) in `mode`, its bots' tokens given by the environment. */
async function setup(mode: "polling" | "webhook"): Promise<Setup> {
  const port = freePort();
  const w = await startWorld({
    // Why webhookPorts: the service under test receives its webhook on a random local port.
    webhookPorts: "any",
    autoForwardDelay: { min: 0, max: 0 },
    timeScale: SCALE,
    albumWindowMs: 80,
    clock: systemClock,
    // Olga's Telegram sends no language
    ownerLang: null,
    bots: {
      client: { username: `m_${mode}_client_bot` },
      manager: { username: `m_${mode}_manager_bot` },
      settings: { username: `m_${mode}_settings_bot` },
    },
    settings: (x) => ({ groupId: x.groupId, open: true, always: true }),
    env: (x) => ({
      CLIENT_BOT_TOKEN: x.client.token,
      MANAGER_BOT_TOKEN: x.manager.token,
      MANAGERS_CHANNEL: String(x.channelId),
      BOT_MODE: mode,
      PORT: String(port),
      ...(mode === "webhook"
        ? { WEBHOOK_URL: `http://127.0.0.1:${port}`, WEBHOOK_SECRET: "s3cret-s3cret-s3cret" }
        : {}),
    }),
  });
  return {
    emu: w.emu,
    app: w.app,
    kv: w.kv,
    owner: w.owner,
    maria: w.managers[0]!,
    clientBotId: w.clientBot.id,
    settingsBotId: w.settingsBot.id,
    channelId: w.channelId,
    groupId: w.groupId,
    port,
    stop: w.stop,
  };
}

for (const mode of ["polling", "webhook"] as const) {
  Deno.test({
    name: `modes: the same working day in ${mode} mode`,
    ...sanitize,
    fn: async () => {
      const s = await setup(mode);
      try {
        const { emu } = s;
        const carl = emu.createUser({ firstName: "Carl", languageCode: "en" });
        const view = () => emu.view(carl.id, s.clientBotId);
        emu.userStartBot(carl.id, s.clientBotId);
        await until(() => view().length >= 2, "greeting");
        emu.userSend(carl.id, s.clientBotId, { text: "My parcel is late" });
        await until(() => view().some((m) => /topic/.test(m.text ?? "")), "topic question");
        emu.userSend(carl.id, s.clientBotId, { text: "Delivery" });
        await until(async () => (await getTicket(s.kv, 1))?.threadId != null, "ticket thread");
        const root = (await getTicket(s.kv, 1))!.threadId!;
        const thread = () => emu.threadView(s.groupId, root).filter((m) => m.id !== root);
        await until(() => thread().length >= 1, "question in the thread");
        assert.equal(thread()[0]?.text, "My parcel is late");
        emu.userSendAlbum(carl.id, s.clientBotId, [{ photo: {}, caption: "box" }, { photo: {} }]);
        await until(() => thread().length >= 3, "album in the thread");
        // one album, not two single photos: both copies carry the same, existing group id
        const group = thread()[1]?.mediaGroupId;
        assert.ok(group, "the album arrived as an album");
        assert.equal(thread()[2]?.mediaGroupId, group);
        assert.equal(thread().length, 3, "nothing else in the thread yet");
        const answer = emu.userSend(s.maria.id, s.groupId, { text: "On its way" }, {
          replyTo: root,
        });
        await until(() => view().some((m) => m.text === "#1\nOn its way"), "answer");
        emu.userEdit(s.maria.id, s.groupId, answer.messageId, "On its way, sorry");
        await until(() => view().some((m) => m.text === "#1\nOn its way, sorry"), "edit");
        const postId = (await getTicket(s.kv, 1))!.postId!;
        emu.userPressButton(s.maria.id, s.channelId, postId, "p:close:1");
        await until(
          () => view().some((m) => JSON.stringify(m.replyMarkup ?? "").includes("c:rate:1:5")),
          "rating prompt",
        );
        const prompt = view().findLast((m) =>
          JSON.stringify(m.replyMarkup ?? "").includes("c:rate:1:5")
        )!;
        emu.userPressButton(carl.id, s.clientBotId, prompt.id, buttonData(prompt, "c:rate:1:4"));
        await until(async () => (await getTicket(s.kv, 1))?.ratings.length === 1, "rating");
        // the post is re-rendered after the rating is stored
        const post = () => emu.view(s.owner.id, s.channelId).find((m) => m.id === postId)!;
        await until(() => /★★★★/.test(post().text ?? ""), "the rating on the post");
        assert.match(post().text ?? "", /закрыто/);
      } finally {
        await s.stop();
      }
    },
  });
}

Deno.test({
  name: "modes: a forged webhook request (wrong or missing secret) is refused and changes nothing",
  ...sanitize,
  fn: async () => {
    const s = await setup("webhook");
    try {
      const carl = s.emu.createUser({ firstName: "Carl" });
      const update = {
        update_id: 999_999,
        message: {
          message_id: 1,
          date: 1,
          chat: { id: carl.id, type: "private", first_name: "Carl" },
          from: { id: carl.id, is_bot: false, first_name: "Carl" },
          text: "/start",
        },
      };
      const url = `http://127.0.0.1:${s.port}`;
      // the right path is secret too; try the client bot's path with wrong and missing headers
      const paths = await (async () => {
        const r = await fetch(
          `${s.emu.apiRoot}/bot${
            [...s.emu.world.bots.values()].find((b) => b.id === s.clientBotId)!.token
          }/getWebhookInfo`,
        );
        return new URL((await r.json()).result.url).pathname;
      })();
      const variants: Array<Record<string, string>> = [
        {},
        { "X-Telegram-Bot-Api-Secret-Token": "wrong" },
      ];
      for (const headers of variants) {
        const r = await fetch(`${url}${paths}`, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify(update),
        });
        assert.equal(r.status, 401);
        await r.body?.cancel();
      }
      const wrongPath = await fetch(`${url}/hook/client/${"0".repeat(32)}`, {
        method: "POST",
        body: "{}",
      });
      assert.equal(wrongPath.status, 401);
      await wrongPath.body?.cancel();
      await new Promise((r) => setTimeout(r, 100));
      const sent = s.emu.calls(s.clientBotId).filter((c) => c.params.chat_id === carl.id);
      assert.equal(sent.length, 0, "nothing was sent");
      let records = 0;
      for await (const e of s.kv.list({ prefix: ["client"] })) if (e) records++;
      assert.equal(records, 0, "no client record was written");
    } finally {
      await s.stop();
    }
  },
});

Deno.test({
  name: "modes: a bot whose token is rejected is reported and the others keep running",
  ...sanitize,
  fn: async () => {
    const w = await startWorld({
      timeScale: SCALE,
      settings: null,
      readyChats: false,
      managers: false,
      bots: { manager: { username: "r_manager_bot" }, settings: { username: "r_settings_bot" } },
      env: (x) => ({
        // a well-formed token Telegram does not know (revoked)
        CLIENT_BOT_TOKEN: "999999999:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        MANAGER_BOT_TOKEN: x.manager.token,
      }),
    });
    const { emu, app } = w;
    const [managerBot, settingsBot] = [w.managerBot, w.settingsBot];
    try {
      const status = await app.supervisor.status();
      const client = status.find((b) => b.kind === "client")!;
      const manager = status.find((b) => b.kind === "manager")!;
      assert.equal(client.state, "error");
      assert.match(client.lastError ?? "", /rejected/);
      assert.ok(!JSON.stringify(status).includes("AAAAAAAAAAAAAAAAAAAA"), "no token in the status");
      assert.ok(["running", "setup"].includes(manager.state), manager.state);
      await until(() => emu.isPolling(managerBot.id) && emu.isPolling(settingsBot.id), "polling");
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "modes: admins hear of a low rating through the settings bot",
  ...sanitize,
  fn: async () => {
    const s = await setup("polling");
    try {
      const { emu } = s;
      emu.userStartBot(s.owner.id, s.settingsBotId);
      const carl = emu.createUser({ firstName: "Carl", languageCode: "en" });
      const view = () => emu.view(carl.id, s.clientBotId);
      emu.userStartBot(carl.id, s.clientBotId);
      await until(() => view().length >= 2, "greeting");
      emu.userSend(carl.id, s.clientBotId, { text: "Broken" });
      await until(() => view().some((m) => /topic/.test(m.text ?? "")), "topic question");
      emu.userSend(carl.id, s.clientBotId, { text: "Quality" });
      await until(async () => (await getTicket(s.kv, 1))?.postId != null, "post");
      emu.userPressButton(
        s.maria.id,
        s.channelId,
        (await getTicket(s.kv, 1))!.postId!,
        "p:close:1",
      );
      await until(
        () => view().some((m) => JSON.stringify(m.replyMarkup ?? "").includes("c:rate:1:1")),
        "prompt",
      );
      const prompt = view().findLast((m) =>
        JSON.stringify(m.replyMarkup ?? "").includes("c:rate:1:1")
      )!;
      emu.userPressButton(carl.id, s.clientBotId, prompt.id, buttonData(prompt, "c:rate:1:1"));
      await until(
        () =>
          emu.view(s.owner.id, s.settingsBotId).some((m) =>
            // Olga's Telegram sends no language: the settings bot, and so her alerts, are English
            /Low rating ★ for ticket #1/.test(m.text ?? "")
          ),
        "the admin's alert in her language",
      );
    } finally {
      await s.stop();
    }
  },
});

Deno.test({
  name: "modes: in webhook mode the settings bot is served by webhook and never long-polls",
  ...sanitize,
  fn: async () => {
    const s = await setup("webhook");
    try {
      const { emu } = s;
      emu.userStartBot(s.owner.id, s.settingsBotId);
      await until(
        () => emu.view(s.owner.id, s.settingsBotId).some((m) => !m.outgoing),
        "the settings bot answers /start",
      );
      const calls = emu.calls(s.settingsBotId).map((c) => c.method);
      assert.ok(calls.includes("setWebhook"), "the settings bot registered a webhook");
      assert.ok(!calls.includes("getUpdates"), "the settings bot long-polled in webhook mode");
    } finally {
      await s.stop();
    }
  },
});
