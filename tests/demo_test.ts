import assert from "node:assert/strict";
import type { CellValue, Worksheet } from "exceljs";
import ExcelJS from "../src/services/report/excel.ts";
import { LABELS } from "../src/services/report/labels.ts";
import { DEMO_TIME_ZONE, playDemoDay, startDemo } from "../scripts/demo.ts";
import { writeDemoReport } from "../scripts/demo_report.ts";

const MIN = 60_000;
const DAY = 86_400_000;
const l = LABELS.en;

/** The sheet's rows as header → value (dates' headers without their time zone). */
function records(ws: Worksheet): Array<Record<string, CellValue>> {
  const header = (ws.getRow(1).values as CellValue[]).slice(1).map((h) =>
    String(h).replace(` (${DEMO_TIME_ZONE})`, "")
  );
  const out: Array<Record<string, CellValue>> = [];
  for (let r = 2; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const rec: Record<string, CellValue> = {};
    header.forEach((h, i) => rec[h] = row.getCell(i + 1).value ?? null);
    out.push(rec);
  }
  return out;
}

/** Excel's day zero: exceljs reads a `[h]:mm:ss` cell as a date counted from it. */
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

/** A duration cell in whole minutes. */
const minutes = (v: CellValue) => {
  const ms = v instanceof Date ? v.getTime() - EXCEL_EPOCH : typeof v === "number" ? v * DAY : NaN;
  assert.ok(Number.isFinite(ms), `a duration, got ${JSON.stringify(v)}`);
  return Math.round(ms / MIN);
};

Deno.test({
  name: "demo: its day runs on working hours, so the report has working times, breaches, a chart",
  async fn() {
    const demo = await startDemo();
    const dir = await Deno.makeTempDir();
    try {
      await playDemoDay(demo);
      const path = `${dir}/demo.xlsx`;
      const summary = await writeDemoReport(demo.s, path);
      assert.equal(summary.tickets, 2);
      assert.equal(summary.cycles, 3);
      assert.equal(summary.breaches, 2);
      assert.ok(summary.chart && summary.chart.length > 0, "the report draws its chart");
      // PNG signature
      assert.deepEqual([...summary.chart.subarray(1, 4)], [0x50, 0x4e, 0x47]);

      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await Deno.readFile(path)).buffer);
      const tickets = records(wb.getWorksheet(l.sheetTickets)!);
      assert.equal(tickets.length, 2);
      const [t1, t2] = tickets;
      // Anna wrote at 08:50, before opening; Maria answered at 09:14: 14 working minutes.
      assert.equal(t1![l.ticket], 1);
      assert.equal(minutes(t1![l.firstReaction]), 14);
      assert.equal(t1![l.firstReactionOk], l.yes);
      // 09:00 to the close at 11:30, less the 2:16 from Maria's answer on, the customer's move
      assert.equal(minutes(t1![l.resolutionTotal]), 14);
      assert.equal(minutes(t1![l.waitingTotal]), 136);
      // Ben wrote at 09:06, Ivan answered at 09:43: past the 15-minute target.
      assert.equal(t2![l.ticket], 2);
      assert.equal(minutes(t2![l.firstReaction]), 37);
      assert.equal(t2![l.firstReactionOk], l.no);
      assert.equal(t2![l.reactionBreaches], 2);

      const breaches = records(wb.getWorksheet(l.sheetBreaches)!);
      assert.deepEqual(breaches.map((b) => [b[l.ticket], b[l.cycle], minutes(b[l.workingTime])]), [
        [2, 1, 37],
        [2, 2, 42],
      ]);

      const managers = records(wb.getWorksheet(l.sheetManagers)!);
      const total = managers.find((r) => r[l.manager] === l.total);
      assert.ok(total, "a total row");
      assert.equal(minutes(total[l.medianReaction]), 37);
      assert.ok(minutes(total[l.heldTime]) > 0, "time held is working time, not zero");
    } finally {
      await demo.s.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
