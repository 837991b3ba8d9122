/**
 * Priority: set from a thread command, the manager bot and the card's buttons; shown on the
 * post; sorted first in lists; an urgent ticket held to its own reaction target; set up in the
 * settings bot's working-time section, typed targets checked.
 */
import assert from "node:assert/strict";
import { runSlaChecks } from "../src/services/sla.ts";
import { getSettings, updateSettings } from "../src/storage/settings.ts";
import { getTicket, listEvents } from "../src/storage/tickets.ts";
import {
  buttonsOf,
  clientOpensTicket,
  managerSays,
  sanitize,
  startDesk,
} from "./manager_harness.ts";
import { runningSettings, startSettingsWorld } from "./settings_harness.ts";

Deno.test({
  name: "priority: urgent sorted first, shown on the post, its own reaction target; refusals",
  ...sanitize,
  fn: async () => {
    const w = await startDesk();
    try {
      const [maria, ivan] = [w.managers[0]!, w.managers[1]!];
      await w.ask(maria.id, "/start");
      await w.ask(ivan.id, "/start");
      await updateSettings(w.kv, w.owner.id, w.clock.now(), () => ({
        always: true,
        reactionTargetMs: 15 * 60_000,
        priorityTargets: { urgent: { reactionTargetMs: 5 * 60_000, closeTargetMs: 3_600_000 } },
      }));
      const alice = await w.newClient("Alice");
      const bob = await w.newClient("Bob");
      const n1 = await clientOpensTicket(w, alice.id, "Оплата", "Деньги списаны дважды");
      w.clock.advance(60_000);
      const n2 = await clientOpensTicket(w, bob.id, "Доставка", "Где посылка?");
      // newest activity first while both are normal
      const [before] = await w.ask(maria.id, "/all");
      assert.ok(before!.text!.indexOf(`#${n2}`) < before!.text!.indexOf(`#${n1}`));

      // Maria marks #n1 urgent from its thread
      await managerSays(w, maria.id, n1, { text: "/priority срочный" });
      await w.until(async () => (await getTicket(w.kv, n1))?.priority === "urgent", "urgent");
      const ev = (await listEvents(w.kv, n1)).find((e) => e.type === "priority");
      assert.equal(ev?.priority, "urgent");
      assert.equal(ev?.actor.id, maria.id);
      const post = (await getTicket(w.kv, n1))!.postId!;
      await w.until(() => /Приоритет: 🔴 срочный/.test(w.postText(post)), "post shows urgent");
      await w.until(
        async () => (await w.thread(n1)).some((m) => m.text === "Приоритет: срочный."),
        "thread notice",
      );
      // the client is not told (the priority is the team's business)
      assert.ok(!w.clientView(alice.id).some((m) => /риоритет/.test(m.text ?? "")));
      // sorted first, marked
      const [after] = await w.ask(maria.id, "/all");
      assert.ok(after!.text!.indexOf(`#${n1}`) < after!.text!.indexOf(`#${n2}`));
      assert.match(after!.text!, /🔴/);

      // six minutes: the urgent ticket missed its 5-minute target, the normal one is in time
      w.clock.advance(6 * 60_000);
      await runSlaChecks(w.deps);
      // the warnings reach the managers in the background: before anyone asks the bot again
      await w.notifier.idle();
      const claimed = async (n: number, th: string) =>
        (await w.kv.get(["sla", n, 0, th])).versionstamp !== null;
      assert.equal(await claimed(n1, "reaction_breach"), true);
      assert.equal(await claimed(n2, "reaction_warn"), false);
      const [late] = await w.ask(maria.id, "/late");
      assert.match(late!.text!, new RegExp(`#${n1}\\b`));
      assert.doesNotMatch(late!.text!, new RegExp(`#${n2}\\b`));

      // the card: buttons for the other priorities; Ivan lowers #n1 to high (unassigned)
      const [card] = await w.ask(ivan.id, `/ticket ${n1}`);
      assert.match(card!.text!, /Приоритет: 🔴 срочный/);
      assert.ok(buttonsOf(card).some((b) => b.data === `m:r:${n1}:high`));
      assert.ok(!buttonsOf(card).some((b) => b.data === `m:r:${n1}:urgent`));
      const high = await w.press(ivan.id, card!.id, `m:r:${n1}:high`);
      assert.match(high.text!, /приоритет высокий/);
      assert.equal((await getTicket(w.kv, n1))?.priority, "high");
      // a stale copy of the button: already high
      const stale = await w.press(ivan.id, card!.id, `m:r:${n1}:high`, true);
      assert.equal(stale.show_alert, true);
      assert.match(stale.text!, /уже этот приоритет/);

      // Maria takes #n2: Ivan may not change its priority, by button or command
      await w.ask(maria.id, `/take ${n2}`, 2);
      const forged = await w.press(ivan.id, card!.id, `m:r:${n2}:urgent`, true);
      assert.match(forged.text!, /ведёт другой менеджер/);
      const [cmd] = await w.ask(ivan.id, `/priority ${n2} urgent`);
      assert.match(cmd!.text!, /ведёт другой менеджер/);
      const bad = await w.press(ivan.id, card!.id, `m:r:${n2}:mega`, true);
      assert.match(bad.text!, /устарела или повреждена/);
      const [usage] = await w.ask(maria.id, `/priority ${n2} очень`);
      assert.match(usage!.text!, /\/priority 12/);
      const [ok] = await w.ask(maria.id, `/priority ${n2} high`);
      assert.match(ok!.text!, /приоритет высокий/);
      assert.equal((await getTicket(w.kv, n2))?.priority, "high");
      // a stranger's thread command changes nothing
      await managerSays(w, ivan.id, n2, { text: "/priority normal" });
      await w.until(
        async () => (await w.thread(n2)).some((m) => /ведёт другой менеджер/.test(m.text ?? "")),
        "refusal in the thread",
      );
      assert.equal((await getTicket(w.kv, n2))?.priority, "high");
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "settings bot: targets of urgent tickets, typed values checked",
  ...sanitize,
  fn: async () => {
    const w = await startSettingsWorld({ readyChats: true, settings: runningSettings });
    try {
      let at = (await w.menu()).id;
      at = w.mark();
      w.press("s:hours");
      await w.waitFor(/Urgent: the general targets/, at);
      at = w.mark();
      w.press("s:set:pu");
      await w.waitFor(/urgent tickets/, at);
      at = w.mark();
      w.send("5m");
      await w.waitFor(/Two durations separated by a space/, at);
      at = w.mark();
      w.send("5m 2x");
      await w.waitFor(/./, at);
      assert.deepEqual((await getSettings(w.kv)).priorityTargets, {});
      at = w.mark();
      w.send("5m 2h");
      await w.waitFor(/Urgent: reaction 5m, close 2h/, at);
      assert.deepEqual((await getSettings(w.kv)).priorityTargets, {
        urgent: { reactionTargetMs: 300_000, closeTargetMs: 7_200_000 },
      });
    } finally {
      await w.stop();
    }
  },
});
