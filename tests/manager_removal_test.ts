/**
 * Removing a manager who is an administrator of the helpdesk's chats: Telegram lets a bot
 * dismiss only the admins it appointed, so such an admin is dismissed and removed, while an
 * admin someone else appointed stays and the admin of the helpdesk gets the exact steps.
 */
import assert from "node:assert/strict";
import { getManager, putManager } from "../src/storage/people.ts";
import { runningSettings, type SettingsWorld, startSettingsWorld } from "./settings_harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

async function manager(w: SettingsWorld, name: string) {
  const u = w.emu.createUser({ firstName: name, languageCode: "en" });
  await putManager(w.kv, {
    id: u.id,
    name,
    lang: "en",
    addedAt: 0,
    addedBy: w.owner.id,
    active: true,
    mute: [],
  });
  return u.id;
}

async function remove(w: SettingsWorld, id: number, name: string) {
  let at = (await w.menu()).id;
  at = w.mark();
  w.press("s:managers");
  await w.waitFor(/Managers/, at);
  at = w.mark();
  w.press(`s:mgr_rm:${id}`);
  await w.waitFor(new RegExp(`Remove the manager ${name}\\?`), at);
  at = w.mark();
  w.press(`s:mgr_rm_ok:${id}`);
  return await w.waitFor(new RegExp(`${name} is no longer a manager`), at);
}

Deno.test({
  name: "managers: an admin our bot appointed is dismissed and removed; another's admin gets steps",
  ...sanitize,
  fn: async () => {
    const w = await startSettingsWorld({ readyChats: true, settings: runningSettings });
    const { emu } = w;
    const status = (chat: number, id: number) =>
      emu.world.memberStatus(emu.world.chats.get(chat)!, id).status;
    try {
      // the manager bot may appoint admins in the group
      emu.setMember(w.groupId, w.manager.id, {
        status: "administrator",
        rights: { can_promote_members: true },
      });
      const petr = await manager(w, "Petr");
      emu.setMember(w.channelId, petr, { status: "member" });
      emu.setMember(w.groupId, petr, { status: "administrator" }); // appointed by the owner
      const sveta = await manager(w, "Sveta");
      emu.setMember(w.channelId, sveta, { status: "member" });
      emu.setMember(w.groupId, sveta, { status: "administrator", byId: w.manager.id });

      const petrSaid = await remove(w, petr, "Petr");
      assert.equal((await getManager(w.kv, petr))?.active, false);
      assert.equal(status(w.channelId, petr), "left");
      assert.equal(status(w.groupId, petr), "administrator", "Telegram keeps the owner's admin");
      assert.match(
        petrSaid.text!,
        /Petr is an administrator of the discussion group.*Administrators → Petr → Dismiss admin/s,
      );
      assert.doesNotMatch(petrSaid.text!, /administrator of the channel/);
      assert.doesNotMatch(petrSaid.text!, /Ban users/);

      const svetaSaid = await remove(w, sveta, "Sveta");
      assert.equal(status(w.groupId, sveta), "left", "dismissed, then removed");
      assert.equal(status(w.channelId, sveta), "left");
      assert.doesNotMatch(svetaSaid.text!, /administrator of|Could not remove/);
    } finally {
      await w.stop();
    }
  },
});
