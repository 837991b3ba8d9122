import assert from "node:assert/strict";
import type { HelpdeskEvent } from "../src/services/deps.ts";
import { runSlaChecks } from "../src/services/sla.ts";
import { getTicket } from "../src/storage/tickets.ts";
import { clientOpensTicket, managerSays, startWorld } from "./harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };
const MIN = 60_000;

Deno.test({
  name: "sla: warnings and breaches once per threshold, by moving the clock; the post is marked",
  ...sanitize,
  fn: async () => {
    const events: HelpdeskEvent[] = [];
    const w = await startWorld({ notifier: { notify: (e) => void events.push(e) } });
    try {
      const alice = await w.newClient("Alice");
      const n = await clientOpensTicket(w, alice.id, "Срочно", "Помогите");
      const sla = () =>
        events.filter((e) => e.type === "sla").map((e) => e.type === "sla" && e.threshold);
      assert.equal(await runSlaChecks(w.deps), 0);
      w.clock.advance(12 * MIN); // 80% of the 15-minute reaction target
      await Promise.all([runSlaChecks(w.deps), runSlaChecks(w.deps)]); // overlapping runs
      assert.deepEqual(sla(), ["reaction_warn"]);
      w.clock.advance(3 * MIN);
      // exactly the target: within it, as the report counts a reply at this moment
      await runSlaChecks(w.deps);
      assert.deepEqual(sla(), ["reaction_warn"]);
      w.clock.advance(1);
      await runSlaChecks(w.deps);
      await runSlaChecks(w.deps);
      assert.deepEqual(sla(), ["reaction_warn", "reaction_breach"]);
      const postId = (await getTicket(w.kv, n))!.postId!;
      await w.until(
        () =>
          /Просрочено: время реакции/.test(
            w.emu.view(w.owner.id, w.channelId).find((m) => m.id === postId)?.text ?? "",
          ),
        "overdue mark on the post",
      );
      // the answer stops the reaction clock; the close clock pauses while the ticket waits for
      // the customer and runs again, in working time, once they write
      await managerSays(w, w.managers[0]!.id, n, { text: "Смотрю" });
      await w.until(
        async () => (await getTicket(w.kv, n))?.cycles[0]?.firstReplyAt !== undefined,
        "reply",
      );
      w.clock.advance(5 * 3_600_000); // 12:15 → 17:15 Moscow, waiting for the customer
      await runSlaChecks(w.deps);
      assert.deepEqual(sla(), ["reaction_warn", "reaction_breach"]);
      w.emu.userSend(alice.id, w.clientBot.id, { text: "Всё ещё не работает" });
      await w.until(async () => (await getTicket(w.kv, n))?.waitingSince !== null, "wrote");
      w.clock.advance(16 * 3_600_000); // past the night: 09:15 next day, 15 min + 1 h of work
      await runSlaChecks(w.deps);
      assert.deepEqual(sla(), ["reaction_warn", "reaction_breach"]);
      w.clock.advance(5 * 3_600_000 + 10 * MIN); // 6h25 ≥ 80% of 8h
      await runSlaChecks(w.deps);
      assert.deepEqual(sla(), ["reaction_warn", "reaction_breach", "close_warn"]);
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "sla: a client writing out of working hours gets the off-hours reply once per cycle",
  ...sanitize,
  fn: async () => {
    const w = await startWorld();
    try {
      w.clock.set(Date.UTC(2026, 0, 5, 17, 30)); // 20:30 in Moscow, after hours
      const bob = await w.newClient("Bob");
      const n = await clientOpensTicket(w, bob.id, "Ночью", "Не спится");
      w.emu.userSend(bob.id, w.clientBot.id, { text: "Ещё вопрос" });
      await w.until(async () => (await w.thread(n)).length >= 2, "second message");
      await w.deps.outbox.idle();
      const offHours = () =>
        w.clientView(bob.id).filter((m) => /нерабочее время/.test(m.text ?? ""));
      await w.until(() => offHours().length === 1, "off-hours reply");
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(offHours().length, 1);
    } finally {
      await w.stop();
    }
  },
});
