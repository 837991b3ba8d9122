/**
 * Ready answers for every topic in two languages outgrow what Deno KV keeps in one value
 * (64 KiB): they are stored apart from the settings record, so an admin filling them in is
 * answered as usual and customers get them. Twenty topics' buttons do not fit one keyboard
 * (Telegram takes 100): the list has a button per topic, which opens the topic's own.
 */
import assert from "node:assert/strict";
import { serialize } from "node:v8";
import { buttonData } from "./harness.ts";
import { getSettings, listSettingsChanges } from "../src/storage/settings.ts";
import { customerAsksTopics, runningSettings, startSettingsWorld } from "./settings_harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

const TOPICS = Array.from({ length: 20 }, (_, i) => `Тема ${i + 1}`);
const ru = (i: number) => `Ответ ${i + 1}: ` + "ж".repeat(1480);
const en = (i: number) => `Answer ${i + 1}: ` + "y".repeat(1480);

Deno.test({
  name:
    "settings: ready answers of twenty topics in Russian and English are saved and shown, though together past 64 KiB",
  ...sanitize,
  fn: async () => {
    const w = await startSettingsWorld({
      readyChats: true,
      settings: (x) => ({
        ...runningSettings(x),
        always: true,
        topics: TOPICS,
        // about 60 KB of Russian text (two bytes a character): the record alone had room left
        faq: Object.fromEntries(TOPICS.map((t, i) => [t, ru(i)])),
      }),
    });
    try {
      // the admin types the English version of the last three topics' answers
      for (const i of [17, 18, 19]) {
        let at = (await w.menu()).id;
        at = w.mark();
        w.press("s:topics");
        await w.waitFor(/1\. Тема 1/, at);
        // twenty topics' buttons would not fit one keyboard: each topic opens its own
        at = w.mark();
        w.press(`s:top_open:${i}`);
        await w.waitFor(new RegExp(`^Topic ${i + 1}\\. Тема ${i + 1}`), at);
        at = w.mark();
        w.press(`s:top_faq:${i}`);
        await w.waitFor(new RegExp(`Ready answers of the topic «Тема ${i + 1}»`), at);
        at = w.mark();
        w.send(`en: ${en(i)}`);
        await w.waitFor(new RegExp(`${i + 1}\\. Тема ${i + 1} · ❓ ready answers \\(en\\)`), at);
      }
      const s = await getSettings(w.kv);
      assert.equal(s.faqLocal["Тема 20"]?.en, en(19));
      assert.equal(s.faq["Тема 1"], ru(0));
      assert.equal(Object.keys(s.faq).length, 20);
      // what KV holds: the record and each topic's answers apart, each well under 64 KiB
      const record = (await w.kv.get(["settings"])).value;
      assert.ok(record);
      assert.ok(serialize(record).length < 65_536);
      assert.ok(serialize(s).length > 65_536, "together they would not fit one value");
      const apart: unknown[] = [];
      for await (const e of w.kv.list({ prefix: ["settings_faq"] })) apart.push(e.value);
      assert.equal(apart.length, 20);
      // the change log records the topic that changed, not every topic's answers
      const last = (await listSettingsChanges(w.kv)).at(-1)!;
      assert.deepEqual(last.fields, ["faqLocal"]);
      assert.deepEqual(Object.keys(last.values.faqLocal as object), ["Тема 20"]);

      // customers get the answers in their language
      const customer = async (name: string, lang: string) => {
        const { user, choose } = await customerAsksTopics(w, name, { lang });
        w.emu.userPressButton(user.id, w.client.id, choose.id, buttonData(choose, "c:topic:19"));
        return user.id;
      };
      const view = (id: number) => w.emu.view(id, w.client.id).filter((m) => !m.outgoing);
      const erin = await customer("Erin", "en");
      await w.until(() => view(erin).some((m) => m.text?.includes(en(19))), "English answer");
      const olga = await customer("Olga", "ru");
      await w.until(() => view(olga).some((m) => m.text?.includes(ru(19))), "Russian answer");
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name:
    "settings: thirty topics with long names are listed (a button each, under Telegram's 100), each opens with its own buttons",
  ...sanitize,
  fn: async () => {
    const names = Array.from({ length: 30 }, (_, i) => `${i + 1} `.padEnd(60, "ы"));
    const w = await startSettingsWorld({
      readyChats: true,
      settings: (x) => ({ ...runningSettings(x), topics: names }),
    });
    try {
      let at = (await w.menu()).id;
      at = w.mark();
      w.press("s:topics");
      const list = await w.waitFor(/Topics clients choose from/, at);
      const buttons = (list.replyMarkup as { inline_keyboard: unknown[][] }).inline_keyboard.flat();
      assert.ok(buttons.length <= 100, `${buttons.length} buttons`);
      assert.match(list.text ?? "", /30\. 30 ы+/);
      // the last topic, moved up from its own screen
      at = w.mark();
      w.press("s:top_open:29");
      await w.waitFor(/^Topic 30\. 30 ы+/, at);
      at = w.mark();
      w.press("s:top_up:29");
      await w.until(async () => (await getSettings(w.kv)).topics[28] === names[29], "moved up");
    } finally {
      await w.stop();
    }
  },
});
