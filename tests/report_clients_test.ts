/**
 * The detail sheets name every row's client, also when the rows come in many batches whose
 * client lookups overlap the scan (src/services/report/detail_rows.ts): a client met again in a
 * later batch, one met in two batches in a row, and a client with no record at all.
 */
import assert from "node:assert/strict";
import ExcelJS from "../src/services/report/excel.ts";
import { defaultSettings, type Settings } from "../src/domain/settings.ts";
import { upsertClient } from "../src/storage/people.ts";
import { createTicket } from "../src/storage/tickets.ts";
import { buildReport } from "../src/services/report/report.ts";

const DAY = 86_400_000;
const FROM = Date.UTC(2026, 0, 5);
/** Tickets: more than two of the report's batches of 200 clients. */
const TICKETS = 520;
/** Clients with a record; ticket n belongs to client n % CLIENTS, so each has two tickets. */
const CLIENTS = 260;
/** Every 50th ticket belongs to a client with no record. */
const UNKNOWN = 9_999_999;

const clientOf = (n: number) => n % 50 === 0 ? UNKNOWN : 20_000 + (n % CLIENTS);

Deno.test("report: every detail row names its client across overlapping lookups", async () => {
  const kv = await Deno.openKv(":memory:");
  const dir = await Deno.makeTempDir();
  try {
    for (let c = 0; c < CLIENTS; c++) {
      await upsertClient(kv, {
        id: 20_000 + c,
        firstName: `Name${c}`,
        ...(c % 2 ? { lastName: `Last${c}` } : {}),
        ...(c % 3 ? { username: `user${c}` } : {}),
        lang: "en",
      }, FROM);
    }
    for (let n = 1; n <= TICKETS; n++) {
      const r = await createTicket(kv, {
        topic: "Other",
        clientId: clientOf(n),
        at: FROM + n * 60_000,
        with: () => ({ messages: [], result: undefined }),
      });
      assert.ok(r.ok);
      assert.equal(r.ticket.number, n);
    }
    const settings: Settings = { ...defaultSettings(), timeZone: "UTC" };
    const out = `${dir}/r.xlsx`;
    const summary = await buildReport(kv, {
      from: FROM,
      to: FROM + 7 * DAY,
      settings,
      out,
      now: FROM + 7 * DAY,
    });
    assert.equal(summary.tickets, TICKETS);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await Deno.readFile(out)).buffer);
    const ws = wb.getWorksheet("Tickets");
    assert.ok(ws);
    const header = (ws.getRow(1).values as unknown[]).map(String);
    const col = (h: string) => {
      const i = header.indexOf(h);
      assert.ok(i > 0, `no column ${h}`);
      return i;
    };
    const [ticket, client, username, clientId] = ["Ticket", "Client", "Username", "Client id"]
      .map(col);
    assert.equal(ws.rowCount, TICKETS + 1);
    for (let r = 2; r <= ws.rowCount; r++) {
      const row = ws.getRow(r);
      const n = row.getCell(ticket!).value as number;
      assert.equal(n, r - 1);
      const id = clientOf(n);
      assert.equal(row.getCell(clientId!).value, id);
      const c = id - 20_000;
      const name = id === UNKNOWN ? `#${UNKNOWN}` : [`Name${c}`, c % 2 ? `Last${c}` : null]
        .filter(Boolean).join(" ");
      assert.equal(row.getCell(client!).value, name, `ticket ${n}`);
      const user = id !== UNKNOWN && c % 3 ? `@user${c}` : null;
      assert.equal(row.getCell(username!).value ?? null, user, `ticket ${n}`);
    }
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("report: a ticket that kept its client's name shows it, in order among looked-up rows", async () => {
  const kv = await Deno.openKv(":memory:");
  const dir = await Deno.makeTempDir();
  try {
    // the client's record names them as they are now; tickets that kept the name at the
    // opening show that one, older tickets without it show the record's
    await upsertClient(
      kv,
      { id: 30_001, firstName: "Renamed", username: "new_name", lang: "en" },
      FROM,
    );
    const total = 450;
    for (let n = 1; n <= total; n++) {
      const kept = n % 3 !== 0;
      const r = await createTicket(kv, {
        topic: "Other",
        clientId: kept ? 30_000 + (n % 7) + 1 : 30_001,
        ...(kept
          ? { opener: { firstName: `Opener${n}`, ...(n % 2 ? { username: `op${n}` } : {}) } }
          : {}),
        at: FROM + n * 60_000,
        with: () => ({ messages: [], result: undefined }),
      });
      assert.ok(r.ok);
      assert.equal(r.ticket.opener !== undefined, kept);
    }
    const out = `${dir}/r.xlsx`;
    await buildReport(kv, {
      from: FROM,
      to: FROM + 7 * DAY,
      settings: { ...defaultSettings(), timeZone: "UTC" },
      out,
      now: FROM + 7 * DAY,
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await Deno.readFile(out)).buffer);
    const ws = wb.getWorksheet("Tickets");
    assert.ok(ws);
    const header = (ws.getRow(1).values as unknown[]).map(String);
    const [ticket, client, username] = ["Ticket", "Client", "Username"].map((h) => {
      const i = header.indexOf(h);
      assert.ok(i > 0, `no column ${h}`);
      return i;
    });
    assert.equal(ws.rowCount, total + 1);
    for (let r = 2; r <= ws.rowCount; r++) {
      const row = ws.getRow(r);
      const n = row.getCell(ticket!).value as number;
      assert.equal(n, r - 1, "rows in ticket order");
      const kept = n % 3 !== 0;
      assert.equal(row.getCell(client!).value, kept ? `Opener${n}` : "Renamed", `ticket ${n}`);
      const user = kept ? (n % 2 ? `@op${n}` : null) : "@new_name";
      assert.equal(row.getCell(username!).value ?? null, user, `ticket ${n}`);
    }
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
});
