/**
 * Finding: `/search words` in the manager bot finds messages across tickets (the customer's and
 * the team's), with links to the message in its thread and buttons to the cards; a customer's
 * new ticket links their earlier ones in its thread.
 */
import assert from "node:assert/strict";
import { getTicket } from "../src/storage/tickets.ts";
import {
  buttonsOf,
  clientOpensTicket,
  managerSays,
  sanitize,
  startDesk,
} from "./manager_harness.ts";

Deno.test({
  name: "search: a hit links to its thread; refusals; earlier tickets linked from a new one",
  ...sanitize,
  fn: async () => {
    const w = await startDesk();
    try {
      const maria = w.managers[0]!;
      await w.ask(maria.id, "/start");
      const alice = await w.newClient("Alice");
      const bob = await w.newClient("Bob");
      const n1 = await clientOpensTicket(w, alice.id, "Оплата", "Платёж завис на карте");
      await managerSays(w, maria.id, n1, { text: "Проверим платёж по вашей карте" });
      const n2 = await clientOpensTicket(w, bob.id, "Доставка", "Посылка <b>потерялась</b> & всё");
      await w.until(async () => (await w.thread(n2)).length >= 1, "relayed");
      const t1 = (await getTicket(w.kv, n1))!;

      // two words (ё folded): the customer's message of #n1 is found, with its thread link
      const [hit] = await w.ask(maria.id, "/search платеж завис");
      assert.match(hit!.text!, /Найдено в 1 обращении/);
      assert.match(hit!.text!, new RegExp(`#${n1} · Оплата`));
      assert.doesNotMatch(hit!.text!, new RegExp(`#${n2}\\b`));
      const internal = String(w.groupId).replace(/^-100/, "");
      const copy = (await w.thread(n1)).find((m) => m.text === "Платёж завис на карте")!;
      assert.ok(copy, "the question's copy in the thread");
      const entities = (hit as { entities?: Array<{ type: string; url?: string }> }).entities ??
        [];
      const link = entities.find((e) => e.type === "text_link")?.url;
      assert.equal(link, `https://t.me/c/${internal}/${copy.id}?thread=${t1.threadId}`);
      assert.ok(buttonsOf(hit).some((b) => b.data === `m:t:${n1}`));
      // the team's answers are searched too; markup typed by a customer stays text
      const [answer] = await w.ask(maria.id, "/search вашей");
      assert.match(answer!.text!, new RegExp(`#${n1}\\b`));
      const [escaped] = await w.ask(maria.id, "/search потерялась");
      assert.match(escaped!.text!, /Посылка <b>потерялась<\/b> & всё/);
      // refusals
      const [none] = await w.ask(maria.id, "/search небывальщина");
      assert.equal(none!.text, "Ничего не найдено.");
      const [usage] = await w.ask(maria.id, "/search я");
      assert.match(usage!.text!, /Так: \/search слова/);
      const stranger = w.emu.createUser({ firstName: "Stan", languageCode: "en" });
      const [refused] = await w.ask(stranger.id, "/search платеж");
      assert.match(refused!.text!, /for the helpdesk's managers only/);

      // Alice comes back: the new ticket's thread lists #n1 with its link
      const n3 = await clientOpensTicket(w, alice.id, "Оплата", "Снова не проходит");
      await w.until(
        async () => (await w.thread(n3)).some((m) => /Прежние обращения/.test(m.text ?? "")),
        "earlier tickets in the thread",
      );
      const earlier = (await w.thread(n3)).find((m) => /Прежние обращения/.test(m.text ?? ""))!;
      assert.match(
        earlier.text!,
        new RegExp(
          `#${n1} · Оплата · в работе https://t\\.me/c/${internal}/${t1.threadId}\\?thread=${t1.threadId}`,
        ),
      );
      // Bob's first ticket had no such comment
      assert.ok(!(await w.thread(n2)).some((m) => /Прежние обращения/.test(m.text ?? "")));
    } finally {
      await w.stop();
    }
  },
});
