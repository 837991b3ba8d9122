/**
 * Quiet days, the low-rating threshold and the team language are set in the settings bot (they
 * could only be changed in code), and the threshold is the one the alerts follow.
 */
import assert from "node:assert/strict";
import { buttonData } from "./harness.ts";
import { getSettings, updateSettings } from "../src/storage/settings.ts";
import { putManager } from "../src/storage/people.ts";
import { getTicket, ticketsByClient } from "../src/storage/tickets.ts";
import { clientOpensTicket, managerSays, sanitize, startDesk } from "./manager_harness.ts";
import { runningSettings, startSettingsWorld } from "./settings_harness.ts";

Deno.test({
  name: "settings: quiet days, the low-rating threshold and the team language are settings",
  ...sanitize,
  fn: async () => {
    const w = await startSettingsWorld({ readyChats: true, settings: runningSettings });
    try {
      let at = (await w.menu()).id;
      at = w.mark();
      w.press("s:hours");
      await w.waitFor(/Low rating alerts: 2★ and below/, at);
      const set = async (field: string, value: string, expect: RegExp) => {
        let at = w.mark();
        w.press(`s:set:${field}`);
        await w.waitFor(/Send/, at);
        at = w.mark();
        w.send(value);
        await w.waitFor(expect, at);
      };
      await set("quiet", "120", /from 0 to 90/);
      await set("quiet", "0", /Close quiet tickets after: off/);
      await set("lowr", "5", /from 1 to 4/);
      await set("lowr", "3", /Low rating alerts: 3★ and below/);
      await set("tlang", "en", /Team language \(posts, thread notices\): English/);
      const s = await getSettings(w.kv);
      assert.equal(s.quietDays, 0);
      assert.equal(s.lowRating, 3);
      assert.equal(s.teamLang, "en");
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "a rating at the admins' threshold alerts the assigned manager",
  ...sanitize,
  fn: async () => {
    const w = await startDesk();
    try {
      const maria = w.managers[0]!;
      await updateSettings(w.kv, 1, w.clock.now(), () => ({ lowRating: 3 }));
      await w.ask(maria.id, "/start");
      const alice = await w.newClient("Alice");
      const n = await clientOpensTicket(w, alice.id, "Оплата", "Где деньги?");
      await managerSays(w, maria.id, n, { text: "Смотрим" });
      await managerSays(w, maria.id, n, { text: "/close" });
      await w.until(
        () =>
          w.clientView(alice.id).some((m) =>
            JSON.stringify(m.replyMarkup ?? "").includes(`c:rate:${n}:3`)
          ),
        "rating prompt",
      );
      const prompt = w.clientView(alice.id).findLast((m) =>
        JSON.stringify(m.replyMarkup ?? "").includes("c:rate:")
      )!;
      w.emu.userPressButton(
        alice.id,
        w.clientBot.id,
        prompt.id,
        buttonData(prompt, `c:rate:${n}:3`),
      );
      await w.until(
        () => w.mgrView(maria.id).some((m) => /Низкая оценка ★★★ по обращению/.test(m.text ?? "")),
        "a 3★ is low at threshold 3",
      );
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "an English admin and a Russian manager each get the low-rating alert in their language",
  ...sanitize,
  fn: async () => {
    const w = await startSettingsWorld({ readyChats: true, settings: runningSettings });
    const { emu } = w;
    try {
      // the owner uses the settings bot in English; the team's language stays Russian
      const at = (await w.menu()).id;
      assert.equal((await getSettings(w.kv)).teamLang, "ru");
      const maria = emu.createUser({ firstName: "Maria", languageCode: "ru" });
      emu.setMember(w.groupId, maria.id, { status: "member" });
      emu.setMember(w.channelId, maria.id, { status: "member" });
      await putManager(w.kv, {
        id: maria.id,
        name: "Maria",
        lang: "ru",
        addedAt: 0,
        addedBy: w.owner.id,
        active: true,
        mute: [],
      });
      emu.userStartBot(maria.id, w.manager.id);
      await emu.waitForMessage(maria.id, w.manager.id, () => true);
      const alice = emu.createUser({ firstName: "Alice", languageCode: "en" });
      emu.userStartBot(alice.id, w.client.id);
      emu.userSend(alice.id, w.client.id, { text: "/new" });
      await emu.waitForMessage(alice.id, w.client.id, (m) => /topic/i.test(m.text ?? ""));
      emu.userSend(alice.id, w.client.id, { text: "Refund" });
      await emu.waitForMessage(alice.id, w.client.id, (m) => /describe/.test(m.text ?? ""));
      emu.userSend(alice.id, w.client.id, { text: "Money please" });
      await w.until(async () => !!(await ticketsByClient(w.kv, alice.id))[0]?.postId, "post");
      const tk = (await ticketsByClient(w.kv, alice.id))[0]!;
      emu.userPressButton(maria.id, w.channelId, tk.postId!, `p:take:${tk.number}`);
      await w.until(
        async () => (await getTicket(w.kv, tk.number))?.managerId === maria.id,
        "taken",
      );
      await w.until(
        () =>
          emu.view(w.owner.id, w.channelId).some((m) =>
            m.id === tk.postId && JSON.stringify(m.replyMarkup ?? "").includes("p:close")
          ),
        "the close button",
      );
      emu.userPressButton(maria.id, w.channelId, tk.postId!, `p:close:${tk.number}`);
      const prompt = await emu.waitForMessage(
        alice.id,
        w.client.id,
        (m) => JSON.stringify(m.replyMarkup ?? "").includes(`c:rate:${tk.number}:1`),
      );
      emu.userPressButton(
        alice.id,
        w.client.id,
        prompt.id,
        buttonData(prompt, `c:rate:${tk.number}:1`),
      );
      await w.waitFor(/Low rating ★ for ticket #\d+/, at);
      await emu.waitForMessage(maria.id, w.manager.id, (m) => /Низкая оценка ★/.test(m.text ?? ""));
    } finally {
      await w.stop();
    }
  },
});
