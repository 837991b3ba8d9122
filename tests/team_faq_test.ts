/**
 * Ready answers per topic: set in the settings bot (typed text checked), shown to a customer
 * after they pick the topic with "this solved it" / "I still need help"; a solved request opens
 * no ticket and is counted in the report; the other answer (or writing) opens the ticket.
 */
import assert from "node:assert/strict";
import { buttonData } from "./harness.ts";
import ExcelJS from "../src/services/report/excel.ts";
import { getClient } from "../src/storage/people.ts";
import { getSettings } from "../src/storage/settings.ts";
import { getTicket } from "../src/storage/tickets.ts";
import { runningSettings, startSettingsWorld } from "./settings_harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name: "faq: a ready answer solves a request without a ticket; counted in the report",
  ...sanitize,
  fn: async () => {
    const w = await startSettingsWorld({
      readyChats: true,
      settings: (x) => ({ ...runningSettings(x), always: true, topics: ["Billing", "Delivery"] }),
    });
    try {
      // the admin writes the ready answers of «Billing»; too long a text is refused
      let at = (await w.menu()).id;
      at = w.mark();
      w.press("s:topics");
      await w.waitFor(/1\. Billing/, at);
      at = w.mark();
      w.press("s:top_faq:0");
      await w.waitFor(/Ready answers of the topic «Billing»/, at);
      at = w.mark();
      w.send("x".repeat(1501));
      await w.waitFor(/at most 1500 characters/, at);
      at = w.mark();
      w.send("A stuck payment clears within 15 minutes. Refunds take 3–5 days.");
      await w.waitFor(/1\. Billing · ❓ ready answers/, at);
      assert.match((await getSettings(w.kv)).faq.Billing ?? "", /clears within 15 minutes/);
      // a forged button for a topic that does not exist
      const q = w.emu.userPressButton(w.owner.id, w.settingsBot.id, w.mark(), "s:top_faq:7", {
        forged: true,
      });
      await w.until(() => w.emu.callbackAnswer(q) !== undefined, "answer");
      assert.match((w.emu.callbackAnswer(q) as { text: string }).text, /out of date/);

      // a customer picks «Billing», reads the answer, presses "This solved it"
      const customer = async (name: string, languageCode = "en") => {
        const u = w.emu.createUser({ firstName: name, languageCode });
        w.emu.userStartBot(u.id, w.client.id);
        await w.until(() => w.emu.view(u.id, w.client.id).length >= 2, "greeting");
        w.emu.userSend(u.id, w.client.id, { text: "/new" });
        await w.until(
          () => w.emu.view(u.id, w.client.id).some((m) => /Choose|topic|тему/i.test(m.text ?? "")),
          "topics",
        );
        const topics = w.emu.view(u.id, w.client.id).findLast((m) => !m.outgoing)!;
        return { id: u.id, topics };
      };
      const view = (id: number) => w.emu.view(id, w.client.id).filter((m) => !m.outgoing);
      const pick = async (
        c: { id: number; topics: { id: number; replyMarkup?: unknown } },
        index: number,
      ) => {
        w.emu.userPressButton(
          c.id,
          w.client.id,
          c.topics.id,
          buttonData(c.topics, `c:topic:${index}`),
        );
        await w.until(() => view(c.id).length > 2, "after the topic");
      };
      const alice = await customer("Alice");
      await pick(alice, 0);
      await w.until(
        () => view(alice.id).some((m) => /clears within 15 minutes/.test(m.text ?? "")),
        "faq",
      );
      const faq = view(alice.id).find((m) => /clears within 15 minutes/.test(m.text ?? ""))!;
      assert.match(faq.text!, /^Billing: perhaps this answers it already/);
      const q1 = w.emu.userPressButton(alice.id, w.client.id, faq.id, "c:faq_ok");
      await w.until(() => w.emu.callbackAnswer(q1) !== undefined, "pressed");
      await w.until(
        () => view(alice.id).some((m) => /Glad it helped/.test(m.text ?? "")),
        "thanks",
      );
      assert.equal((await getClient(w.kv, alice.id))?.currentTicket, null);
      assert.equal(await getTicket(w.kv, 1), null);
      // pressed again (a stale button): nothing more is counted
      const q2 = w.emu.userPressButton(alice.id, w.client.id, faq.id, "c:faq_ok");
      await w.until(() => w.emu.callbackAnswer(q2) !== undefined, "stale");
      assert.match(
        (w.emu.callbackAnswer(q2) as { text: string }).text,
        /no longer available/,
      );
      const solved = [];
      for await (const e of w.kv.list({ prefix: ["faq_solved"] })) solved.push(e.value);
      assert.deepEqual(solved, ["Billing"]);

      // Bob still needs help: asked for the question, his message opens a Billing ticket
      const bob = await customer("Bob");
      await pick(bob, 0);
      await w.until(() => view(bob.id).some((m) => /clears within/.test(m.text ?? "")), "faq");
      const faqB = view(bob.id).find((m) => /clears within/.test(m.text ?? ""))!;
      w.emu.userPressButton(bob.id, w.client.id, faqB.id, "c:faq_more");
      await w.until(() =>
        view(bob.id).some((m) =>
          /describe|question/i.test(m.text ?? "") &&
          !/clears within/.test(m.text ?? "")
        ), "question prompt");
      w.emu.userSend(bob.id, w.client.id, { text: "My refund is 2 weeks late" });
      await w.until(async () => (await getClient(w.kv, bob.id))?.currentTicket != null, "ticket");
      const tb = (await getTicket(w.kv, (await getClient(w.kv, bob.id))!.currentTicket!))!;
      assert.equal(tb.topic, "Billing");
      // Carol writes instead of pressing: the message opens the ticket just the same
      const carol = await customer("Carol");
      await pick(carol, 0);
      await w.until(() => view(carol.id).some((m) => /clears within/.test(m.text ?? "")), "faq");
      w.emu.userSend(carol.id, w.client.id, { text: "Charged twice" });
      await w.until(async () => (await getClient(w.kv, carol.id))?.currentTicket != null, "ticket");
      // a topic without ready answers asks for the question at once
      const dan = await customer("Dan");
      await pick(dan, 1);
      assert.ok(!view(dan.id).some((m) => /clears within/.test(m.text ?? "")));

      // a version in Russian: Russian customers get it, the others the text without a language
      at = (await w.menu()).id;
      at = w.mark();
      w.press("s:topics");
      await w.waitFor(/1\. Billing/, at);
      at = w.mark();
      w.press("s:top_faq:0");
      await w.waitFor(/start with en: or ru:/, at);
      at = w.mark();
      w.send("ru: Зависший платёж проходит за 15 минут.");
      await w.waitFor(/1\. Billing · ❓ ready answers \(ru\)/, at);
      assert.deepEqual((await getSettings(w.kv)).faqLocal, {
        Billing: { ru: "Зависший платёж проходит за 15 минут." },
      });
      assert.match((await getSettings(w.kv)).faq.Billing ?? "", /clears within 15 minutes/);
      const olga = await customer("Olga", "ru");
      await pick(olga, 0);
      await w.until(
        () => view(olga.id).some((m) => /проходит за 15 минут/.test(m.text ?? "")),
        "ru",
      );
      assert.ok(!view(olga.id).some((m) => /clears within/.test(m.text ?? "")));
      const erin = await customer("Erin");
      await pick(erin, 0);
      await w.until(() => view(erin.id).some((m) => /clears within/.test(m.text ?? "")), "en");

      // the report counts the solved request
      at = (await w.menu()).id;
      w.press("s:reports");
      await w.waitFor(/Excel/);
      const before = w.mark();
      w.press("s:rep:this_month");
      await w.until(
        () => w.view().some((m) => m.id > before && m.kind === "document"),
        "the report",
      );
      const doc = w.view().findLast((m) => m.kind === "document")!;
      assert.match(doc.caption ?? "", /Solved by ready answers, no ticket: 1 \(Billing: 1\)/);
      assert.match(doc.caption ?? "", /Tickets: 2 \(previous period: 0\)\n/);
      // the workbook too: a figure of the Overview and a column of the Topics sheet
      const xlsx = w.emu.world.files.get(doc.fileUniqueId!);
      assert.ok(xlsx?.blob, "the workbook's bytes");
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(await xlsx.blob.arrayBuffer());
      const overview = wb.getWorksheet("Overview");
      assert.ok(overview, "the Overview sheet");
      const rows: unknown[][] = [];
      overview.eachRow((r) => void rows.push((r.values as unknown[]).slice(1)));
      assert.deepEqual(
        rows.find((r) => r[0] === "Solved by ready answers (no ticket)"),
        ["Solved by ready answers (no ticket)", "1", "0", "+1"],
      );
      const topics = wb.getWorksheet("Summary by topic");
      assert.ok(topics, "the Topics sheet");
      const header = (topics.getRow(1).values as unknown[]).map(String);
      const col = header.indexOf("Solved by ready answers (no ticket)");
      assert.ok(col > 0, "a column of solved requests");
      const solvedOf = new Map<string, unknown>();
      topics.eachRow((r, i) => {
        if (i > 1) solvedOf.set(String(r.getCell(1).value), r.getCell(col).value);
      });
      assert.equal(solvedOf.get("Billing"), 1);
      assert.equal(solvedOf.get("Total"), 1);
    } finally {
      await w.stop();
    }
  },
});
