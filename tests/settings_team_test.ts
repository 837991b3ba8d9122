import assert from "node:assert/strict";
import { getManager } from "../src/storage/people.ts";
import { getSettings } from "../src/storage/settings.ts";
import { getTicket, ticketsByClient } from "../src/storage/tickets.ts";
import { startSettingsWorld } from "./settings_harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

const ready = {
  readyChats: true,
  settings: (
    w: {
      client: { id: number; token: string; username: string };
      manager: { id: number; token: string; username: string };
      channelId: number;
      groupId: number;
    },
  ) => ({
    clientBotToken: w.client.token,
    managerBotToken: w.manager.token,
    clientBotId: w.client.id,
    managerBotId: w.manager.id,
    clientBotUsername: w.client.username,
    managerBotUsername: w.manager.username,
    channelId: w.channelId,
    groupId: w.groupId,
    open: true,
  }),
};

Deno.test({
  name: "settings: a manager is invited, joins, answers a ticket, is removed and can no longer act",
  ...sanitize,
  fn: async () => {
    const w = await startSettingsWorld(ready);
    const { emu } = w;
    try {
      let at = (await w.menu()).id;
      at = w.mark();
      w.press("s:managers");
      await w.waitFor(/Nobody yet/, at);
      at = w.mark();
      w.press("s:invite");
      const inv = await w.waitFor(/one-time link/, at);
      const link = /https:\/\/t\.me\/desk_manager_bot\?start=(\S+)/.exec(inv.text!)!;
      const payload = link[1]!;

      // Maria opens the link in the manager bot and gets personal links to both chats
      const maria = emu.createUser({ firstName: "Maria", languageCode: "en" });
      at = w.mark();
      emu.userStartBot(maria.id, w.manager.id, payload);
      const welcome = await emu.waitForMessage(
        maria.id,
        w.manager.id,
        (m) => /Welcome to the support team/.test(m.text ?? ""),
      );
      await w.waitFor(/Maria accepted the invitation/, at);
      const chLink = /Channel: (\S+)/.exec(welcome.text!)![1]!;
      const grLink = /Group: (\S+)/.exec(welcome.text!)![1]!;
      emu.userJoinByLink(maria.id, chLink);
      emu.userJoinByLink(maria.id, grLink);
      assert.equal((await getManager(w.kv, maria.id))?.active, true);
      // single use: someone else with the same link gets nothing
      const eve = emu.createUser({ firstName: "Eve", languageCode: "en" });
      emu.userStartBot(eve.id, w.manager.id, payload);
      await emu.waitForMessage(eve.id, w.manager.id, (m) => /not valid/.test(m.text ?? ""));
      assert.equal(await getManager(w.kv, eve.id), null);
      assert.throws(() => emu.userJoinByLink(eve.id, grLink));

      // a client asks, Maria answers in the thread, the client gets it
      const alice = emu.createUser({ firstName: "Alice", languageCode: "en" });
      emu.userStartBot(alice.id, w.client.id);
      emu.userSend(alice.id, w.client.id, { text: "/new" });
      await emu.waitForMessage(alice.id, w.client.id, (m) => /topic/i.test(m.text ?? ""));
      emu.userSend(alice.id, w.client.id, { text: "Delivery" });
      await emu.waitForMessage(alice.id, w.client.id, (m) => /describe/.test(m.text ?? ""));
      emu.userSend(alice.id, w.client.id, { text: "Where is my parcel?" });
      let n = 0;
      await w.until(async () => {
        const t = (await ticketsByClient(w.kv, alice.id))[0];
        n = t?.number ?? 0;
        return !!t?.threadId;
      }, "the ticket's thread");
      const tk = (await getTicket(w.kv, n))!;
      emu.userSend(maria.id, w.groupId, { text: "On its way" }, { replyTo: tk.threadId! });
      await emu.waitForMessage(alice.id, w.client.id, (m) => /On its way/.test(m.text ?? ""));
      await w.until(async () => (await getTicket(w.kv, n))?.managerId === maria.id, "assigned");

      // the list shows her open ticket; removing her asks first, then lists it for transfer
      at = w.mark();
      w.press("s:managers");
      const list = await w.waitFor(/Managers \(open tickets/, at);
      assert.match(list.text!, /Maria .* — 1/);
      at = w.mark();
      w.press(`s:mgr_rm:${maria.id}`);
      await w.waitFor(/Remove the manager Maria\?/, at);
      at = w.mark();
      w.press(`s:mgr_rm_ok:${maria.id}`);
      const removed = await w.waitFor(/Maria is no longer a manager/, at);
      assert.match(removed.text!, /Their 1 open ticket is back with the whole team/);
      assert.equal((await getManager(w.kv, maria.id))?.active, false);
      // her open ticket is the team's again, and its thread says so (the team speaks Russian)
      assert.equal((await getTicket(w.kv, n))?.managerId, null);
      await w.until(
        () =>
          emu.view(w.owner.id, w.groupId).some((m) =>
            m.text?.startsWith("Maria больше не в команде: обращение вернулось в общую очередь")
          ),
        "the thread notice of the hand-back",
      );
      assert.equal(
        emu.world.memberStatus(emu.world.chats.get(w.groupId)!, maria.id).status,
        "left",
      );
      assert.equal(
        emu.world.memberStatus(emu.world.chats.get(w.channelId)!, maria.id).status,
        "left",
      );
      // she can no longer press the post's buttons
      const q = emu.userPressButton(maria.id, w.channelId, tk.postId!, `p:close:${n}`, {
        forged: true,
      });
      await w.until(() => emu.callbackAnswer(q) !== undefined, "answered");
      assert.notEqual((await getTicket(w.kv, n))?.status, "closed");

      // Ivan, added by id, gets the ticket handed over
      const ivan = emu.createUser({ firstName: "Ivan", languageCode: "en" });
      emu.userStartBot(ivan.id, w.manager.id);
      at = w.mark();
      w.press("s:managers");
      await w.waitFor(/Managers/, at);
      at = w.mark();
      w.press("s:mgr_add");
      await w.waitFor(/Forward any message/, at);
      at = w.mark();
      w.send(String(ivan.id));
      await w.waitFor(/Ivan is now a manager/, at);
      await emu.waitForMessage(ivan.id, w.manager.id, (m) => /Канал: https/.test(m.text ?? ""));
      at = w.mark();
      w.press("s:tickets");
      await w.waitFor(/Send the ticket number/, at);
      at = w.mark();
      w.send(`#${n}`);
      await w.waitFor(new RegExp(`Ticket #${n}\\nStatus: in progress`), at);
      at = w.mark();
      w.press(`s:tk_tr:${n}`);
      await w.waitFor(/Who should get ticket/, at);
      at = w.mark();
      w.press(`s:tk_to:${n}:${ivan.id}`);
      await w.waitFor(new RegExp(`Ticket #${n} transferred`), at);
      assert.equal((await getTicket(w.kv, n))?.managerId, ivan.id);

      // admins: add one by id, remove them; ADMIN_IDS cannot be removed
      const bob = emu.createUser({ firstName: "Bob", languageCode: "en" });
      at = w.mark();
      w.press("s:admins");
      await w.waitFor(/cannot be removed here/, at);
      w.press("s:adm_add");
      at = w.mark();
      w.send(String(bob.id));
      await w.waitFor(new RegExp(`${bob.id} is now an admin`), at);
      at = w.mark(bob.id);
      w.send("/menu", bob.id);
      await w.waitFor(/The helpdesk is open/, at, bob.id);
      const own = emu.userPressButton(
        bob.id,
        w.settingsBot.id,
        w.mark(bob.id),
        `s:adm_rm:${w.owner.id}`,
        { forged: true },
      );
      await w.until(() => emu.callbackAnswer(own) !== undefined, "answered");
      assert.match(String(emu.callbackAnswer(own)?.text), /ADMIN_IDS/);
      at = w.mark();
      w.press(`s:adm_rm:${bob.id}`);
      await w.waitFor(new RegExp(`${bob.id} is no longer an admin`), at);
      at = w.mark(bob.id);
      w.send("/menu", bob.id);
      await w.waitFor(/admins only/, at, bob.id);
      assert.equal((await getSettings(w.kv)).open, true);
    } catch (e) {
      if (Deno.env.get("TEST_DEBUG")) {
        for (const u of [...emu.world.users.keys()]) {
          for (const b of [w.client.id, w.manager.id]) {
            try {
              console.log(u, b, JSON.stringify(emu.view(u, b).map((m) => m.text)));
            } catch { /* no chat */ }
          }
        }
        console.log(w.logs.filter((l) => /error|warn/.test(l)).join("\n"));
      }
      throw e;
    } finally {
      await w.stop();
    }
  },
});
