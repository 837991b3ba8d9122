/**
 * A live helpdesk's channel: offers come only for channels our admins run, and a tap never
 * switches it — not to a stranger's channel, not to one without a discussion group, not to
 * one the doctor finds broken, not without a confirmation.
 */
import assert from "node:assert/strict";
import { getSettings } from "../src/storage/settings.ts";
import { runningSettings, startSettingsWorld } from "./settings_harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name: "settings: a live helpdesk's channel is switched only to a working channel, after a yes",
  ...sanitize,
  fn: async () => {
    const w = await startSettingsWorld({ readyChats: true, settings: runningSettings });
    const { emu } = w;
    try {
      let at = w.mark();
      w.send("/start");
      await w.waitFor(/./, at);

      // a stranger makes the manager bot an admin of their channel: nobody of ours is asked
      const stranger = emu.createUser({ firstName: "Stan", languageCode: "en" });
      const theirs = emu.createChannel({ title: "FREE iPhones", ownerId: stranger.id }).id;
      at = w.mark();
      emu.setMember(theirs, w.manager.id, { status: "administrator" });
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(
        !w.view().some((m) => m.id > at && /FREE iPhones/.test(m.text ?? "")),
        "a stranger's channel is not offered",
      );

      // the owner's second channel, without a discussion group: offered, but refused on a tap
      const second = emu.createChannel({ title: "Tickets 2", ownerId: w.owner.id }).id;
      at = w.mark();
      emu.setMember(second, w.manager.id, { status: "administrator" });
      await w.waitFor(/added to the channel “Tickets 2”/, at);
      at = w.mark();
      w.press(`s:ch:${second}`);
      await w.waitFor(/has no discussion group, and the helpdesk is open/, at);
      assert.equal((await getSettings(w.kv)).channelId, w.channelId, "not switched");

      // with a group linked but our bots not its admins, the doctor refuses it: nothing changes
      const group2 = emu.createGroup({ title: "Tickets 2 chat", ownerId: w.owner.id }).id;
      emu.linkDiscussion(second, group2);
      at = w.mark();
      w.press(`s:ch:${second}`);
      const refused = await w.waitFor(/“Tickets 2” is not ready for it yet/, at);
      assert.match(
        refused.text ?? "",
        /Client bot @desk_client_bot is not an admin of the discussion group/,
      );
      assert.equal((await getSettings(w.kv)).channelId, w.channelId, "not switched");

      // once both bots are admins of the new chats (the client bot stays: the owner runs them),
      // it can be chosen, after a confirmation
      emu.setMember(second, w.client.id, { status: "administrator" });
      emu.setMember(group2, w.client.id, { status: "administrator" });
      emu.setMember(group2, w.manager.id, { status: "administrator" });
      at = w.mark();
      w.press(`s:ch:${second}`);
      await w.waitFor(/Move it to “Tickets 2”\?/, at);
      assert.equal((await getSettings(w.kv)).channelId, w.channelId, "nothing until a yes");
      at = w.mark();
      w.press(`s:ch_yes:${second}`);
      await w.waitFor(/Channel “Tickets 2” chosen/, at);
      const s = await getSettings(w.kv);
      assert.equal(s.channelId, second);
      assert.equal(s.groupId, group2);
    } finally {
      await w.stop();
    }
  },
});
