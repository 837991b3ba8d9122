/**
 * A topic may have a name per language: a client whose Telegram is in English picks
 * "Payment", one in Russian picks "Оплата", and both tickets carry the topic's own name for
 * the team and the report. Renaming keeps the names; removing drops them.
 */
import assert from "node:assert/strict";
import { buttonData } from "./harness.ts";
import { getSettings } from "../src/storage/settings.ts";
import { ticketsByClient } from "../src/storage/tickets.ts";
import { customerAsksTopics, runningSettings, startSettingsWorld } from "./settings_harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name: "settings: a topic named per language; each client picks it in their own language",
  ...sanitize,
  fn: async () => {
    const w = await startSettingsWorld({ readyChats: true, settings: runningSettings });
    const { emu } = w;
    const step = async (press: string | null, text: string | null, expect: RegExp) => {
      const at = w.mark();
      if (press) w.press(press);
      if (text !== null) w.send(text);
      return await w.waitFor(expect, at);
    };
    try {
      await step(null, "/menu", /open/);
      await step("s:topics", null, /No topics/);
      await step("s:top_add", "Оплата", /1\. Оплата/);
      await step("s:top_lang:0", "Payment", /One line per language/);
      await step(
        null,
        "en: Payment\nru: Оплата заказа",
        /1\. Оплата \(en: Payment, ru: Оплата заказа\)/,
      );
      // a rename keeps the names in other languages
      await step("s:top_ren:0", "Оплата и счета", /1\. Оплата и счета \(en: Payment/);
      await step("s:top_lang:0", "ru: -", /1\. Оплата и счета \(en: Payment\)$/m);
      const s = await getSettings(w.kv);
      assert.deepEqual(s.topics, ["Оплата и счета"]);
      assert.deepEqual(s.topicNames, { "Оплата и счета": { en: "Payment" } });

      // an English client sees "Payment" everywhere; the ticket keeps the topic's own name
      const { user: alice, choose } = await customerAsksTopics(w, "Alice");
      const buttons = JSON.stringify(choose.replyMarkup);
      assert.match(buttons, /"text":"Payment"/);
      assert.doesNotMatch(buttons, /Оплата/);
      emu.userPressButton(alice.id, w.client.id, choose.id, buttonData(choose, "c:topic:0"));
      await emu.waitForMessage(
        alice.id,
        w.client.id,
        (m) => /^Topic: Payment\./.test(m.text ?? ""),
      );
      emu.userSend(alice.id, w.client.id, { text: "Card declined" });
      await emu.waitForMessage(
        alice.id,
        w.client.id,
        (m) => /^Request #1 · Payment/.test(m.text ?? ""),
      );
      const [ticket] = await ticketsByClient(w.kv, alice.id);
      assert.ok(ticket);
      assert.equal(ticket.topic, "Оплата и счета");

      // a Russian client sees the topic's own name (its ru name was removed)
      const boris = emu.createUser({ firstName: "Борис", languageCode: "ru" });
      emu.userStartBot(boris.id, w.client.id);
      emu.userSend(boris.id, w.client.id, { text: "/new" });
      const chooseRu = await emu.waitForMessage(
        boris.id,
        w.client.id,
        (m) =>
          (m.replyMarkup as object | undefined) !== undefined &&
          /c:topic:0/.test(JSON.stringify(m.replyMarkup)),
      );
      assert.match(JSON.stringify(chooseRu.replyMarkup), /"text":"Оплата и счета"/);

      // removing the topic drops its names
      await step("s:top_rm:0", null, /No topics/);
      assert.deepEqual((await getSettings(w.kv)).topicNames, {});
    } finally {
      await w.stop();
    }
  },
});
