import assert from "node:assert/strict";
import { inflateSync } from "node:zlib";
import { managerReplied } from "../src/domain/ticket.ts";
import { defaultCronJobs } from "../src/jobs.ts";
import { getSettings, updateSettings } from "../src/storage/settings.ts";
import { changeTicket, createTicket } from "../src/storage/tickets.ts";
import { runningSettings, startSettingsWorld } from "./settings_harness.ts";

const sanitize = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name: "settings: a report on demand arrives as an Excel file; the schedule sends one per period",
  ...sanitize,
  fn: async () => {
    const w = await startSettingsWorld({
      readyChats: true,
      settings: (x) => ({ ...runningSettings(x), always: true }),
    });
    try {
      const now = Date.now();
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
        // all still open: 3 breaches.
        /(Обращений|Tickets): 3\n.*: 0:30\n.*: 0%\nCSAT \(4–5★\): —\n.*: 3\n.*: 3$/,
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
