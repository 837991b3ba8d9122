import assert from "node:assert/strict";
import { inflateSync } from "node:zlib";
import { managerReplied } from "../src/domain/ticket.ts";
import { defaultCronJobs } from "../src/jobs.ts";
import { getSettings, updateSettings } from "../src/storage/settings.ts";
import { changeTicket, createTicket } from "../src/storage/tickets.ts";
import ExcelJS from "../src/services/report/excel.ts";
import { periodOf } from "../src/services/report/period.ts";
import { runningSettings, startSettingsWorld } from "./settings_harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name: "settings: a report on demand arrives as an Excel file; the schedule sends one per period",
  ...sanitize,
  fn: async () => {
    const now = Date.now();
    const w = await startSettingsWorld({
      readyChats: true,
      settings: (x) => ({ ...runningSettings(x), always: true }),
      // 24/7 since before this period's tickets, whatever the time of day the test runs at
      settingsAt: now - 2 * 3_600_000,
    });
    try {
      for (let i = 0; i < 3; i++) {
        const r = await createTicket(w.kv, {
          topic: "Оплата",
          clientId: 500 + i,
          at: now - 3_600_000,
        });
        assert.ok(r.ok);
        await changeTicket(w.kv, r.ticket.number, now, (t) => {
          const x = managerReplied(t, { role: "manager", id: 77 }, now - 1_800_000);
          return x.ok ? { ticket: x.ticket, result: undefined } : { refuse: x.reason };
        });
      }
      // one ticket of the previous period (the month's length just before it), answered in 2:00
      const month = periodOf("this_month", now, "Europe/Moscow");
      // its settings are the defaults then (the test's were stored two hours ago): a Wednesday at
      // 12:00 in Moscow is working time (mon-fri 09:00-18:00)
      let earlier = month.from - (month.to - month.from) + 86_400_000;
      while (new Date(earlier).getUTCDay() !== 3) earlier += 86_400_000;
      earlier = Math.floor(earlier / 86_400_000) * 86_400_000 + 9 * 3_600_000;
      const old = await createTicket(w.kv, { topic: "Оплата", clientId: 600, at: earlier });
      assert.ok(old.ok);
      await changeTicket(w.kv, old.ticket.number, earlier, (t) => {
        const x = managerReplied(t, { role: "manager", id: 77 }, earlier + 7_200_000);
        return x.ok ? { ticket: x.ticket, result: undefined } : { refuse: x.reason };
      });
      let m0 = w.mark();
      w.send("/menu");
      await w.until(
        () =>
          w.view().some((m) =>
            m.id > m0 && JSON.stringify(m.replyMarkup ?? "").includes("s:reports")
          ),
        "the menu",
      );
      w.press("s:reports");
      await w.waitFor(/Excel/);
      const before = w.mark();
      w.press("s:rep:this_month");
      await w.until(
        () => w.view().some((m) => m.id > before && m.kind === "document"),
        "the report",
      );
      const doc = w.view().findLast((m) => m.kind === "document")!;
      assert.match(doc.fileName ?? "", /^helpdesk-\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.xlsx$/);
      assert.match(
        doc.caption ?? doc.text ?? JSON.stringify(doc),
        // 3 tickets answered after 0:30 each (24/7), none within the 0:15 target, no ratings,
        // all still open: 3 breaches; the month before: one ticket answered in 2:00, still open
        // (in both backlogs), over the reaction target; the close clock stopped at the answer
        // (the customer's move since), so no close breach, as the live SLA raised none.
        new RegExp(
          [
            "Tickets: 3 \\(previous period: 1\\)",
            ".*: 0:30 \\(previous period: 2:00\\)",
            ".*: 0% \\(previous period: 0%\\)",
            "CSAT \\(4–5★\\): — \\(previous period: —\\)",
            ".*: 4 \\(previous period: 1\\)",
            ".*: 3 \\(previous period: 1\\)",
            // no client messages in either period: no busiest hour
            "Busiest hour \\(client messages\\): — \\(previous period: —\\)$",
          ].join("\n"),
        ),
      );
      // the workbook opens on the Overview: both periods side by side, the chart below them
      const xlsx = w.emu.world.files.get(doc.fileUniqueId!);
      assert.ok(xlsx?.blob, "the workbook's bytes");
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(await xlsx.blob.arrayBuffer());
      const first = wb.worksheets[0]!;
      assert.equal(first.name, "Overview");
      const headers = (first.getRow(1).values as unknown[]).slice(1).map(String);
      assert.match(headers[1]!, /^This period \(\d{4}-\d{2}-01 – /);
      assert.match(headers[2]!, /^Previous period \(/);
      assert.deepEqual(
        (first.getRow(2).values as unknown[]).slice(1),
        ["Tickets", "3", "1", "+2"],
      );

      // The chart follows as a photo: a PNG of the chart's size with more than one colour.
      await w.until(
        () => w.view().some((m) => m.id > before && m.kind === "photo"),
        "the chart",
      );
      const photo = w.view().findLast((m) => m.kind === "photo")!;
      assert.ok(photo.fileUniqueId);
      const file = w.emu.world.files.get(photo.fileUniqueId);
      assert.ok(file?.blob, "the chart's bytes");
      const png = new Uint8Array(await file.blob.arrayBuffer());
      assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      const head = new DataView(png.buffer, png.byteOffset + 16, 8);
      assert.deepEqual([head.getUint32(0), head.getUint32(4)], [800, 480]);
      const idatAt = new TextDecoder().decode(png).indexOf("IDAT");
      assert.ok(idatAt > 0);
      const idatLen = new DataView(png.buffer, png.byteOffset + idatAt - 4, 4).getUint32(0);
      const raw = inflateSync(png.subarray(idatAt + 4, idatAt + 4 + idatLen));
      const colours = new Set<number>();
      // Rows of 1 filter byte and 800 RGB pixels.
      for (let row = 0; row < 480; row++) {
        for (let x = 0; x < 800; x++) {
          const p = row * 2401 + 1 + x * 3;
          colours.add((raw[p]! << 16) | (raw[p + 1]! << 8) | raw[p + 2]!);
        }
      }
      assert.ok(colours.size >= 3, `the chart is not blank: ${colours.size} colours`);
      // the same picture sits on the Overview sheet, under the figures
      const images = first.getImages();
      assert.equal(images.length, 1);
      assert.equal(Math.floor(images[0]!.range.tl.nativeRow), 12);
      const embedded = wb.getImage(Number(images[0]!.imageId));
      assert.ok(embedded?.buffer, "the embedded image's bytes");
      assert.deepEqual(new Uint8Array(embedded.buffer as ArrayBuffer), png);

      // custom dates: bad input is explained, good input works
      w.press("s:rep:custom");
      await w.waitFor(/2026-11-01 2026-11-30/);
      const m1 = w.mark();
      w.send("yesterday");
      await w.waitFor(/Не понял даты|could not read the dates/, m1);

      // the schedule: the minute job sends yesterday's report once, however often it runs
      m0 = w.mark();
      w.send("/menu");
      await w.until(
        () =>
          w.view().some((m) =>
            m.id > m0 && JSON.stringify(m.replyMarkup ?? "").includes("s:reports")
          ),
        "the menu",
      );
      w.press("s:reports");
      await w.waitFor(/Excel/);
      w.press("s:rep_sched:daily");
      await w.until(async () => (await getSettings(w.kv)).reportSchedule === "daily", "schedule");
      const docs = () => w.view().filter((m) => m.kind === "document").length;
      const had = docs();
      const jobs = defaultCronJobs();
      for (let i = 0; i < 3; i++) for (const job of jobs) await job(w.app.deps);
      await w.until(() => docs() === had + 1, "one scheduled report");
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(docs(), had + 1);
      const scheduled = w.view().findLast((m) => m.kind === "document")!;
      assert.match(scheduled.caption ?? "", /по расписанию/);
      await updateSettings(w.kv, 0, now, () => ({ reportSchedule: "off" }));
    } finally {
      await w.stop();
    }
  },
});
