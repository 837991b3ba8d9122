/**
 * The report follows the team's workflows: an urgent ticket is judged against the urgent
 * reaction target, and a hold before the first reply is not counted in the reaction time.
 */
import assert from "node:assert/strict";
import type { CellValue } from "exceljs";
import ExcelJS from "../src/services/report/excel.ts";
import { buildReport } from "../src/services/report/report.ts";
import { getSettings, updateSettings } from "../src/storage/settings.ts";
import { getTicket } from "../src/storage/tickets.ts";
import { clientOpensTicket, managerSays, sanitize, startDesk } from "./manager_harness.ts";

const MIN = 60_000;
const DAY = 86_400_000;

/** A duration cell back in ms (exceljs reads `[h]:mm:ss` cells as dates). */
function ms(v: CellValue): number | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return Math.round(v.getTime() + 25569 * DAY);
  if (typeof v === "number") return Math.round(v * DAY);
  throw new Error(`not a duration: ${JSON.stringify(v)}`);
}

Deno.test({
  name: "report: an urgent ticket against the urgent target; a hold is no reaction time",
  ...sanitize,
  fn: async () => {
    const w = await startDesk();
    const dir = await Deno.makeTempDir();
    try {
      const maria = w.managers[0]!;
      await w.ask(maria.id, "/start");
      await updateSettings(w.kv, w.owner.id, w.clock.now(), () => ({
        always: true,
        reactionTargetMs: 15 * MIN,
        priorityTargets: { urgent: { reactionTargetMs: 5 * MIN, closeTargetMs: 3_600_000 } },
      }));
      const start = w.clock.now();
      const alice = await w.newClient("Alice");
      const bob = await w.newClient("Bob");

      // #n1: urgent, answered after 10 minutes: within the general 15, over the urgent 5
      const n1 = await clientOpensTicket(w, alice.id, "Оплата", "Деньги списаны дважды");
      await managerSays(w, maria.id, n1, { text: "/priority срочный" });
      await w.until(async () => (await getTicket(w.kv, n1))?.priority === "urgent", "urgent");
      w.clock.advance(10 * MIN);
      await managerSays(w, maria.id, n1, { text: "Проверяем" });
      await w.until(
        async () => (await getTicket(w.kv, n1))?.cycles[0]?.firstReplyAt !== undefined,
        "#n1 answered",
      );

      // #n2: 2 minutes, then half an hour on hold, then 3 minutes: 5 minutes of reaction
      const n2 = await clientOpensTicket(w, bob.id, "Доставка", "Где посылка?");
      w.clock.advance(2 * MIN);
      await managerSays(w, maria.id, n2, { text: "/hold ждём трек-номер" });
      await w.until(async () => (await getTicket(w.kv, n2))?.hold != null, "on hold");
      w.clock.advance(30 * MIN);
      w.emu.userSend(bob.id, w.clientBot.id, { text: "Трек RA123" });
      await w.until(async () => (await getTicket(w.kv, n2))?.hold === null, "hold ended");
      w.clock.advance(3 * MIN);
      await managerSays(w, maria.id, n2, { text: "Нашли посылку" });
      await w.until(
        async () => (await getTicket(w.kv, n2))?.cycles[0]?.firstReplyAt !== undefined,
        "#n2 answered",
      );

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
      const col = (name: string) => {
        const i = header.indexOf(name);
        assert.ok(i > 0, `a column ${name}`);
        return i;
      };
      const rows = new Map<number, (name: string) => CellValue>();
      ws.eachRow((row, i) => {
        if (i > 1) rows.set(Number(row.getCell(1).value), (name) => row.getCell(col(name)).value);
      });
      const r1 = rows.get(n1), r2 = rows.get(n2);
      assert.ok(r1 && r2, "both tickets have rows");
      assert.equal(ms(r1("First reply time")), 10 * MIN);
      assert.equal(r1("Reaction within target"), "no");
      assert.equal(r1("Reaction breaches"), 1);
      assert.equal(r1("Priority"), "urgent");
      assert.equal(ms(r2("First reply time")), 5 * MIN);
      assert.equal(r2("Reaction within target"), "yes");
      assert.equal(r2("Priority"), "normal");
      // the breach is judged against 5 minutes
      const breaches = wb.getWorksheet("SLA breaches");
      assert.ok(breaches, "the SLA breaches sheet");
      const bh = (breaches.getRow(1).values as CellValue[]).map(String);
      const targetCol = bh.indexOf("Target");
      assert.ok(targetCol > 0, "a Target column");
      let judged: number | null = null;
      breaches.eachRow((row, i) => {
        if (i > 1 && Number(row.getCell(1).value) === n1) judged = ms(row.getCell(targetCol).value);
      });
      assert.equal(judged, 5 * MIN);
    } finally {
      await w.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
