/**
 * Working hours make a manager away: a manager with hours of their own gets no new tickets
 * outside them (the round-robin skips them), a night's ticket goes to whoever starts first,
 * and the SLA warning of an off-shift manager's ticket goes to those at work. Set with /hours
 * in the manager bot, typed hours checked.
 */
import assert from "node:assert/strict";
import { getManager } from "../src/storage/people.ts";
import { updateSettings } from "../src/storage/settings.ts";
import { getTicket } from "../src/storage/tickets.ts";
import { clientOpensTicket, sanitize, startDesk } from "./manager_harness.ts";

const H = 3_600_000;
/** Monday 2027-01-04 at `hh:mm` UTC. */
const monday = (hm: string) => Date.parse(`2027-01-04T${hm}:00Z`);

Deno.test({
  name: "shifts: own hours skip a manager outside them; night tickets to the first to start; SLA",
  ...sanitize,
  fn: async () => {
    const w = await startDesk();
    try {
      const [maria, ivan] = [w.managers[0]!, w.managers[1]!];
      await w.ask(maria.id, "/start");
      await w.ask(ivan.id, "/start");
      w.clock.set(monday("10:00"));
      const weekdays = [[540, 1080]] as Array<[number, number]>;
      await updateSettings(w.kv, w.owner.id, w.clock.now(), () => ({
        timeZone: "UTC",
        always: false,
        week: { 1: weekdays, 2: weekdays, 3: weekdays, 4: weekdays, 5: weekdays, 6: [], 7: [] },
        holidays: [],
        assignMode: "round_robin",
        reactionTargetMs: 15 * 60_000,
      }));

      // Maria works afternoons; typed hours are checked
      const [bad] = await w.ask(maria.id, "/hours пн-пт 25:00-18:00");
      assert.match(bad!.text!, /Неверное время/);
      assert.equal((await getManager(w.kv, maria.id))?.hours, undefined);
      const [set] = await w.ask(maria.id, "/hours пн-пт 14:00-18:00");
      assert.match(set!.text!, /Ваши часы работы: /);
      assert.match(set!.text!, /вне своих часов/);
      const hours = (await getManager(w.kv, maria.id))?.hours;
      assert.ok(hours, "hours stored");
      assert.deepEqual(hours.week[1], [[840, 1080]]);
      assert.deepEqual(hours.week[6], []);
      const [ivanHours] = await w.ask(ivan.id, "/hours");
      assert.match(ivanHours!.text!, /часы команды/);
      assert.match(ivanHours!.text!, /Сейчас вы на работе/);

      // 10:00: only Ivan is at work; the round-robin skips Maria
      const alice = await w.newClient("Alice");
      const bob = await w.newClient("Bob");
      const n1 = await clientOpensTicket(w, alice.id, "Оплата", "Платёж завис");
      const n2 = await clientOpensTicket(w, bob.id, "Доставка", "Где посылка?");
      assert.equal((await getTicket(w.kv, n1))?.managerId, ivan.id);
      assert.equal((await getTicket(w.kv, n2))?.managerId, ivan.id);

      // 15:00: both at work, by turn
      w.clock.set(monday("15:00"));
      const carol = await w.newClient("Carol");
      const dave = await w.newClient("Dave");
      const n3 = await clientOpensTicket(w, carol.id, "Оплата", "Вопрос");
      const n4 = await clientOpensTicket(w, dave.id, "Оплата", "Ещё вопрос");
      const both = [(await getTicket(w.kv, n3))?.managerId, (await getTicket(w.kv, n4))?.managerId];
      assert.deepEqual(both.sort(), [maria.id, ivan.id].sort());
      const mariasTicket = both[0] === maria.id ? n3 : n4;

      // 20:00: nobody at work; Ivan starts at 09:00, Maria at 14:00 → Ivan
      w.clock.set(monday("20:00"));
      const erin = await w.newClient("Erin");
      const n5 = await clientOpensTicket(w, erin.id, "Доставка", "Ночной вопрос");
      assert.equal((await getTicket(w.kv, n5))?.managerId, ivan.id);

      // Tuesday 10:00: the SLA warning of Maria's ticket goes to Ivan, who is at work
      w.clock.set(monday("10:00") + 24 * H);
      w.deps.notifier!.notify({ type: "sla", ticket: mariasTicket, threshold: "reaction_warn" });
      await w.notifier.idle();
      const warned = (id: number) =>
        w.mgrView(id).some((m) =>
          (m.text ?? "").includes(`#${mariasTicket}`) && /скоро истечёт/.test(m.text ?? "")
        );
      assert.equal(warned(ivan.id), true);
      assert.equal(warned(maria.id), false);

      // back to the team's hours: Maria is at work at 10:00 again and gets tickets by turn
      const [cleared] = await w.ask(maria.id, "/hours -");
      assert.match(cleared!.text!, /часы команды/);
      assert.equal((await getManager(w.kv, maria.id))?.hours, undefined);
      const fred = await w.newClient("Fred");
      const gina = await w.newClient("Gina");
      const n6 = await clientOpensTicket(w, fred.id, "Оплата", "Утро");
      const n7 = await clientOpensTicket(w, gina.id, "Оплата", "Утро 2");
      const morning = [
        (await getTicket(w.kv, n6))?.managerId,
        (await getTicket(w.kv, n7))?.managerId,
      ];
      assert.ok(morning.includes(maria.id), "Maria gets one again");
      // an admin who is no manager has no hours of their own
      const [notMgr] = await w.ask(w.owner.id, "/hours пн-пт 09:00-18:00");
      assert.match(notMgr!.text!, /только менеджеры/);
    } finally {
      await w.stop();
    }
  },
});
