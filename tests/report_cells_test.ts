import assert from "node:assert/strict";
import type { CellValue } from "exceljs";
import ExcelJS from "../src/services/report/excel.ts";
import { defaultSettings } from "../src/domain/settings.ts";
import { close, rate } from "../src/domain/ticket.ts";
import { putManager, upsertClient } from "../src/storage/people.ts";
import { changeTicket, createTicket } from "../src/storage/tickets.ts";
import { buildReport } from "../src/services/report/report.ts";

const H = 3_600_000;

Deno.test("report: names and comments with XML's special and control characters read back as typed", async () => {
  const kv = await Deno.openKv(":memory:");
  const dir = await Deno.makeTempDir();
  try {
    const at = Date.parse("2026-01-13T10:00:00+03:00");
    const name = `<Tom> & "Jerry's"\u0007`;
    const comment = `5 < 6 & "fine"\u0001 'ok'`;
    await putManager(kv, {
      id: 7,
      name: "M&M <lead>",
      lang: "en",
      addedAt: 0,
      addedBy: 1,
      active: true,
      mute: [],
    });
    await upsertClient(kv, { id: 42, firstName: name, lang: "en" }, 0);
    const made = await createTicket(kv, { topic: "A&B", clientId: 42, at });
    assert.ok(made.ok);
    const n = made.ticket.number;
    const step = async (when: number, fn: Parameters<typeof changeTicket>[3]) =>
      assert.ok((await changeTicket(kv, n, when, fn)).ok);
    await step(at + H, (t, seq) => {
      const r = close(t, { role: "manager", id: 7 }, at + H);
      if (!r.ok) return { refuse: r.reason };
      return { ticket: r.ticket, events: [{ ...r.event, seq: seq() }], result: undefined };
    });
    await step(at + 2 * H, (t, seq) => {
      const r = rate(t, { role: "client", id: 42 }, 5, comment, at + 2 * H);
      if (!r.ok) return { refuse: r.reason };
      return { ticket: r.ticket, events: [{ ...r.event, seq: seq() }], result: undefined };
    });
    const path = `${dir}/r.xlsx`;
    await buildReport(kv, {
      from: at - 24 * H,
      to: at + 24 * H,
      settings: defaultSettings(),
      out: path,
      now: at + 3 * H,
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await Deno.readFile(path)).buffer);
    const cells = (sheet: string) => {
      const ws = wb.getWorksheet(sheet);
      assert.ok(ws, `sheet ${sheet}`);
      const header = (ws.getRow(1).values as CellValue[]).map(String);
      return (col: string) => ws.getRow(2).getCell(header.indexOf(col)).value;
    };
    const ticket = cells("Tickets");
    // control characters cannot be in XML: they are left out, the rest is kept as typed
    assert.equal(ticket("Client"), `<Tom> & "Jerry's"`);
    assert.equal(ticket("Topic"), "A&B");
    const rating = cells("Ratings");
    assert.equal(rating("Comment"), `5 < 6 & "fine" 'ok'`);
    assert.equal(rating("Score"), 5);
    // the manager who closed it
    assert.equal(rating("Manager"), "M&M <lead>");
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
});
