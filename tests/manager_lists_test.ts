import assert from "node:assert/strict";
import { changeTicket, getTicket } from "../src/storage/tickets.ts";
import { updateSettings } from "../src/storage/settings.ts";
import {
  buttonsOf,
  clientOpensTicket,
  sanitize,
  seedTickets,
  startDesk,
} from "./manager_harness.ts";

Deno.test({
  name: "manager lists: 60 open tickets, newest activity first, page by page, and the filters",
  ...sanitize,
  fn: async () => {
    const w = await startDesk();
    try {
      const [maria, ivan] = [w.managers[0]!, w.managers[1]!];
      const seeded = await seedTickets(w, 424242, 60);
      // Maria has three of them; one old ticket gets fresh activity and must come first
      for (const n of seeded.slice(0, 3)) {
        await changeTicket(w.kv, n, w.clock.now(), (tk) => ({
          ticket: { ...tk, managerId: maria.id, status: "in_progress", waitingSince: null },
          result: undefined,
        }));
      }
      w.clock.advance(60_000);
      const fresh = seeded[10]!;
      await changeTicket(w.kv, fresh, w.clock.now(), (tk) => ({
        ticket: { ...tk, lastActivityAt: w.clock.now() },
        result: undefined,
      }));

      await w.ask(ivan.id, "/start");
      const [first] = await w.ask(ivan.id, "/all");
      assert.match(first!.text!, /Все открытые обращения \(60\)/);
      assert.match(first!.text!, /Страница 1 из 6/);
      const seen: number[] = [];
      const numbersOf = (text: string) =>
        [...text.matchAll(/^#(\d+) ·/gm)].map((m) => Number(m[1]));
      seen.push(...numbersOf(first!.text!));
      for (let page = 1; page < 6; page++) {
        const msg = w.mgrView(ivan.id).find((m) => m.id === first!.id)!;
        const next = buttonsOf(msg).find((b) => b.text === "▶")!;
        assert.equal(next.data, `m:l:all:${page}`);
        await w.press(ivan.id, first!.id, next.data!);
        await w.until(
          () =>
            (w.mgrView(ivan.id).find((m) => m.id === first!.id)?.text ?? "").includes(
              `Страница ${page + 1} из 6`,
            ),
          `page ${page + 1}`,
        );
        seen.push(...numbersOf(w.mgrView(ivan.id).find((m) => m.id === first!.id)!.text!));
      }
      assert.equal(seen.length, 60);
      assert.equal(new Set(seen).size, 60);
      const expected = [fresh, ...seeded.filter((n) => n !== fresh).reverse()];
      assert.deepEqual(seen, expected);
      // each line: number, topic, client, status, waiting time
      const line = first!.text!.split("\n").find((l) => l.startsWith(`#${fresh} `))!;
      assert.match(line, /#\d+ · Topic 10 · Client424242 · ожидает ответа · ⏳ ждёт 5\d мин/);
      // a page button of a list that shrank is clamped, never an error
      await w.press(ivan.id, first!.id, "m:l:all:99", true);

      // filters: mine (Maria), unassigned, late
      await w.ask(maria.id, "/start");
      const [mine] = await w.ask(maria.id, "/my");
      assert.match(mine!.text!, /Мои открытые обращения \(3\)/);
      assert.deepEqual(numbersOf(mine!.text!), seeded.slice(0, 3).reverse());
      const [un] = await w.ask(maria.id, "/unassigned");
      assert.match(un!.text!, /Обращения без ответственного \(57\)/);
      await updateSettings(w.kv, 0, w.clock.now(), () => ({ reactionTargetMs: 30 * 60_000 }));
      const [late] = await w.ask(maria.id, "/late");
      // waiting > 30 min: the tickets created more than 30 minutes ago and still waiting
      const lateNumbers = numbersOf(late!.text!);
      assert.ok(lateNumbers.length > 0);
      for (const n of lateNumbers) {
        const tk = (await getTicket(w.kv, n))!;
        assert.ok(tk.waitingSince !== null && w.clock.now() - tk.waitingSince > 30 * 60_000);
      }
      assert.match(late!.text!, /Ждут дольше целевого времени реакции \(27\)/);
    } finally {
      await w.stop();
    }
  },
});

Deno.test({
  name: "manager lists: a line links to the ticket's thread (private supergroup link)",
  ...sanitize,
  fn: async () => {
    const w = await startDesk();
    try {
      const maria = w.managers[0]!;
      const alice = await w.newClient("Alice");
      const n = await clientOpensTicket(w, alice.id, "Оплата", "Платёж завис");
      const tk = (await getTicket(w.kv, n))!;
      await w.ask(maria.id, "/start");
      const [list] = await w.ask(maria.id, "/all");
      const internal = String(w.groupId).replace(/^-100/, "");
      const link = `https://t.me/c/${internal}/${tk.threadId}?thread=${tk.threadId}`;
      const entity = (list!.entities ?? []).find((e) => e.type === "text_link") as
        | { url?: string }
        | undefined;
      assert.equal(entity?.url, link);
      assert.match(list!.text!, /Alice \(@alice\)/);
      const [card] = await w.ask(maria.id, `/ticket ${n}`);
      assert.ok(buttonsOf(card).some((b) => b.url === link));
    } finally {
      await w.stop();
    }
  },
});
