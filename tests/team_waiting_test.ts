/**
 * Waiting states: who a ticket waits for follows who wrote last; "on hold" with a reason is
 * set by hand; the reaction clock pauses while the ticket waits for the customer; quiet
 * tickets close only when they wait for the customer, never on hold; lists filter by it.
 */
import assert from "node:assert/strict";
import { closeQuietTickets } from "../src/services/desk/quiet.ts";
import { runSlaChecks } from "../src/services/sla.ts";
import { updateSettings } from "../src/storage/settings.ts";
import { getTicket, listEvents } from "../src/storage/tickets.ts";
import {
  buttonsOf,
  clientOpensTicket,
  managerSays,
  sanitize,
  startDesk,
} from "./manager_harness.ts";

const MIN = 60_000;

Deno.test({
  name: "waiting: for the team / the customer / on hold; the reaction clock pauses; auto-close",
  ...sanitize,
  fn: async () => {
    const w = await startDesk();
    try {
      const [maria, ivan] = [w.managers[0]!, w.managers[1]!];
      await w.ask(maria.id, "/start");
      await w.ask(ivan.id, "/start");
      await updateSettings(w.kv, w.owner.id, w.clock.now(), () => ({
        always: true,
        reactionTargetMs: 15 * MIN,
        quietDays: 1,
      }));
      const claimed = async (n: number, th: string) =>
        (await w.kv.get(["sla", n, 0, th])).versionstamp !== null;
      const alice = await w.newClient("Alice");
      const bob = await w.newClient("Bob");
      const n1 = await clientOpensTicket(w, alice.id, "Оплата", "Платёж завис");
      const post1 = (await getTicket(w.kv, n1))!.postId!;
      await w.until(() => /Ждёт: ответа команды/.test(w.postText(post1)), "waits for us");

      // Maria answers: now it waits for the customer (post, card, lists)
      await managerSays(w, maria.id, n1, { text: "Проверяем, пришлите номер заказа" });
      await w.until(() => /Ждёт: ответа клиента/.test(w.postText(post1)), "waits for customer");
      const [answered] = await w.ask(maria.id, "/answered");
      assert.match(answered!.text!, new RegExp(`#${n1}\\b`));
      assert.match(answered!.text!, /ждёт клиента/);
      const [waiting] = await w.ask(maria.id, "/waiting");
      assert.doesNotMatch(waiting!.text!, new RegExp(`#${n1}\\b`));

      // #n2: before answering, Maria puts it on hold — waiting for the customer by hand
      const n2 = await clientOpensTicket(w, bob.id, "Доставка", "Где посылка?");
      w.clock.advance(5 * MIN);
      await managerSays(w, maria.id, n2, { text: "/hold ждём трек-номер от клиента" });
      await w.until(async () => (await getTicket(w.kv, n2))?.hold != null, "on hold");
      const held = (await getTicket(w.kv, n2))!;
      assert.equal(held.hold?.reason, "ждём трек-номер от клиента");
      assert.equal(held.managerId, null);
      assert.ok((await listEvents(w.kv, n2)).some((e) => e.type === "held"));
      await w.until(
        () => /Отложено: \u2068?ждём трек-номер/.test(w.postText(held.postId!)),
        "post shows the hold",
      );
      await w.until(
        async () => (await w.thread(n2)).some((m) => /Сроки SLA на паузе/.test(m.text ?? "")),
        "thread told",
      );
      const [onhold] = await w.ask(ivan.id, "/onhold");
      assert.match(onhold!.text!, new RegExp(`#${n2}\\b`));
      // half an hour on hold: twice the reaction target, yet no warning
      w.clock.advance(30 * MIN);
      await runSlaChecks(w.deps);
      assert.equal(await claimed(n2, "reaction_warn"), false);
      // the customer writes: the hold is over, the clock runs on from 5 minutes
      w.emu.userSend(bob.id, w.clientBot.id, { text: "Трек RA123" });
      await w.until(async () => (await getTicket(w.kv, n2))?.hold === null, "hold ended");
      await w.until(() => /Ждёт: ответа команды/.test(w.postText(held.postId!)), "post");
      w.clock.advance(6 * MIN); // 11 min of the 15
      await runSlaChecks(w.deps);
      assert.equal(await claimed(n2, "reaction_warn"), false);
      w.clock.advance(2 * MIN); // 13 min ≥ 80%
      await runSlaChecks(w.deps);
      assert.equal(await claimed(n2, "reaction_warn"), true);
      assert.equal(await claimed(n2, "reaction_breach"), false);

      // the wrong person and the wrong moment
      await managerSays(w, maria.id, n2, { text: "Нашли посылку" }); // Maria's now
      await w.until(async () => (await getTicket(w.kv, n2))?.managerId === maria.id, "Maria's");
      await w.notifier.idle();
      const [notYours] = await w.ask(ivan.id, `/hold ${n2} моя пауза`);
      assert.match(notYours!.text!, /ведёт другой менеджер/);
      const [noReason] = await w.ask(maria.id, `/hold ${n2}`);
      assert.match(noReason!.text!, /причина обязательна/);
      const [card] = await w.ask(maria.id, `/ticket ${n2}`);
      assert.ok(!buttonsOf(card).some((b) => b.data === `m:a:unhold:${n2}`));
      const stale = await w.press(maria.id, card!.id, `m:a:unhold:${n2}`, true);
      assert.match(stale.text!, /не отложено/);
      const forged = await w.press(maria.id, card!.id, "m:a:unhold:x1", true);
      assert.match(forged.text!, /устарела или повреждена/);
      // on hold from the manager bot, off hold with the card's button
      const [ok] = await w.ask(maria.id, `/hold ${n2} ждём склад`);
      assert.match(ok!.text!, /отложено/);
      const [card2] = await w.ask(maria.id, `/ticket ${n2}`);
      assert.match(card2!.text!, /Отложено: ждём склад/);
      const off = await w.press(maria.id, card2!.id, `m:a:unhold:${n2}`);
      assert.match(off.text!, /снята пауза/);
      assert.equal((await getTicket(w.kv, n2))?.hold, null);
      // answered last: it waits for the customer again
      const [cust] = await w.ask(maria.id, "/answered");
      assert.match(cust!.text!, new RegExp(`#${n2}\\b`));

      // quiet tickets: only those waiting for the customer close; one on hold stays open
      await w.ask(maria.id, `/hold ${n2} ждём склад`);
      w.clock.advance(25 * 3_600_000);
      const closed = await closeQuietTickets(w.deps, w.clock.now());
      assert.deepEqual(closed, [n1]);
      assert.equal((await getTicket(w.kv, n2))?.status, "in_progress");
    } finally {
      await w.stop();
    }
  },
});
