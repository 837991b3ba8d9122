import assert from "node:assert/strict";
import { getSettings } from "../src/storage/settings.ts";
import { kvDump, startSettingsWorld } from "./settings_harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name: "settings: a new admin goes from nothing to tickets flowing, fixing every doctor complaint",
  ...sanitize,
  fn: async () => {
    const w = await startSettingsWorld();
    const { emu } = w;
    try {
      // nothing set: the checklist names both tokens and the channel
      let at = w.mark();
      w.send("/start");
      let m = await w.waitFor(/What needs fixing/, at);
      assert.match(m.text!, /Client bot: no token/);
      assert.doesNotMatch(m.text!, /—:/, "no placeholder for a missing name");
      assert.match(m.text!, /Manager bot: no token/);
      assert.match(m.text!, /No channel chosen/);

      // a stranger gets a short refusal and nothing else
      const stranger = emu.createUser({ firstName: "Stan", languageCode: "en" });
      w.send("/start", stranger.id);
      const refusal = await w.waitFor(/admins only/, 0, stranger.id);
      const q = emu.userPressButton(stranger.id, w.settingsBot.id, refusal.id, "s:open", {
        forged: true,
      });
      await w.until(() => emu.callbackAnswer(q) !== undefined, "stranger's button answered");
      assert.match(String(emu.callbackAnswer(q)?.text), /admins only/);
      assert.equal(w.view(stranger.id).filter((x) => !x.outgoing).length, 1);

      // client token: garbage, then a revoked token, then the right one; each is deleted
      at = w.mark();
      w.press("s:token:client");
      await w.waitFor(/Send me the client bot's token/, at);
      at = w.mark();
      const bad = w.send("hello");
      await w.waitFor(/does not look like a bot token/, at);
      assert.ok(!w.view().some((x) => x.id === bad), "the message is deleted");
      at = w.mark();
      w.send("123456789:AAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
      await w.waitFor(/Telegram rejects this token: it is wrong or revoked/, at);
      at = w.mark();
      w.send(w.client.token);
      await w.waitFor(
        /Client bot @desk_client_bot is connected: running \(helpdesk not open\)/,
        at,
      );
      assert.equal((await getSettings(w.kv)).clientBotId, w.client.id);
      assert.equal((await w.app.supervisor.status())[0]!.state, "setup");

      // the client bot already answers clients: the service is not open yet
      const alice = emu.createUser({ firstName: "Alice", languageCode: "en" });
      emu.userStartBot(alice.id, w.client.id);
      emu.userSend(alice.id, w.client.id, { text: "/new" });
      await emu.waitForMessage(
        alice.id,
        w.client.id,
        (x) => /closed at the moment/.test(x.text ?? ""),
      );

      // manager token, pasted without pressing the button first: asked which bot it is
      at = w.mark();
      w.send(w.manager.token);
      await w.waitFor(/Which bot is this token for/, at);
      at = w.mark();
      w.press("s:token:manager");
      await w.waitFor(/manager bot's token/, at);
      at = w.mark();
      w.send(w.manager.token);
      m = await w.waitFor(/What needs fixing/, at);
      assert.match(m.text!, /Manager bot @desk_manager_bot: running/);
      assert.match(m.text!, /No channel chosen/);

      // the channel is offered when the manager bot becomes its admin; it is protected
      // and has no discussion group yet
      const world = emu.world;
      world.chats.get(w.channelId)!.protectedContent = true;
      at = w.mark();
      emu.setMember(w.channelId, w.manager.id, { status: "administrator" });
      await w.waitFor(/The manager bot was added to the channel “Tickets”/, at);
      at = w.mark();
      w.press(`s:ch:${w.channelId}`);
      await w.waitFor(/Channel “Tickets” chosen/, at);
      m = await w.waitFor(/What needs fixing/, at);
      assert.match(m.text!, /restricts saving content/);
      assert.match(m.text!, /no discussion group/);
      assert.match(m.text!, /Client bot @desk_client_bot is not an admin of the channel/);

      // fixes: protection off, the client bot an admin without the right to edit,
      // a forum group linked (the manager bot is not its admin yet)
      world.chats.get(w.channelId)!.protectedContent = false;
      emu.setMember(w.channelId, w.client.id, {
        status: "administrator",
        rights: { can_edit_messages: false },
      });
      const forum = emu.createGroup({ title: "Forum", ownerId: w.owner.id, forum: true }).id;
      emu.linkDiscussion(w.channelId, forum);
      // the doctor learns the linked group even before any bot is in it
      at = w.mark();
      w.press("s:status");
      m = await w.waitFor(/What needs fixing/, at);
      assert.match(m.text!, /Client bot @desk_client_bot is not an admin of the discussion group/);
      assert.equal((await getSettings(w.kv)).groupId, forum);
      emu.setMember(forum, w.client.id, { status: "administrator" });
      at = w.mark();
      w.press("s:status");
      m = await w.waitFor(/What needs fixing/, at);
      assert.doesNotMatch(m.text!, /restricts saving content/);
      assert.match(m.text!, /Client bot @desk_client_bot: lacks the “Edit messages of others”/);
      assert.match(m.text!, /topics \(forum\) on/);
      assert.match(
        m.text!,
        /Manager bot @desk_manager_bot is not an admin of the discussion group/,
      );
      assert.equal((await getSettings(w.kv)).groupId, forum);

      // opening is refused while anything blocks it
      at = w.mark();
      w.send("/open");
      await w.waitFor(/cannot be opened yet/, at);
      assert.equal((await getSettings(w.kv)).open, false);

      // last fixes: full rights, forum off, manager bot admin of the group
      emu.setMember(w.channelId, w.client.id, { status: "administrator" });
      world.chats.get(forum)!.isForum = false;
      emu.setMember(forum, w.manager.id, { status: "administrator" });
      at = w.mark();
      w.send("/status");
      m = await w.waitFor(/Check passed/, at);
      assert.match(m.text!, /Discussion group: “Forum”/);

      at = w.mark();
      w.press("s:open");
      m = await w.waitFor(
        /The helpdesk is open! Clients write to the bot: https:\/\/t\.me\/desk_client_bot/,
        at,
      );
      await w.until(() => w.view().some((x) => x.kind === "photo" && x.id > m.id), "the QR code");
      assert.equal((await getSettings(w.kv)).open, true);
      const calls = emu.calls(w.client.id).filter((c) => c.ok).map((c) => c.method);
      for (
        const method of ["setMyCommands", "setMyName", "setMyDescription", "setMyShortDescription"]
      ) {
        assert.ok(calls.includes(method), method);
      }
      assert.ok(emu.calls(w.manager.id).some((c) => c.ok && c.method === "setMyCommands"));

      // tickets flow: a client's question becomes a post with its first comment
      emu.userSend(alice.id, w.client.id, { text: "/new" });
      await emu.waitForMessage(alice.id, w.client.id, (x) => /topic/i.test(x.text ?? ""));
      emu.userSend(alice.id, w.client.id, { text: "Billing" });
      await emu.waitForMessage(
        alice.id,
        w.client.id,
        (x) => /describe your question/.test(x.text ?? ""),
      );
      emu.userSend(alice.id, w.client.id, { text: "My payment is stuck" });
      await w.until(
        () => emu.view(w.owner.id, forum).some((x) => x.text === "My payment is stuck"),
        "the question in the discussion group",
      );

      // tokens appear nowhere but in the settings record
      // the durable poller keeps each update in KV only until it is handled
      await w.until(
        async () => !(await kvDump(w.kv)).some((r) => r.startsWith('["intake"')),
        "intake drained",
      );
      for (const token of [w.client.token, w.manager.token, w.settingsBot.token]) {
        assert.ok(!w.view().some((x) => (x.text ?? "").includes(token)), "not in the chat");
        assert.ok(!w.logs.some((l) => l.includes(token)), "not in the logs");
        assert.ok(!(await kvDump(w.kv)).some((r) => r.includes(token)), "not in KV");
        for (const b of [w.settingsBot, w.client, w.manager]) {
          const sent = emu.calls(b.id).filter((c) => c.method !== "getUpdates");
          assert.ok(!sent.some((c) => JSON.stringify(c.params).includes(token)), "not sent");
        }
      }
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name:
    "settings: a fresh install completed by the environment opens by itself; a closed one stays closed",
  ...sanitize,
  fn: async () => {
    const w = await startSettingsWorld({ readyChats: true });
    try {
      // the same KV, now with the bootstrap variables
      const env = {
        CLIENT_BOT_TOKEN: w.client.token,
        MANAGER_BOT_TOKEN: w.manager.token,
        MANAGERS_CHANNEL: String(w.channelId),
      };
      await w.restart(env);
      let s = await getSettings(w.kv);
      assert.equal(s.open, true);
      assert.equal(s.groupId, w.groupId);
      assert.equal(s.clientBotUsername, "desk_client_bot");
      // the admin closes it; after a restart it stays closed
      await w.menu();
      w.press("s:close");
      await w.until(async () => !(await getSettings(w.kv)).open, "closed");
      await w.restart(env);
      s = await getSettings(w.kv);
      assert.equal(s.open, false);
    } finally {
      await w.stop();
    }
  },
});
