/**
 * Assignment rules without a dispatcher: round-robin skipping a manager who marked themselves
 * away, least open tickets, a topic routed to its group; away managers' SLA warnings go to the
 * others; the rule and the groups are set in the settings bot, typed groups checked.
 */
import assert from "node:assert/strict";
import { getManager, putManager } from "../src/storage/people.ts";
import { getSettings, updateSettings } from "../src/storage/settings.ts";
import { getTicket, listEvents } from "../src/storage/tickets.ts";
import { buttonsOf, clientOpensTicket, sanitize, startDesk } from "./manager_harness.ts";
import { runningSettings, startSettingsWorld } from "./settings_harness.ts";

Deno.test({
  name: "assignment: round-robin skips an away manager, least open, topic → its group; SLA of away",
  ...sanitize,
  fn: async () => {
    const w = await startDesk();
    try {
      const [maria, ivan] = [w.managers[0]!, w.managers[1]!];
      const petrUser = w.emu.createUser({
        firstName: "Petr",
        username: "petr",
        languageCode: "ru",
      });
      w.emu.setMember(w.groupId, petrUser.id, { status: "member" });
      await putManager(w.kv, {
        id: petrUser.id,
        name: "Petr",
        username: "petr",
        lang: "ru",
        addedAt: w.clock.now(),
        addedBy: w.owner.id,
        active: true,
        mute: [],
      });
      const petr = { id: petrUser.id };
      for (const m of [maria, ivan, petr]) await w.ask(m.id, "/start");
      await updateSettings(w.kv, w.owner.id, w.clock.now(), () => ({ assignMode: "round_robin" }));

      // Ivan marks himself away in the manager bot
      const [away] = await w.ask(ivan.id, "/away");
      assert.match(away!.text!, /отмечены как отсутствующий/);
      assert.equal((await getManager(w.kv, ivan.id))?.away, true);

      const alice = await w.newClient("Alice");
      const bob = await w.newClient("Bob");
      const carol = await w.newClient("Carol");
      const n1 = await clientOpensTicket(w, alice.id, "Оплата", "Платёж завис");
      const n2 = await clientOpensTicket(w, bob.id, "Доставка", "Где посылка?");
      const n3 = await clientOpensTicket(w, carol.id, "Доставка", "И моя?");
      const owners = await Promise.all([n1, n2, n3].map(async (n) => (await getTicket(w.kv, n))!));
      // ids in order: Maria, Ivan, Petr; Ivan is skipped
      assert.deepEqual(owners.map((t) => t.managerId), [maria.id, petr.id, maria.id]);
      // nobody answered yet: still waiting for a reply, the reaction clock runs
      assert.equal(owners[0]!.status, "open");
      const ev = (await listEvents(w.kv, n1)).find((e) => e.type === "assigned");
      assert.equal(ev?.managerId, maria.id);
      assert.equal(ev?.actor.role, "system");
      await w.until(() => /Ответственный: Maria/.test(w.postText(owners[0]!.postId!)), "post");
      await w.until(
        async () =>
          (await w.thread(n1)).some((m) => /назначено по правилу: Maria/.test(m.text ?? "")),
        "thread notice",
      );
      await w.until(
        () =>
          w.mgrView(petr.id).some((m) => (m.text ?? "").includes(`Вам назначено обращение #${n2}`)),
        "Petr told",
      );
      await w.notifier.idle();
      // an assigned ticket is announced to its manager only; the away manager hears nothing
      assert.ok(
        !w.mgrView(ivan.id).some((m) =>
          /#(\d+)/.test(m.text ?? "") && !m.outgoing &&
          /Новое|назначено/.test(m.text ?? "")
        ),
      );
      assert.ok(!w.mgrView(maria.id).some((m) => (m.text ?? "").includes(`#${n2}`)));

      // Ivan is back (from the /settings button), gets the next ticket; then away again:
      // the SLA warning of his ticket goes to Maria and Petr, not to him
      const [menu] = await w.ask(ivan.id, "/settings");
      assert.match(menu!.text!, /Вы отсутствуете/);
      assert.ok(buttonsOf(menu).some((b) => b.data === "m:w:0"));
      const back = await w.press(ivan.id, menu!.id, "m:w:0");
      assert.match(back.text!, /С возвращением/);
      assert.equal((await getManager(w.kv, ivan.id))?.away, false);
      // a stale copy of the same button keeps the state asked for
      await w.press(ivan.id, menu!.id, "m:w:0", true);
      assert.equal((await getManager(w.kv, ivan.id))?.away, false);
      const dave = await w.newClient("Dave");
      const n4 = await clientOpensTicket(w, dave.id, "Доставка", "А моя?");
      assert.equal((await getTicket(w.kv, n4))?.managerId, ivan.id);
      await w.ask(ivan.id, "/away");
      w.deps.notifier!.notify({ type: "sla", ticket: n4, threshold: "reaction_warn" });
      await w.notifier.idle();
      const warned = (id: number) =>
        w.mgrView(id).some((m) =>
          (m.text ?? "").includes(`#${n4}`) && /скоро истечёт/.test(m.text ?? "")
        );
      assert.equal(warned(maria.id), true);
      assert.equal(warned(petr.id), true);
      assert.equal(warned(ivan.id), false);

      // least open: Maria has 2 open, Petr 1, Ivan is away → Petr
      await updateSettings(w.kv, w.owner.id, w.clock.now(), () => ({ assignMode: "least_open" }));
      const erin = await w.newClient("Erin");
      const n5 = await clientOpensTicket(w, erin.id, "Доставка", "Ещё вопрос");
      assert.equal((await getTicket(w.kv, n5))?.managerId, petr.id);

      // by topic: «Оплата» → Ivan's and Maria's group (Ivan away → Maria); no group → the team
      await updateSettings(w.kv, w.owner.id, w.clock.now(), () => ({
        assignMode: "topic",
        topicGroups: { "Оплата": [ivan.id, maria.id] },
      }));
      const fred = await w.newClient("Fred");
      const n6 = await clientOpensTicket(w, fred.id, "Оплата", "Двойное списание");
      assert.equal((await getTicket(w.kv, n6))?.managerId, maria.id);
      const gina = await w.newClient("Gina");
      const n7 = await clientOpensTicket(w, gina.id, "Прочее", "Вопрос");
      assert.equal((await getTicket(w.kv, n7))?.managerId, null);

      // the wrong person: an admin who is no manager cannot be away; forged data is refused
      const [notMgr] = await w.ask(w.owner.id, "/away");
      assert.match(notMgr!.text!, /Отсутствовать могут только менеджеры/);
      const forged = await w.press(ivan.id, menu!.id, "m:w:2", true);
      assert.equal(forged.show_alert, true);
      assert.match(forged.text!, /устарела или повреждена/);
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "settings bot: the assignment rule and a topic's group, typed members checked",
  ...sanitize,
  fn: async () => {
    const w = await startSettingsWorld({
      readyChats: true,
      settings: (x) => ({ ...runningSettings(x), topics: ["Billing", "Delivery"] }),
    });
    try {
      const maria = w.emu.createUser({ firstName: "Maria", username: "maria" });
      await putManager(w.kv, {
        id: maria.id,
        name: "Maria",
        username: "maria",
        lang: "en",
        addedAt: 0,
        addedBy: w.owner.id,
        active: true,
        mute: [],
      });
      let at = (await w.menu()).id;
      at = w.mark();
      w.press("s:assign");
      await w.waitFor(/Assignment of new tickets: Off/, at);
      at = w.mark();
      w.press("s:as_mode:round_robin");
      await w.waitFor(/Assignment of new tickets: Round-robin/, at);
      assert.equal((await getSettings(w.kv)).assignMode, "round_robin");
      // forged mode: refused, nothing changes
      const q = w.emu.userPressButton(w.owner.id, w.settingsBot.id, w.mark(), "s:as_mode:boss", {
        forged: true,
      });
      await w.until(() => w.emu.callbackAnswer(q) !== undefined, "answer");
      assert.match((w.emu.callbackAnswer(q) as { text: string }).text, /out of date/);
      assert.equal((await getSettings(w.kv)).assignMode, "round_robin");

      at = w.mark();
      w.press("s:as_grp:0");
      await w.waitFor(/Managers of the topic «Billing»/, at);
      at = w.mark();
      w.send("@nobody");
      await w.waitFor(/@nobody is not a manager/, at);
      at = w.mark();
      w.send("maria!! <>");
      await w.waitFor(/Could not read that/, at);
      at = w.mark();
      w.send(`@Maria ${maria.id}`);
      await w.waitFor(/1\. Billing: Maria/, at);
      assert.deepEqual((await getSettings(w.kv)).topicGroups, { Billing: [maria.id] });
      // a stale group button (the topic list is shorter now)
      await updateSettings(w.kv, 0, Date.now(), () => ({ topics: ["Billing"] }));
      const q2 = w.emu.userPressButton(w.owner.id, w.settingsBot.id, w.mark(), "s:as_grp:1", {
        forged: true,
      });
      await w.until(() => w.emu.callbackAnswer(q2) !== undefined, "answer");
      assert.match((w.emu.callbackAnswer(q2) as { text: string }).text, /out of date/);
    } finally {
      await w.stop();
    }
  },
});
