import assert from "node:assert/strict";
import { defaultCronJobs } from "../src/jobs.ts";
import { runningSettings, startSettingsWorld } from "./settings_harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name: "setup watch: an unlinked group and a demoted bot reach the admins once, and the repair",
  ...sanitize,
  fn: async () => {
    const w = await startSettingsWorld({
      readyChats: true,
      settings: runningSettings,
      cronJobs: defaultCronJobs(),
    });
    const { emu } = w;
    const alerts = (after: number) =>
      w.view().filter((m) => m.id > after && !m.outgoing && /setup/.test(m.text ?? ""));
    try {
      // the owner talks to the settings bot (an admin who never did cannot be written to)
      let at = w.mark();
      w.send("/start");
      await w.waitFor(/./, at);

      // a whole setup: the periodic check says nothing
      at = w.mark();
      await w.app.cronTick();
      assert.deepEqual(alerts(at), []);

      // the client bot demoted in the group: its membership update triggers the check at once
      at = w.mark();
      emu.setMember(w.groupId, w.client.id, { status: "member" });
      let m = await w.waitFor(/setup broke/, at);
      assert.match(m.text!, /Client bot @desk_client_bot is not an admin of the discussion group/);
      await w.app.cronTick();
      assert.equal(alerts(at).length, 1, "one alert per problem");

      // promoted again: whole
      at = w.mark();
      emu.setMember(w.groupId, w.client.id, { status: "administrator" });
      await w.waitFor(/setup is whole again/, at);

      // the manager bot removed from the channel: its own update tells
      at = w.mark();
      emu.setMember(w.channelId, w.manager.id, { status: "left" });
      m = await w.waitFor(/setup broke/, at);
      assert.match(m.text!, /Manager bot @desk_manager_bot is not an admin of the channel/);
      at = w.mark();
      emu.setMember(w.channelId, w.manager.id, { status: "administrator" });
      await w.waitFor(/setup is whole again/, at);

      // the group unlinked from the channel: no update tells, the periodic check does, once
      at = w.mark();
      emu.unlinkDiscussion(w.channelId);
      await w.app.cronTick();
      m = await w.waitFor(/setup broke/, at);
      assert.match(m.text!, /The channel has no discussion group/);
      assert.match(m.text!, /Discussion/);
      await w.app.cronTick();
      await w.app.cronTick();
      assert.equal(alerts(at).length, 1, "a second check sends nothing new");

      // linked again: the next check says the setup is whole
      at = w.mark();
      emu.linkDiscussion(w.channelId, w.groupId);
      await w.app.cronTick();
      await w.waitFor(/setup is whole again/, at);
      await w.app.cronTick();
      assert.equal(alerts(at).length, 1);
    } finally {
      await w.stop();
    }
  },
});
