/**
 * Merge: a manager merges a duplicate ticket of one customer into another; the customer is
 * told and their messages go on in the other; both threads and both records keep the merge;
 * the report counts the pair once. Wrong person, wrong pair and a stale button are refused.
 */
import assert from "node:assert/strict";
import { buildReport } from "../src/services/report/report.ts";
import { getClient } from "../src/storage/people.ts";
import { getSettings } from "../src/storage/settings.ts";
import { getTicket, listEvents } from "../src/storage/tickets.ts";
import {
  buttonsOf,
  clientOpensTicket,
  managerSays,
  sanitize,
  startDesk,
} from "./manager_harness.ts";

Deno.test({
  name: "merge: a duplicate goes into the other ticket; the client is told; the report counts once",
  ...sanitize,
  fn: async () => {
    const w = await startDesk();
    const dir = await Deno.makeTempDir();
    try {
      const [maria, ivan] = [w.managers[0]!, w.managers[1]!];
      await w.ask(maria.id, "/start");
      await w.ask(ivan.id, "/start");
      const start = w.clock.now();
      const alice = await w.newClient("Alice");
      const bob = await w.newClient("Bob");
      const n1 = await clientOpensTicket(w, alice.id, "Оплата", "Платёж завис");
      await managerSays(w, maria.id, n1, { text: "Смотрим" });
      await w.until(async () => (await getTicket(w.kv, n1))?.managerId === maria.id, "Maria's");
      const n2 = await clientOpensTicket(w, alice.id, "Оплата", "Так что с платежом?");
      const n3 = await clientOpensTicket(w, bob.id, "Доставка", "Где посылка?");
      await w.notifier.idle();

      // refusals: Ivan may not touch Maria's target; another customer's ticket; itself
      const [notYours] = await w.ask(ivan.id, `/merge ${n2} ${n1}`);
      assert.match(notYours!.text!, /ведёт другой менеджер/);
      const [other] = await w.ask(ivan.id, `/merge ${n2} ${n3}`);
      assert.match(other!.text!, /от разных клиентов/);
      const [self] = await w.ask(ivan.id, `/merge ${n2} ${n2}`);
      assert.match(self!.text!, /с самим собой/);
      const [usage] = await w.ask(ivan.id, `/merge ${n2} куда-то`);
      assert.match(usage!.text!, /Так: \/merge 5 12/);
      assert.equal((await getTicket(w.kv, n2))?.status, "open");

      // Maria merges from the card: the menu offers Alice's other open ticket only
      const [card] = await w.ask(maria.id, `/ticket ${n2}`);
      assert.ok(buttonsOf(card).some((b) => b.data === `m:a:merge:${n2}`));
      await w.press(maria.id, card!.id, `m:a:merge:${n2}`);
      const menu = w.mgrView(maria.id).find((m) => m.id === card!.id)!;
      assert.match(menu.text!, new RegExp(`объединить #${n2}`));
      assert.ok(buttonsOf(menu).some((b) => b.data === `m:g:${n2}:${n1}`));
      assert.ok(!buttonsOf(menu).some((b) => b.data === `m:g:${n2}:${n3}`));
      const merged = await w.press(maria.id, card!.id, `m:g:${n2}:${n1}`);
      assert.match(merged.text!, new RegExp(`#${n2} объединено с #${n1}`));

      const dup = (await getTicket(w.kv, n2))!;
      const target = (await getTicket(w.kv, n1))!;
      assert.equal(dup.status, "closed");
      assert.equal(dup.mergedInto, n1);
      assert.equal(dup.cycles[0]?.closedHow, "merge");
      assert.deepEqual(target.mergedFrom, [n2]);
      assert.equal(target.status, "in_progress");
      assert.ok((await listEvents(w.kv, n2)).some((e) => e.type === "merged" && e.other === n1));
      assert.ok((await listEvents(w.kv, n1)).some((e) => e.type === "merged" && e.other === n2));
      // both threads say so, with a link to the other
      await w.until(
        async () =>
          (await w.thread(n2)).some((m) =>
            (m.text ?? "").includes(`Объединено с обращением #${n1}`) &&
            (m.text ?? "").includes(`?thread=${target.threadId}`)
          ),
        "duplicate's thread",
      );
      await w.until(
        async () =>
          (await w.thread(n1)).some((m) =>
            (m.text ?? "").includes(`Сюда объединено обращение #${n2}`)
          ),
        "target's thread",
      );
      // the client is told, not asked to rate, and goes on in #n1
      await w.until(
        () =>
          w.clientView(alice.id).some((m) =>
            (m.text ?? "").includes(`продолжим в #${n1}`) && !m.outgoing
          ),
        "client told",
      );
      assert.ok(!w.clientView(alice.id).some((m) => /Оцените/.test(m.text ?? "")));
      assert.equal((await getClient(w.kv, alice.id))?.currentTicket, n1);
      w.emu.userSend(alice.id, w.clientBot.id, { text: "Жду ответа" });
      await w.until(
        async () => (await w.thread(n1)).some((m) => m.text === "Жду ответа"),
        "goes to the target",
      );
      // a stale copy of the button: the duplicate is closed now
      const stale = await w.press(maria.id, card!.id, `m:g:${n2}:${n1}`, true);
      assert.equal(stale.show_alert, true);
      assert.match(stale.text!, new RegExp(`#${n2} закрыто`));

      // the report counts Alice's question once
      const summary = await buildReport(w.kv, {
        from: start - 3_600_000,
        to: w.clock.now() + 3_600_000,
        settings: await getSettings(w.kv),
        out: `${dir}/r.xlsx`,
        now: w.clock.now(),
      });
      assert.equal(summary.tickets, 2);
    } finally {
      await w.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
