import assert from "node:assert/strict";
import { putManager } from "../src/storage/people.ts";
import { getSettings } from "../src/storage/settings.ts";
import { getTicket, ticketsByClient } from "../src/storage/tickets.ts";
import { kvDump, runningSettings, startSettingsWorld } from "./settings_harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name:
    "settings: a token rotation restarts the right bot and loses no queued message; a migration needs a yes",
  ...sanitize,
  fn: async () => {
    const w = await startSettingsWorld({
      readyChats: true,
      settings: runningSettings,
    });
    const { emu } = w;
    try {
      const maria = emu.createUser({ firstName: "Maria", languageCode: "en" });
      emu.setMember(w.groupId, maria.id, { status: "member" });
      await putManager(w.kv, {
        id: maria.id,
        name: "Maria",
        lang: "en",
        addedAt: 0,
        addedBy: w.owner.id,
        active: true,
        mute: [],
      });
      const alice = emu.createUser({ firstName: "Alice", languageCode: "en" });
      emu.userStartBot(alice.id, w.client.id);
      emu.userSend(alice.id, w.client.id, { text: "/new" });
      await emu.waitForMessage(alice.id, w.client.id, (m) => /topic/i.test(m.text ?? ""));
      emu.userSend(alice.id, w.client.id, { text: "Refund" });
      await emu.waitForMessage(alice.id, w.client.id, (m) => /describe/.test(m.text ?? ""));
      emu.userSend(alice.id, w.client.id, { text: "I want my money back" });
      let n = 0;
      await w.until(async () => {
        const t = (await ticketsByClient(w.kv, alice.id))[0];
        n = t?.number ?? 0;
        return !!t?.postId;
      }, "the ticket's post");

      // the client bot is stopped from the settings bot
      let at = (await w.menu()).id;
      at = w.mark();
      w.press("s:bots");
      await w.waitFor(/The helpdesk's bots/, at);
      at = w.mark();
      w.press("s:stop:client");
      // stopping says what customers will experience, and waits for a yes
      await w.waitFor(/Stop the client bot\? Customers will get no answer/, at);
      assert.equal((await w.app.supervisor.status())[0]!.state, "running", "not before the yes");
      at = w.mark();
      w.press("s:stop_yes:client");
      await w.waitFor(/Client bot: stopped/, at);
      // the status never says "passed" while a bot is stopped
      at = w.mark();
      w.send("/status");
      const st = await w.waitFor(/setup is right, but stopped: Client bot/, at);
      assert.doesNotMatch(st.text!, /Check passed/);

      // meanwhile a manager closes the ticket: the client's notice waits in the outbox
      const postId = (await getTicket(w.kv, n))!.postId!;
      emu.userPressButton(maria.id, w.channelId, postId, `p:close:${n}`);
      await w.until(async () => (await getTicket(w.kv, n))?.status === "closed", "closed");
      await new Promise((r) => setTimeout(r, 200));
      assert.ok(!emu.view(alice.id, w.client.id).some((m) => /closed/.test(m.text ?? "")));
      assert.ok((await kvDump(w.kv)).some((r) => r.startsWith(`["outbox",${n},"client"`)));

      // the owner revokes the token in BotFather and pastes the new one: a rotation
      const rec = emu.world.bots.get(w.client.id)!;
      const newToken = `${w.client.id}:BB${"r".repeat(33)}`;
      emu.world.botsByToken.delete(rec.token);
      rec.token = newToken;
      emu.world.botsByToken.set(newToken, rec);
      at = w.mark();
      w.send(newToken);
      await w.waitFor(/The new token of the Client bot @desk_client_bot is saved/, at);
      await emu.waitForMessage(
        alice.id,
        w.client.id,
        (m) => /closed by our specialist/.test(m.text ?? ""),
      );
      assert.equal((await getSettings(w.kv)).clientBotToken, newToken);
      assert.equal((await w.app.supervisor.status())[0]!.state, "running");

      // a different bot cannot take over an open helpdesk before it is an admin of the chats
      const other = emu.createBot({ username: "desk2_client_bot" });
      at = w.mark();
      w.press("s:token:client");
      await w.waitFor(/client bot's token/, at);
      at = w.mark();
      w.send(other.token);
      const notReady = await w.waitFor(/@desk2_client_bot is not ready to take over/, at);
      assert.match(notReady.text ?? "", /@desk2_client_bot is not an admin of the channel/);
      assert.equal((await getSettings(w.kv)).clientBotId, w.client.id, "nothing changed");

      // once it is, the token of a different bot is a migration: explained, done after a yes
      emu.setMember(w.channelId, other.id, { status: "administrator" });
      emu.setMember(w.groupId, other.id, { status: "administrator" });
      at = w.mark();
      w.press("s:token:client");
      await w.waitFor(/client bot's token/, at);
      at = w.mark();
      w.send(other.token);
      await w.waitFor(/This is a different bot: @desk2_client_bot instead of @desk_client_bot/, at);
      assert.equal((await getSettings(w.kv)).clientBotId, w.client.id);
      at = w.mark();
      w.press("s:mig_ok");
      await w.waitFor(/Client bot @desk2_client_bot is connected/, at);
      const s = await getSettings(w.kv);
      assert.equal(s.clientBotId, other.id);
      assert.equal(s.clientBotUsername, "desk2_client_bot");
      // the manager bot's token cannot serve as the client bot
      at = w.mark();
      w.press("s:token:client");
      await w.waitFor(/client bot's token/, at);
      at = w.mark();
      w.send(w.manager.token);
      await w.waitFor(/is already used as the other bot/, at);

      // the durable poller keeps each update in KV only until it is handled
      await w.until(
        async () => !(await kvDump(w.kv)).some((r) => r.startsWith('["intake"')),
        "intake drained",
      );
      for (const token of [newToken, other.token, w.manager.token]) {
        assert.ok(!w.view().some((m) => (m.text ?? "").includes(token)));
        assert.ok(!w.logs.some((l) => l.includes(token)));
        const leaks = (await kvDump(w.kv)).filter((r) => r.includes(token));
        assert.deepEqual(leaks.map((r) => r.slice(0, 60)), []);
      }
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name:
    "settings: the settings bot's own token is refused for a role; a token inside a sentence is found and deleted",
  ...sanitize,
  fn: async () => {
    const w = await startSettingsWorld();
    try {
      let at = w.mark();
      w.send("/start");
      await w.waitFor(/What needs fixing/, at);
      at = w.mark();
      w.press("s:token:client");
      await w.waitFor(/Send me the client bot's token/, at);
      at = w.mark();
      const own = w.send(w.settingsBot.token);
      await w.waitFor(/is this settings bot/, at);
      assert.ok(!w.view().some((x) => x.id === own), "the token message is deleted");
      assert.equal((await getSettings(w.kv)).clientBotToken, null, "nothing saved");
      assert.equal((await getSettings(w.kv)).clientBotId, null);

      // still asked for the client bot's token: pasted inside a sentence, it is found
      at = w.mark();
      const chatty = w.send(`here it is: ${w.client.token} — thanks!`);
      await w.waitFor(/Client bot @\w+ is connected/, at);
      assert.ok(!w.view().some((x) => x.id === chatty), "a sentence holding a token is deleted");
      assert.ok(!w.view().some((x) => (x.text ?? "").includes(w.client.token)));
      const s = await getSettings(w.kv);
      assert.equal(s.clientBotId, w.client.id);
      assert.equal(s.clientBotToken, w.client.token, "the token alone is saved, not the sentence");

      // the same token again: said so, nothing restarted
      at = w.mark();
      w.send(w.client.token);
      await w.waitFor(/already uses this token: nothing changed/, at);

      // a token inside a sentence while nothing was asked: deleted, and asked which bot
      at = w.mark();
      const unasked = w.send(`manager: ${w.manager.token}`);
      await w.waitFor(/Which bot is this token for/, at);
      assert.ok(!w.view().some((x) => x.id === unasked), "deleted though nothing was asked");
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name:
    "settings: a migration's yes is honoured by another instance (nothing kept in memory), once, and its token never rests in KV in the clear",
  ...sanitize,
  fn: async () => {
    const w = await startSettingsWorld({ readyChats: true, settings: runningSettings });
    const { emu } = w;
    try {
      const other = emu.createBot({ username: "desk3_client_bot" });
      emu.setMember(w.channelId, other.id, { status: "administrator" });
      emu.setMember(w.groupId, other.id, { status: "administrator" });
      let at = w.mark();
      w.send(other.token);
      await w.waitFor(/Which bot is this token for/, at);
      at = w.mark();
      w.press("s:token:client");
      await w.waitFor(/client bot's token/, at);
      at = w.mark();
      w.send(other.token);
      await w.waitFor(/This is a different bot: @desk3_client_bot instead of @desk_client_bot/, at);
      const leaks = (await kvDump(w.kv)).filter((r) => r.includes(other.token));
      assert.deepEqual(leaks.map((r) => r.slice(0, 60)), [], "the pending token is sealed");
      // the yes reaches a service that did not ask the question (Deploy: another instance)
      await w.restart();
      at = w.mark();
      w.press("s:mig_ok");
      await w.waitFor(/Client bot @desk3_client_bot is connected/, at);
      assert.equal((await getSettings(w.kv)).clientBotId, other.id);
      // a second press of the same yes finds nothing to do (the answer replaces the question)
      w.press("s:mig_ok");
      await w.until(
        () => w.view().some((m) => /The time to confirm has passed/.test(m.text ?? "")),
        "the second yes refused",
      );
      assert.equal((await getSettings(w.kv)).clientBotId, other.id);
    } finally {
      await w.stop();
    }
  },
});
