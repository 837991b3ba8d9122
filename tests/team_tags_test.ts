/**
 * Tags on tickets: added and removed from a thread and from the manager bot, checked as typed;
 * shown on the post, the card and the lists; lists filtered by a tag (the filter kept on the
 * list's buttons); the report's ticket sheet carries them.
 */
import assert from "node:assert/strict";
import type { CellValue } from "exceljs";
import ExcelJS from "../src/services/report/excel.ts";
import { buildReport } from "../src/services/report/report.ts";
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
  name: "tags: thread and manager bot, post, card, lists filtered by a tag, report",
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
      const n1 = await clientOpensTicket(w, alice.id, "Оплата", "Деньги списаны дважды");
      const n2 = await clientOpensTicket(w, bob.id, "Доставка", "Где посылка?");

      // Maria tags #n1 from its thread (typed with # and in capitals: normalised)
      await managerSays(w, maria.id, n1, { text: "/tag #Оплата, возврат" });
      await w.until(async () => (await getTicket(w.kv, n1))?.tags?.length === 2, "tagged");
      assert.deepEqual((await getTicket(w.kv, n1))?.tags, ["оплата", "возврат"]);
      const ev = (await listEvents(w.kv, n1)).find((e) => e.type === "tagged");
      assert.ok(ev, "a tagged event");
      assert.deepEqual(ev.tags, ["оплата", "возврат"]);
      assert.equal(ev.actor.id, maria.id);
      await w.until(
        async () => (await w.thread(n1)).some((m) => m.text === "Теги: #оплата #возврат."),
        "thread told",
      );
      const post1 = (await getTicket(w.kv, n1))!.postId!;
      await w.until(() => /Теги: #оплата #возврат/.test(w.postText(post1)), "post shows tags");
      // the customer is not told: tags are the team's business
      assert.ok(!w.clientView(alice.id).some((m) => /#оплата/.test(m.text ?? "")));

      // from the manager bot: Ivan tags #n2 (unassigned)
      const [ok2] = await w.ask(ivan.id, `/tag ${n2} vip`);
      assert.match(ok2!.text!, new RegExp(`#${n2}: теги #vip`));
      // bad input: a clear message, nothing stored
      const [bad] = await w.ask(ivan.id, `/tag ${n2} 12abc`);
      assert.match(bad!.text!, /Такой тег не подходит/);
      const [long] = await w.ask(ivan.id, `/tag ${n2} ${"a".repeat(21)}`);
      assert.match(long!.text!, /не длиннее 20 символов/);
      const [usage] = await w.ask(ivan.id, `/tag ${n2}`);
      assert.match(usage!.text!, /\/tag 12 оплата/);
      const [again] = await w.ask(ivan.id, `/tag ${n2} VIP`);
      assert.match(again!.text!, /от этого не меняются/);
      assert.deepEqual((await getTicket(w.kv, n2))?.tags, ["vip"]);

      // the card shows the tags
      const [card] = await w.ask(ivan.id, `/ticket ${n1}`);
      assert.match(card!.text!, /Теги: #оплата #возврат/);

      // lists: the tag on each line; /tickets #оплата keeps only the tagged ticket
      const [all] = await w.ask(maria.id, "/all");
      assert.match(all!.text!, /#vip/);
      const [tagged] = await w.ask(maria.id, "/tickets #оплата");
      assert.match(tagged!.text!, /с тегом #оплата/);
      assert.match(tagged!.text!, new RegExp(`#${n1}\\b`));
      assert.doesNotMatch(tagged!.text!, new RegExp(`#${n2}\\b`));
      // the filter buttons keep the tag; one button goes back to the whole list
      const buttons = buttonsOf(tagged);
      assert.ok(buttons.some((b) => b.data === "m:l:un:0:оплата"), "filter keeps the tag");
      assert.ok(buttons.some((b) => b.data === "m:l:all:0"), "the way back");
      await w.press(maria.id, tagged!.id, "m:l:un:0:оплата");
      await w.until(
        () =>
          /с тегом #оплата/.test(
            w.mgrView(maria.id).find((m) => m.id === tagged!.id)?.text ?? "",
          ) && /без ответ/.test(w.mgrView(maria.id).find((m) => m.id === tagged!.id)?.text ?? ""),
        "unassigned, tagged",
      );
      const [badFilter] = await w.ask(maria.id, "/all #1");
      assert.match(badFilter!.text!, /Фильтр по тегу/);

      // Maria takes #n1: Ivan may not change its tags any more
      await w.ask(maria.id, `/take ${n1}`, 2);
      const [notYours] = await w.ask(ivan.id, `/untag ${n1} оплата`);
      assert.match(notYours!.text!, /ведёт другой менеджер/);
      // Maria removes one; the report's ticket sheet carries the one left
      const [untag] = await w.ask(maria.id, `/untag ${n1} возврат`);
      assert.match(untag!.text!, /теги #оплата\./);
      assert.deepEqual((await getTicket(w.kv, n1))?.tags, ["оплата"]);
      assert.ok((await listEvents(w.kv, n1)).some((e) => e.type === "untagged"));

      const out = `${dir}/r.xlsx`;
      await buildReport(w.kv, {
        from: start - 3_600_000,
        to: w.clock.now() + 3_600_000,
        settings: await getSettings(w.kv),
        out,
        now: w.clock.now(),
      });
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await Deno.readFile(out)).buffer);
      const ws = wb.getWorksheet("Tickets");
      assert.ok(ws, "the Tickets sheet");
      const header = (ws.getRow(1).values as CellValue[]).map(String);
      const col = header.indexOf("Tags");
      assert.ok(col > 0, "a Tags column");
      const byNumber = new Map<number, CellValue>();
      ws.eachRow((row, i) => {
        if (i > 1) byNumber.set(Number(row.getCell(1).value), row.getCell(col).value);
      });
      assert.equal(byNumber.get(n1), "#оплата");
      assert.equal(byNumber.get(n2), "#vip");
    } finally {
      await w.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
