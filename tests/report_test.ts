// Over 400 lines on purpose: each test is one scripted history with its hand-computed figures read
// back cell by cell, and they share the small history builders at the top of this file.
import assert from "node:assert/strict";
import type { CellValue, Worksheet } from "exceljs";
import ExcelJS from "../src/services/report/excel.ts";
import type { Direction, MessageRecord } from "../src/domain/records.ts";
import { defaultSettings, type Settings } from "../src/domain/settings.ts";
import {
  type Actor,
  clientWrote,
  close,
  managerReplied,
  putOnHold,
  rate,
  releaseHold,
  reopen,
  take,
  type Ticket,
  transfer,
  type Transition,
} from "../src/domain/ticket.ts";
import { putManager, upsertClient } from "../src/storage/people.ts";
import { getSettings, updateSettings } from "../src/storage/settings.ts";
import {
  changeTicket,
  createTicket,
  getTicket,
  setPostId,
  setThreadRoot,
} from "../src/storage/tickets.ts";
import { dueThresholds } from "../src/domain/sla.ts";
import { periodOf, periodOfDates } from "../src/services/report/period.ts";
import { buildReport, ticketLink } from "../src/services/report/report.ts";

const MIN = 60_000;
const H = 3_600_000;
const DAY = 86_400_000;
/** An instant from Moscow wall-clock time (UTC+3 all year). */
const msk = (local: string) => Date.parse(`${local}:00+03:00`);

const ANNA = 501, BORIS = 502, IVAN = 42, OLGA = 43;
const anna: Actor = { role: "manager", id: ANNA };
const boris: Actor = { role: "manager", id: BORIS };
const ivan: Actor = { role: "client", id: IVAN };
const olga: Actor = { role: "client", id: OLGA };

let messageId = 1000;
type Say = { direction: Direction; senderId: number };

/** Applies a domain transition through the real storage, with the messages it carries. */
async function act(
  kv: Deno.Kv,
  n: number,
  at: number,
  fn: (t: Ticket) => Transition,
  say: Say[] = [],
): Promise<void> {
  const r = await changeTicket(kv, n, at, (t, nextSeq) => {
    const tr = fn(t);
    if (!tr.ok) return { refuse: tr.reason };
    return {
      ticket: tr.ticket,
      events: [{ ...tr.event, seq: nextSeq() }],
      messages: say.map((m): MessageRecord => ({
        ticket: n,
        seq: nextSeq(),
        at,
        direction: m.direction,
        senderId: m.senderId,
        kind: "text",
        text: "…",
        source: { chatId: m.senderId, messageId: ++messageId },
        delivery: "sent",
      })),
      result: undefined,
    };
  });
  assert.ok(r.ok, `transition refused: ${JSON.stringify(r)}`);
}

async function open(kv: Deno.Kv, topic: string, client: number, at: number): Promise<number> {
  const r = await createTicket(kv, {
    topic,
    clientId: client,
    at,
    with: (t, nextSeq) => ({
      messages: [{
        ticket: t.number,
        seq: nextSeq(),
        at,
        direction: "in",
        senderId: client,
        kind: "text",
        text: "help",
        source: { chatId: client, messageId: ++messageId },
        delivery: "sent",
      }],
      result: undefined,
    }),
  });
  assert.ok(r.ok);
  return r.ticket.number;
}

/** Test data; the comments give the working time by hand (Mon–Fri 09–18 Moscow). */
async function seed(kv: Deno.Kv): Promise<void> {
  for (const [id, name] of [[ANNA, "Anna"], [BORIS, "Boris"]] as const) {
    await putManager(kv, {
      id,
      name,
      lang: "en",
      addedAt: 0,
      addedBy: 1,
      active: true,
      mute: [],
    });
  }
  await upsertClient(kv, {
    id: IVAN,
    firstName: "Ivan",
    lastName: "Petrov",
    username: "ivan",
    lang: "en",
  }, 0);
  await upsertClient(kv, { id: OLGA, firstName: "Olga", lang: "ru" }, 0);

  // #1 before the period (Thu 8 Jan), not in the report.
  const t1 = await open(kv, "Delivery", OLGA, msk("2026-01-08T10:00"));
  await act(
    kv,
    t1,
    msk("2026-01-08T10:10"),
    (t) => managerReplied(t, anna, msk("2026-01-08T10:10")),
    [
      { direction: "out", senderId: ANNA },
    ],
  );
  await act(kv, t1, msk("2026-01-08T12:00"), (t) => close(t, anna, msk("2026-01-08T12:00")));

  // #2 opened before the period, answered inside it: only Boris's message counts.
  const t2 = await open(kv, "Delivery", OLGA, msk("2026-01-08T17:50"));
  await act(
    kv,
    t2,
    msk("2026-01-09T09:10"),
    (t) => managerReplied(t, boris, msk("2026-01-09T09:10")),
    [
      { direction: "out", senderId: BORIS },
    ],
  );
  await act(kv, t2, msk("2026-01-09T10:00"), (t) => close(t, boris, msk("2026-01-09T10:00")));

  // #3 Friday 17:00, first reply Monday 09:30: 1:30 of working time (64.5 h on the wall clock),
  // a reaction breach; closed 11:00 (1:30 of the team's time, then 1:30 waiting for the
  // customer), rated 5, reopened, transferred to Boris, answered in 0:10, closed after 1:00
  // (0:10 and 0:50 waiting). Resolution 1:40 in all, 2:20 waiting.
  const t3 = await open(kv, "Billing", IVAN, msk("2026-01-09T17:00"));
  await setPostId(kv, t3, 77, msk("2026-01-09T17:00"));
  await setThreadRoot(kv, 77, 901, msk("2026-01-09T17:00"));
  const at3 = (s: string) => msk(s);
  await act(kv, t3, at3("2026-01-09T17:05"), (t) => take(t, anna, at3("2026-01-09T17:05")));
  await act(
    kv,
    t3,
    at3("2026-01-12T09:30"),
    (t) => managerReplied(t, anna, at3("2026-01-12T09:30")),
    [
      { direction: "out", senderId: ANNA },
    ],
  );
  await act(kv, t3, at3("2026-01-12T11:00"), (t) => close(t, anna, at3("2026-01-12T11:00")));
  await act(
    kv,
    t3,
    at3("2026-01-12T11:05"),
    (t) => rate(t, ivan, 5, "Thanks!", at3("2026-01-12T11:05")),
  );
  await act(kv, t3, at3("2026-01-12T12:00"), (t) => reopen(t, ivan, at3("2026-01-12T12:00")), [
    { direction: "in", senderId: IVAN },
  ]);
  await act(
    kv,
    t3,
    at3("2026-01-12T12:05"),
    (t) => transfer(t, anna, BORIS, at3("2026-01-12T12:05")),
  );
  await act(
    kv,
    t3,
    at3("2026-01-12T12:10"),
    (t) => managerReplied(t, boris, at3("2026-01-12T12:10")),
    [
      { direction: "out", senderId: BORIS },
    ],
  );
  await act(kv, t3, at3("2026-01-12T13:00"), (t) => close(t, boris, at3("2026-01-12T13:00")));

  // #4 Tuesday 10:00, Boris answers 10:05, closes Wednesday 15:00: 8:00 + 6:00 = 14:00 on the
  // working clock, of which 13:55 the customer's move: resolution 0:05, no breach (the SLA
  // raised none); rated 2.
  const t4 = await open(kv, "Delivery", OLGA, msk("2026-01-13T10:00"));
  await act(
    kv,
    t4,
    msk("2026-01-13T10:05"),
    (t) => managerReplied(t, boris, msk("2026-01-13T10:05")),
    [
      { direction: "out", senderId: BORIS },
    ],
  );
  await act(
    kv,
    t4,
    msk("2026-01-13T11:00"),
    (t) => managerReplied(t, boris, msk("2026-01-13T11:00")),
    [
      { direction: "out", senderId: BORIS },
    ],
  );
  await act(kv, t4, msk("2026-01-14T15:00"), (t) => close(t, boris, msk("2026-01-14T15:00")));
  await act(
    kv,
    t4,
    msk("2026-01-14T15:10"),
    (t) => rate(t, olga, 2, "slow", msk("2026-01-14T15:10")),
  );

  // #5 Thursday 16:00, taken by Anna, unanswered at "now" (Friday 12:00): 2:00 + 3:00 = 5:00
  // waiting, a reaction breach; the close target (8:00) is not reached yet.
  const t5 = await open(kv, "Billing", IVAN, msk("2026-01-15T16:00"));
  await act(kv, t5, msk("2026-01-15T16:01"), (t) => take(t, anna, msk("2026-01-15T16:01")));
}

const NOW = msk("2026-01-16T12:00");
const settings: Settings = {
  ...defaultSettings(),
  timeZone: "Europe/Moscow",
  groupId: -1001234567890,
  channelId: -1009876543210,
  holidays: ["2026-01-01", "2026-01-02"],
};

/** A duration cell back in ms (exceljs reads `[h]:mm:ss` cells as dates). */
function ms(v: CellValue): number | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return Math.round(v.getTime() + 25569 * DAY);
  if (typeof v === "number") return Math.round(v * DAY);
  throw new Error(`not a duration: ${JSON.stringify(v)}`);
}

/** A header without the time zone local times name, "Created (Europe/Moscow)" → "Created". */
const bare = (h: string) => h.replace(/ \([A-Za-z_]+\/[A-Za-z_]+\)$/, "");

/** Rows of a sheet as header → value records (headers without their time zone). */
function records(ws: Worksheet): Array<Record<string, CellValue>> {
  const header = (ws.getRow(1).values as CellValue[]).slice(1).map(String).map(bare);
  const out: Array<Record<string, CellValue>> = [];
  for (let r = 2; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const rec: Record<string, CellValue> = {};
    header.forEach((h, i) => rec[h] = row.getCell(i + 1).value ?? null);
    out.push(rec);
  }
  return out;
}

function fillOf(ws: Worksheet, row: number, header: string): string | undefined {
  const headers = (ws.getRow(1).values as CellValue[]).map(String).map(bare);
  const fill = ws.getRow(row).getCell(headers.indexOf(header)).fill;
  return fill && fill.type === "pattern" ? fill.fgColor?.argb : undefined;
}

/** The seeded week: Friday 9 Jan to Friday 16 Jan inclusive, Moscow. */
function knownWeek() {
  return periodOfDates(
    { year: 2026, month: 1, day: 9 },
    { year: 2026, month: 1, day: 16 },
    "Europe/Moscow",
    true,
  );
}

Deno.test("report: figures of a known week, cell by cell", async () => {
  const kv = await Deno.openKv(":memory:");
  const dir = await Deno.makeTempDir();
  try {
    await seed(kv);
    const period = knownWeek();
    assert.equal(period.from, msk("2026-01-09T00:00"));
    assert.equal(period.to, msk("2026-01-17T00:00"));
    const out = `${dir}/report.xlsx`;
    const progress: number[] = [];
    const summary = await buildReport(kv, {
      ...period,
      settings,
      out,
      now: NOW,
      onProgress: (done) => progress.push(done),
    });
    assert.deepEqual(
      { ...summary, from: 0, to: 0 },
      {
        from: 0,
        to: 0,
        tickets: 3,
        cycles: 4,
        breaches: 2,
        ratings: 2,
        scanned: 5,
        messagesOut: 5,
        // Reactions 1:30, 0:10, 0:05 (#5 unanswered); 2 of 4 judged within target; ratings 5
        // and 2: one of two is 4–5★; #5 is still open at the end.
        medianFirstReplyMs: 10 * MIN,
        reactionShare: 0.5,
        // Resolutions 0:10, 1:30, 0:05 (closed by managers; the customer's moves left out).
        medianResolutionMs: 10 * MIN,
        csat: 0.5,
        backlog: 1,
        // clients wrote Fri 17:00 (#3), Mon 12:00 (#3 reopened), Tue 10:00 (#4), Thu 16:00
        // (#5): one each, the first of the week wins
        busiest: { weekday: 1, hour: 12, messages: 1 },
        // no ready answers solved anything
        faqSolved: 0,
        faqByTopic: new Map(),
      },
    );
    assert.equal(progress.at(-1), 5);

    const wb = new ExcelJS.Workbook();
    // Read with Deno: exceljs' readFile goes through node:fs, which asks for --allow-sys.
    await wb.xlsx.load((await Deno.readFile(out)).buffer);
    assert.deepEqual(wb.worksheets.map((w) => w.name), [
      "Overview",
      "Summary by manager",
      "Summary by topic",
      "Load by hour",
      "Tickets",
      "SLA breaches",
      "Ratings",
      "Parameters",
    ]);
    for (const ws of wb.worksheets) {
      assert.equal(ws.views[0]?.state, "frozen", ws.name);
      assert.ok(ws.autoFilter, `${ws.name} has an autofilter`);
      assert.equal(ws.getRow(1).getCell(1).font?.bold, true);
    }

    // Summary by manager: rows sorted by name, then the total.
    const managers = records(wb.getWorksheet("Summary by manager")!);
    assert.deepEqual(managers.map((r) => r["Manager"]), ["Anna", "Boris", "Total"]);
    const [a, b, total] = managers as [
      Record<string, CellValue>,
      Record<string, CellValue>,
      Record<string, CellValue>,
    ];
    // Anna: #3 cycle 1 (closed, reopened later), #3 cycle 2 until the transfer, and #5 (open).
    // Time held: Fri 17:05–18:00 + Mon 9:00–11:00 = 2:55; Mon 12:00–12:05; Thu 16:01–18:00 +
    // Fri 9:00–12:00 = 4:59. The 5 minutes before she took #3 and #5 are nobody's.
    assert.equal(a["Work periods held"], 3);
    assert.equal(ms(a["Time held"]!), 7 * H + 59 * MIN);
    assert.equal(a["Reaction breaches"], 2);
    assert.equal(a["Resolution breaches"], 0);
    assert.equal(a["Closed"], 1);
    assert.equal(a["Resolved, then reopened"], 1);
    assert.equal(a["Started by a reopening"], 0);
    assert.equal(ms(a["Median reaction"]!), 90 * MIN);
    assert.equal(ms(a["Mean reaction"]!), 90 * MIN);
    assert.equal(a["Reaction within target"], 0);
    assert.equal(ms(a["Median resolution"]!), 90 * MIN);
    assert.equal(ms(a["Mean waiting for the customer / on hold"]!), 90 * MIN);
    assert.equal(a["Resolution within target"], 1);
    assert.equal(a["Average rating"], 5);
    assert.equal(a["Ratings"], 1);
    assert.equal(a["Messages sent"], 1);
    // Boris: #3 cycle 2 and #4; his reply in #2 counts as a message only.
    assert.equal(b["Work periods held"], 2);
    // #3 12:05–13:00 and #4 Tue 10:05 to Wed 15:00 (7:55 + 6:00).
    assert.equal(ms(b["Time held"]!), 14 * H + 50 * MIN);
    assert.equal(b["Reaction breaches"], 0);
    assert.equal(b["Resolution breaches"], 0);
    assert.equal(b["Closed"], 2);
    assert.equal(b["Started by a reopening"], 1);
    assert.equal(ms(b["Median reaction"]!), 7.5 * MIN);
    assert.equal(b["Reaction within target"], 1);
    // 0:10 and 0:05; waiting 0:50 and 13:55
    assert.equal(ms(b["Median resolution"]!), 7.5 * MIN);
    assert.equal(ms(b["Mean resolution"]!), 7.5 * MIN);
    assert.equal(ms(b["Mean waiting for the customer / on hold"]!), 7 * H + 22.5 * MIN);
    assert.equal(b["Resolution within target"], 1);
    assert.equal(b["Average rating"], 2);
    assert.equal(b["Messages sent"], 4);
    assert.equal(total["Work periods held"], 4);
    assert.equal(ms(total["Median reaction"]!), 10 * MIN);
    assert.equal(ms(total["Mean reaction"]!), 35 * MIN);
    assert.equal(total["Reaction within target"], 0.5);
    assert.equal(ms(total["Median resolution"]!), 10 * MIN);
    assert.equal(ms(total["Mean resolution"]!), 35 * MIN);
    // (1:30 + 0:50 + 13:55) / 3
    assert.equal(ms(total["Mean waiting for the customer / on hold"]!), 5 * H + 25 * MIN);
    assert.equal(total["Resolution within target"], 1);
    assert.equal(total["Average rating"], 3.5);
    assert.equal(total["Messages sent"], 5);
    // ratings 5★ and 2★: CSAT one of two, and the distribution
    assert.equal(total["CSAT (4–5★ share)"], 0.5);
    assert.deepEqual(
      [5, 4, 3, 2, 1].map((n) => total[`${n}★ ratings`]),
      [1, 0, 0, 1, 0],
    );

    // Overview: the headline figures (no previous period asked for: no comparison columns)
    const overview = records(wb.getWorksheet("Overview")!);
    const fig = (name: string) => overview.find((r) => r["Figure"] === name);
    const thisPeriod = Object.keys(overview[0]!).find((k) => k.startsWith("This period ("));
    assert.ok(thisPeriod, "a column for this period, with its dates");
    assert.equal(fig("Tickets")?.[thisPeriod!], "3");
    assert.equal(fig("Median first reply (working time)")?.[thisPeriod!], "0:10");
    assert.equal(fig("Median resolution (working time)")?.[thisPeriod!], "0:10");
    assert.equal(fig("CSAT (share of 4–5★)")?.[thisPeriod!], "50%");
    assert.equal(fig("Still open at the end")?.[thisPeriod!], "1");
    assert.ok(!Object.keys(overview[0]!).some((k) => k.startsWith("Previous period")));
    assert.equal(
      fig("Busiest hour (client messages)")?.[thisPeriod!],
      "Mon 12:00–13:00 (Europe/Moscow): 1",
    );
    // Load by hour: the four client messages and the four work periods in their local hours
    const lws = wb.getWorksheet("Load by hour")!;
    assert.equal(lws.getRow(1).getCell(1).value, "Hour (Europe/Moscow)");
    const load = records(lws);
    assert.equal(load.length, 24);
    const hour = (h: string) => load.find((r) => r["Hour"] === h);
    assert.deepEqual(
      ["10:00–11:00", "12:00–13:00", "16:00–17:00", "17:00–18:00"].map((h) => {
        const r = hour(h);
        assert.ok(r, h);
        return [
          r["Mon"],
          r["Tue"],
          r["Thu"],
          r["Fri"],
          r["Client messages, all days"],
          r[
            "Requests started"
          ],
        ];
      }),
      [[0, 1, 0, 0, 1, 1], [1, 0, 0, 0, 1, 1], [0, 0, 1, 0, 1, 1], [0, 0, 0, 1, 1, 1]],
    );
    const sum = (k: string) => load.reduce((a, r) => a + Number(r[k]), 0);
    assert.equal(sum("Client messages, all days"), 4);
    assert.equal(sum("Requests started"), 4);
    // Anna's median reaction (1:30) is over the 15-minute target.
    const mws = wb.getWorksheet("Summary by manager")!;
    assert.equal(fillOf(mws, 2, "Median reaction"), "FFFFC7CE");
    assert.equal(fillOf(mws, 3, "Median reaction"), undefined);
    assert.equal(mws.getRow(4).getCell(1).font?.bold, true);

    const topics = records(wb.getWorksheet("Summary by topic")!);
    assert.deepEqual(
      topics.map((r) => [r["Topic"], r["Work periods held"], r["Messages sent"]]),
      [["Billing", 3, 2], ["Delivery", 1, 3], ["Total", 4, 5]],
    );

    // Tickets: #3, #4, #5.
    const tws = wb.getWorksheet("Tickets")!;
    // Every local time names its time zone; durations are working time, zone-free.
    const theaders = (tws.getRow(1).values as CellValue[]).slice(1).map(String);
    assert.deepEqual(theaders.filter((h) => h.includes("(Europe/Moscow)")), [
      "Created (Europe/Moscow)",
      "First reply (Europe/Moscow)",
      "Closed at (Europe/Moscow)",
      "Last activity (Europe/Moscow)",
    ]);
    const tickets = records(tws);
    assert.deepEqual(tickets.map((r) => r["Ticket"]), [3, 4, 5]);
    const [t3, t4, t5] = tickets as [
      Record<string, CellValue>,
      Record<string, CellValue>,
      Record<string, CellValue>,
    ];
    assert.deepEqual(t3["Thread"], {
      formula: 'HYPERLINK("https://t.me/c/1234567890/901?thread=901","#3")',
      result: "#3",
    });
    assert.equal(t3["Topic"], "Billing");
    assert.equal(t3["Status"], "closed");
    assert.equal(t3["Client"], "Ivan Petrov");
    assert.equal(t3["Username"], "@ivan");
    assert.equal(t3["Client id"], IVAN);
    assert.equal(t3["Manager"], "Boris");
    // Timestamps read as the Moscow wall clock.
    assert.equal((t3["Created"] as Date).toISOString(), "2026-01-09T17:00:00.000Z");
    assert.equal((t3["First reply"] as Date).toISOString(), "2026-01-12T09:30:00.000Z");
    assert.equal((t3["Closed at"] as Date).toISOString(), "2026-01-12T13:00:00.000Z");
    assert.equal(t3["Work periods"], 2);
    assert.equal(t3["Work periods in this report"], 2);
    assert.equal(t3["Reopened"], 1);
    assert.equal(ms(t3["First reply time"]!), 90 * MIN);
    assert.equal(t3["Reaction within target"], "no");
    assert.equal(ms(t3["Resolution (total)"]!), 100 * MIN);
    assert.equal(ms(t3["Waiting for the customer / on hold"]!), 140 * MIN);
    assert.equal(t3["Reaction breaches"], 1);
    assert.equal(t3["Resolution breaches"], 0);
    assert.equal(t3["Average rating"], 5);
    assert.equal(t3["Messages from client"], 2);
    assert.equal(t3["Messages to client"], 2);
    assert.equal(fillOf(tws, 2, "First reply time"), "FFFFC7CE");
    assert.equal(fillOf(tws, 2, "Resolution (total)"), undefined);

    assert.equal(t4["Thread"], null);
    assert.equal(t4["Client"], "Olga");
    assert.equal(t4["Username"], null);
    assert.equal(ms(t4["First reply time"]!), 5 * MIN);
    assert.equal(t4["Reaction within target"], "yes");
    assert.equal(ms(t4["Resolution (total)"]!), 5 * MIN);
    assert.equal(ms(t4["Waiting for the customer / on hold"]!), 13 * H + 55 * MIN);
    assert.equal(t4["Resolution breaches"], 0);
    assert.equal(fillOf(tws, 3, "Resolution (total)"), undefined);
    assert.equal(t4["Messages to client"], 2);

    assert.equal(t5["Status"], "in progress");
    assert.equal(t5["Manager"], "Anna");
    assert.equal(t5["First reply"], null);
    assert.equal(t5["First reply time"], null);
    assert.equal(t5["Reaction within target"], "no");
    assert.equal(t5["Resolution (total)"], null);
    assert.equal(ms(t5["Waiting for the customer / on hold"]!), 0);
    assert.equal(t5["Reaction breaches"], 1);

    // SLA breaches, in ticket order.
    const breaches = records(wb.getWorksheet("SLA breaches")!);
    assert.deepEqual(
      breaches.map((r) => [
        r["Ticket"],
        r["Work period"],
        r["Breach"],
        ms(r["Working time"]!),
        ms(r["Target"]!),
        ms(r["Over by"]!),
        r["Manager"],
        r["Client"],
      ]),
      [
        [3, 1, "Reaction", 90 * MIN, 15 * MIN, 75 * MIN, "Anna", "Ivan Petrov"],
        [5, 1, "Reaction", 5 * H, 15 * MIN, 5 * H - 15 * MIN, "Anna", "Ivan Petrov"],
      ],
    );
    assert.equal(breaches[1]!["Replied / closed at"], null);

    const ratings = records(wb.getWorksheet("Ratings")!);
    assert.deepEqual(
      ratings.map((r) => [r["Ticket"], r["Work period"], r["Score"], r["Comment"], r["Manager"]]),
      [[3, 1, 5, "Thanks!", "Anna"], [4, 1, 2, "slow", "Boris"]],
    );

    const params = Object.fromEntries(
      records(wb.getWorksheet("Parameters")!).map((r) => [r["Parameter"], r["Value"]]),
    );
    assert.equal(params["Period from"], "2026-01-09 00:00");
    assert.equal(params["Period to (exclusive)"], "2026-01-17 00:00");
    assert.equal(params["Time zone"], "Europe/Moscow");
    assert.equal(params["Working hours"], "mon-fri 09:00-18:00");
    assert.equal(params["Holidays"], "2026-01-01, 2026-01-02");
    assert.equal(params["Reaction target"], "0:15:00");
    assert.equal(params["Close target"], "8:00:00");
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("report: ratings at or under the admins' low-rating threshold stand out", async () => {
  const kv = await Deno.openKv(":memory:");
  const dir = await Deno.makeTempDir();
  try {
    await seed(kv);
    const period = knownWeek();
    const fills = async (lowRating: number) => {
      const out = `${dir}/low${lowRating}.xlsx`;
      await buildReport(kv, { ...period, settings: { ...settings, lowRating }, out, now: NOW });
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await Deno.readFile(out)).buffer);
      const ws = wb.getWorksheet("Ratings")!;
      assert.deepEqual(records(ws).map((r) => r["Score"]), [5, 2]);
      return [fillOf(ws, 2, "Score"), fillOf(ws, 3, "Score")];
    };
    assert.deepEqual(await fills(2), [undefined, "FFFFC7CE"]);
    // the threshold set in the settings bot, not a second one of the report's own
    assert.deepEqual(await fills(5), ["FFFFC7CE", "FFFFC7CE"]);
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("report: to a web stream, in Russian, an empty period", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    await seed(kv);
    const chunks: Uint8Array[] = [];
    const out = new WritableStream<Uint8Array>({ write: (c) => void chunks.push(c) });
    const summary = await buildReport(kv, {
      ...periodOf("last_month", NOW, "Europe/Moscow"),
      settings,
      out,
      now: NOW,
      lang: "ru",
      spillToMemory: true,
    });
    assert.equal(summary.tickets, 0);
    const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let off = 0;
    for (const c of chunks) bytes.set(c, off), off += c.length;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes.buffer);
    assert.deepEqual(wb.worksheets.map((w) => w.name), [
      "Обзор",
      "Сводка по менеджерам",
      "Сводка по темам",
      "Нагрузка по часам",
      "Заявки",
      "Нарушения SLA",
      "Оценки",
      "Параметры",
    ]);
    assert.equal(wb.getWorksheet("Заявки")!.rowCount, 1);
    // Only the total row.
    assert.equal(wb.getWorksheet("Сводка по менеджерам")!.getRow(2).getCell(1).value, "Итого");
  } finally {
    kv.close();
  }
});

Deno.test("report: named periods and thread links", () => {
  // Wednesday 4 March 2026, 12:00 UTC.
  const now = Date.UTC(2026, 2, 4, 12);
  const iso = (p: { from: number; to: number }) => [
    new Date(p.from).toISOString(),
    new Date(p.to).toISOString(),
  ];
  assert.deepEqual(iso(periodOf("this_week", now, "Europe/Moscow")), [
    "2026-03-01T21:00:00.000Z",
    "2026-03-08T21:00:00.000Z",
  ]);
  assert.deepEqual(iso(periodOf("last_week", now, "UTC")), [
    "2026-02-23T00:00:00.000Z",
    "2026-03-02T00:00:00.000Z",
  ]);
  assert.deepEqual(iso(periodOf("this_month", now, "Europe/Berlin")), [
    "2026-02-28T23:00:00.000Z",
    "2026-03-31T22:00:00.000Z",
  ]);
  assert.deepEqual(iso(periodOf("last_month", Date.UTC(2026, 0, 10), "UTC")), [
    "2025-12-01T00:00:00.000Z",
    "2026-01-01T00:00:00.000Z",
  ]);
  // Havana springs forward at midnight: 8 March 2026 starts at 01:00 local.
  assert.deepEqual(
    iso(
      periodOfDates(
        { year: 2026, month: 3, day: 8 },
        { year: 2026, month: 3, day: 8 },
        "America/Havana",
        true,
      ),
    ),
    ["2026-03-08T05:00:00.000Z", "2026-03-09T04:00:00.000Z"],
  );
  const chats = { groupId: -1001234567890, channelId: -1009876543210 };
  assert.equal(
    ticketLink(chats, { threadId: 5, postId: 3 }),
    "https://t.me/c/1234567890/5?thread=5",
  );
  assert.equal(ticketLink(chats, { threadId: null, postId: 3 }), "https://t.me/c/9876543210/3");
  assert.equal(ticketLink({ groupId: -42, channelId: null }, { threadId: 5, postId: 3 }), null);
});

/**
 * The week of Mon 19 Jan 2026 (Mon–Fri 09–18 Moscow, targets 0:15 and 8:00). Each ticket plays
 * one attribution rule; the comments give the figures by hand.
 */
async function seedAttribution(kv: Deno.Kv): Promise<void> {
  for (const [id, name] of [[ANNA, "Anna"], [BORIS, "Boris"]] as const) {
    await putManager(kv, { id, name, lang: "en", addedAt: 0, addedBy: 1, active: true, mute: [] });
  }
  await upsertClient(kv, { id: IVAN, firstName: "Ivan", lang: "en" }, 0);
  await upsertClient(kv, { id: OLGA, firstName: "Olga", lang: "en" }, 0);
  const step = (n: number, local: string, fn: (t: Ticket, at: number) => Transition) =>
    act(kv, n, msk(local), (t) => fn(t, msk(local)));

  // #1 transfer mid-ticket, breach before the transfer: Anna takes it at 09:05 and holds it
  // past the 15-minute target (crossed 09:15), hands it to Boris at 09:40; Boris replies 09:50
  // (reaction 0:50, his, not within target; the breach is Anna's) and closes 10:00 (0:50: the
  // last 0:10 were the customer's move).
  // Held: nobody 0:05, Anna 0:35, Boris 0:20.
  const a = await open(kv, "Billing", IVAN, msk("2026-01-19T09:00"));
  await step(a, "2026-01-19T09:05", (t, at) => take(t, anna, at));
  await step(a, "2026-01-19T09:40", (t, at) => transfer(t, anna, BORIS, at));
  await step(a, "2026-01-19T09:50", (t, at) => managerReplied(t, boris, at));
  await step(a, "2026-01-19T10:00", (t, at) => close(t, boris, at));
  // #2 closed by blocking the client: Boris replies 11:10 (0:10), blocks at 12:00; no resolution
  // (0:50 waiting for the customer).
  const b = await open(kv, "Billing", OLGA, msk("2026-01-19T11:00"));
  await step(b, "2026-01-19T11:10", (t, at) => managerReplied(t, boris, at));
  await step(b, "2026-01-19T12:00", (t, at) => close(t, boris, at, "block"));
  // #3 auto-closed: Anna replies 13:05 (0:05), the service closes it Tue 13:00 (9:00 after the
  // start, 8:55 of it waiting for the customer; neither a resolution nor a breach). Anna held it
  // 8:55.
  const c = await open(kv, "Delivery", OLGA, msk("2026-01-19T13:00"));
  await step(c, "2026-01-19T13:05", (t, at) => managerReplied(t, anna, at));
  await step(c, "2026-01-20T13:00", (t, at) => close(t, { role: "system", id: 0 }, at));
  // #4 closed by the client: unassigned when the reaction target is crossed (10:15), so the
  // breach is nobody's; Boris replies 10:20 (0:20, his), Ivan closes 11:00 (0:40 waiting).
  const d = await open(kv, "Delivery", IVAN, msk("2026-01-20T10:00"));
  await step(d, "2026-01-20T10:20", (t, at) => managerReplied(t, boris, at));
  await step(d, "2026-01-20T11:00", (t, at) => close(t, ivan, at));
  // #5 a manager's own reopen: Anna replies 10:05, closes 10:30 (0:05, then 0:25 waiting),
  // reopens it herself at 14:00 and writes at 15:00 (no reaction counted), closes 15:30 (1:00,
  // then 0:30 waiting).
  const e = await open(kv, "Delivery", OLGA, msk("2026-01-21T10:00"));
  await step(e, "2026-01-21T10:05", (t, at) => managerReplied(t, anna, at));
  await step(e, "2026-01-21T10:30", (t, at) => close(t, anna, at));
  await step(e, "2026-01-21T14:00", (t, at) => reopen(t, anna, at));
  await step(e, "2026-01-21T15:00", (t, at) => managerReplied(t, anna, at));
  await step(e, "2026-01-21T15:30", (t, at) => close(t, anna, at));
}

Deno.test("report: attribution on transfer, block, auto-close, client close, own reopen", async () => {
  const kv = await Deno.openKv(":memory:");
  const dir = await Deno.makeTempDir();
  try {
    await seedAttribution(kv);
    const out = `${dir}/report.xlsx`;
    const period = periodOfDates(
      { year: 2026, month: 1, day: 19 },
      { year: 2026, month: 1, day: 23 },
      "Europe/Moscow",
      true,
    );
    const summary = await buildReport(kv, {
      ...period,
      settings,
      out,
      now: msk("2026-01-23T12:00"),
    });
    assert.equal(summary.cycles, 6);
    assert.equal(summary.breaches, 2);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await Deno.readFile(out)).buffer);
    const rows = records(wb.getWorksheet("Summary by manager")!);
    const by = Object.fromEntries(rows.map((r) => [String(r["Manager"]), r]));
    assert.deepEqual(Object.keys(by).sort(), ["(unassigned)", "Anna", "Boris", "Total"]);
    const figures = (r: Record<string, CellValue>) => ({
      taken: r["Work periods held"],
      held: ms(r["Time held"]!),
      closed: r["Closed"],
      reopenedLater: r["Resolved, then reopened"],
      reopenings: r["Started by a reopening"],
      medianReaction: ms(r["Median reaction"]!),
      p90Reaction: ms(r["Reaction, 90% within"]!),
      reactionShare: r["Reaction within target"],
      medianResolution: ms(r["Median resolution"]!),
      p90Resolution: ms(r["Resolution, 90% within"]!),
      resolutionShare: r["Resolution within target"],
      reactionBreaches: r["Reaction breaches"],
      resolutionBreaches: r["Resolution breaches"],
      byClient: r["Closed by client"],
      auto: r["Closed automatically"],
      block: r["Closed by blocking"],
    });
    // Anna: #1 (0:35), #3 (8:55), #5 both periods (0:25 + 1:30). Her reactions: #3 and #5's
    // first (0:05 each); her resolutions #5 0:05 and 1:00; the breach of #1 is hers.
    assert.deepEqual(figures(by["Anna"]!), {
      taken: 4,
      held: 11 * H + 25 * MIN,
      closed: 2,
      reopenedLater: 1,
      reopenings: 1,
      medianReaction: 5 * MIN,
      p90Reaction: 5 * MIN,
      reactionShare: 1,
      medianResolution: 32.5 * MIN,
      p90Resolution: 60 * MIN,
      resolutionShare: 1,
      reactionBreaches: 1,
      resolutionBreaches: 0,
      byClient: 0,
      auto: 1,
      block: 0,
    });
    // Boris: #1 (0:20), #2 (0:50), #4 (0:40); reactions 0:50, 0:10, 0:20 (one of three within
    // target); one resolution (#1, 0:50); the block and the client's close are apart.
    assert.deepEqual(figures(by["Boris"]!), {
      taken: 3,
      held: 110 * MIN,
      closed: 1,
      reopenedLater: 0,
      reopenings: 0,
      medianReaction: 20 * MIN,
      // Nearest rank: the 3rd of 3 values.
      p90Reaction: 50 * MIN,
      reactionShare: 1 / 3,
      medianResolution: 50 * MIN,
      p90Resolution: 50 * MIN,
      resolutionShare: 1,
      reactionBreaches: 0,
      resolutionBreaches: 0,
      byClient: 1,
      auto: 0,
      block: 1,
    });
    assert.equal(by["(unassigned)"]!["Reaction breaches"], 1);
    assert.equal(by["(unassigned)"]!["Work periods held"], 0);
    // Total: reactions 0:05, 0:05, 0:10, 0:20, 0:50 (3 of 5 within); resolutions 0:05, 0:50, 1:00.
    const total = figures(by["Total"]!);
    assert.equal(total.taken, 6);
    assert.equal(total.closed, 3);
    assert.equal(total.medianReaction, 10 * MIN);
    assert.equal(total.reactionShare, 0.6);
    assert.equal(total.medianResolution, 50 * MIN);
    assert.equal(total.resolutionShare, 1);
    assert.deepEqual([total.byClient, total.auto, total.block], [1, 1, 1]);
    assert.deepEqual([total.reactionBreaches, total.resolutionBreaches], [2, 0]);

    const breaches = records(wb.getWorksheet("SLA breaches")!);
    assert.deepEqual(
      breaches.map((r) => [r["Ticket"], r["Breach"], ms(r["Working time"]!), r["Manager"]]),
      [[1, "Reaction", 50 * MIN, "Anna"], [4, "Reaction", 20 * MIN, "(unassigned)"]],
    );
    const params = Object.fromEntries(
      records(wb.getWorksheet("Parameters")!).map((r) => [r["Parameter"], r["Value"]]),
    );
    assert.match(String(params["Definitions"]), /whoever held the ticket when the target was/);
    const tickets = records(wb.getWorksheet("Tickets")!);
    assert.equal(tickets.length, 5);
    // Only manager closes are resolutions: #2, #3, #4 have none.
    assert.deepEqual(
      tickets.map((r) => r["Resolution (total)"] === null ? null : ms(r["Resolution (total)"]!)),
      [50 * MIN, null, null, null, 65 * MIN],
    );
    // whatever ended the period, the customer's moves are shown apart
    assert.deepEqual(
      tickets.map((r) => ms(r["Waiting for the customer / on hold"]!)),
      [10 * MIN, 50 * MIN, 8 * H + 55 * MIN, 40 * MIN, 55 * MIN],
    );
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("report: settings as they were: hours and targets changed mid-period, a holiday, DST", async () => {
  const kv = await Deno.openKv(":memory:");
  const dir = await Deno.makeTempDir();
  try {
    await putManager(kv, {
      id: ANNA,
      name: "Anna",
      lang: "en",
      addedAt: 0,
      addedBy: 1,
      active: true,
      mute: [],
    });
    await upsertClient(kv, { id: IVAN, firstName: "Ivan", lang: "en" }, 0);
    const cet = (local: string) => Date.parse(`${local}:00+01:00`);
    const cest = (local: string) => Date.parse(`${local}:00+02:00`);
    const weekOf = (from: number, to: number) =>
      ({
        1: [[from, to]],
        2: [[from, to]],
        3: [[from, to]],
        4: [[from, to]],
        5: [[from, to]],
        6: [],
        7: [],
      }) as Settings["week"];
    // Until Wednesday 25 March: Mon–Fri 09–18 Berlin, reaction target 0:15. From then on:
    // 09–13, reaction target 0:30, Friday 27 March a holiday. Berlin moves to summer time on
    // Sunday 29 March.
    await updateSettings(kv, 1, cet("2026-03-01T00:00"), () => ({
      timeZone: "Europe/Berlin",
      always: false,
      week: weekOf(540, 1080),
      holidays: [],
      reactionTargetMs: 15 * MIN,
      closeTargetMs: 8 * H,
    }));
    await updateSettings(kv, 1, cet("2026-03-25T00:00"), () => ({
      week: weekOf(540, 780),
      reactionTargetMs: 30 * MIN,
      holidays: ["2026-03-27"],
    }));
    const step = (n: number, at: number, fn: (t: Ticket, at: number) => Transition) =>
      act(kv, n, at, (t) => fn(t, at));
    // #1 Mon 16:00 under the old hours: reply 16:20 (0:20, over the 0:15 then in force), close
    // 17:00 (resolution 0:20, then 0:40 waiting for the customer). Today's hours (09–13) would
    // make all of them 0.
    const t1 = await open(kv, "Billing", IVAN, cet("2026-03-23T16:00"));
    await step(t1, cet("2026-03-23T16:20"), (t, at) => managerReplied(t, anna, at));
    await step(t1, cet("2026-03-23T17:00"), (t, at) => close(t, anna, at));
    // #2 across the change: Tue 17:00, reply 17:10 (0:10, and the resolution), closed Wed 15:00:
    // waiting Tue 17:10–18:00 under the old hours plus Wed 09–13 under the new = 4:50.
    const t2 = await open(kv, "Billing", IVAN, cet("2026-03-24T17:00"));
    await step(t2, cet("2026-03-24T17:10"), (t, at) => managerReplied(t, anna, at));
    await step(t2, cet("2026-03-25T15:00"), (t, at) => close(t, anna, at));
    // #3 Thu 12:00, reply 12:20 (0:20, within the new 0:30, and the resolution), closed Mon 30
    // March 09:30 summer time: waiting Thu 12:20–13:00, Friday a holiday, Mon 09:00–09:30 = 1:10.
    const t3 = await open(kv, "Billing", IVAN, cet("2026-03-26T12:00"));
    await step(t3, cet("2026-03-26T12:20"), (t, at) => managerReplied(t, anna, at));
    await step(t3, cest("2026-03-30T09:30"), (t, at) => close(t, anna, at));

    const out = `${dir}/report.xlsx`;
    const period = periodOfDates(
      { year: 2026, month: 3, day: 23 },
      { year: 2026, month: 3, day: 30 },
      "Europe/Berlin",
      true,
    );
    await buildReport(kv, {
      ...period,
      settings: await getSettings(kv),
      out,
      now: cest("2026-03-31T12:00"),
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await Deno.readFile(out)).buffer);
    const tickets = records(wb.getWorksheet("Tickets")!);
    assert.deepEqual(
      tickets.map((r) => [
        r["Ticket"],
        ms(r["First reply time"]!),
        r["Reaction within target"],
        ms(r["Resolution (total)"]!),
        ms(r["Waiting for the customer / on hold"]!),
      ]),
      [
        [1, 20 * MIN, "no", 20 * MIN, 40 * MIN],
        [2, 10 * MIN, "yes", 10 * MIN, 4 * H + 50 * MIN],
        [3, 20 * MIN, "yes", 20 * MIN, 70 * MIN],
      ],
    );
    const breaches = records(wb.getWorksheet("SLA breaches")!);
    assert.deepEqual(
      breaches.map((r) => [r["Ticket"], r["Breach"], ms(r["Target"]!), ms(r["Over by"]!)]),
      [[1, "Reaction", 15 * MIN, 5 * MIN]],
    );
    const rows = records(wb.getWorksheet("Summary by manager")!);
    // #1's target was crossed at 16:15, before Anna answered: nobody held it then.
    assert.deepEqual(rows.map((r) => [r["Manager"], r["Reaction breaches"]]), [
      ["(unassigned)", 1],
      ["Anna", 0],
      ["Total", 1],
    ]);
    const anna_ = rows[1]!;
    assert.equal(ms(anna_["Median reaction"]!), 20 * MIN);
    assert.equal(anna_["Reaction within target"], 2 / 3);
    assert.equal(ms(anna_["Median resolution"]!), 20 * MIN);
    assert.equal(ms(anna_["Mean waiting for the customer / on hold"]!), (40 + 290 + 70) * MIN / 3);
    const params = Object.fromEntries(
      records(wb.getWorksheet("Parameters")!).map((r) => [r["Parameter"], r["Value"]]),
    );
    assert.equal(
      params["Settings changed in the period (applied from that moment on)"],
      "2026-03-25 00:00: week, reactionTargetMs, holidays",
    );
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("report: the busiest hour is counted on the team's clock", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    await upsertClient(kv, { id: IVAN, firstName: "Ivan", lang: "en" }, 0);
    /** A ticket whose client wrote at each of `times` (Moscow wall clock). */
    const wrote = async (times: string[]) => {
      const at = msk(times[0]!);
      const r = await createTicket(kv, {
        topic: "Billing",
        clientId: IVAN,
        at,
        with: (t, nextSeq) => ({
          messages: times.map((local): MessageRecord => ({
            ticket: t.number,
            seq: nextSeq(),
            at: msk(local),
            direction: "in",
            senderId: IVAN,
            kind: "text",
            text: "…",
            source: { chatId: IVAN, messageId: ++messageId },
            delivery: "sent",
          })),
          result: undefined,
        }),
      });
      assert.ok(r.ok);
    };
    // Tuesday 10:xx in Moscow is 07:xx UTC: three messages; Monday 09:30 one; a Tuesday
    // 10:20 of the week before the period is not counted
    await wrote(["2026-01-06T10:20"]);
    await wrote(["2026-01-12T09:30"]);
    await wrote(["2026-01-13T10:15", "2026-01-13T10:40", "2026-01-13T10:59"]);
    const summary = await buildReport(kv, {
      from: msk("2026-01-12T00:00"),
      to: msk("2026-01-19T00:00"),
      settings: { ...settings, always: true },
      out: new WritableStream(),
      now: msk("2026-01-19T00:00"),
      previous: true,
    });
    assert.deepEqual(summary.busiest, { weekday: 2, hour: 10, messages: 3 });
    assert.ok(summary.previous, "the previous week");
    assert.deepEqual(summary.previous.busiest, { weekday: 2, hour: 10, messages: 1 });
  } finally {
    kv.close();
  }
});

Deno.test("report: resolution on the SLA's clock, the customer's waiting in its own column", async () => {
  const kv = await Deno.openKv(":memory:");
  const dir = await Deno.makeTempDir();
  try {
    for (const [id, name] of [[ANNA, "Anna"], [BORIS, "Boris"]] as const) {
      await putManager(kv, {
        id,
        name,
        lang: "en",
        addedAt: 0,
        addedBy: 1,
        active: true,
        mute: [],
      });
    }
    await upsertClient(kv, { id: IVAN, firstName: "Ivan", lang: "en" }, 0);
    await upsertClient(kv, { id: OLGA, firstName: "Olga", lang: "en" }, 0);
    const step = (n: number, local: string, fn: (t: Ticket, at: number) => Transition) =>
      act(kv, n, msk(local), (t) => fn(t, msk(local)));
    /** The live SLA check of ticket `n` as stored now, at the Moscow instant `local`. */
    const sla = async (n: number, local: string) => {
      const t = await getTicket(kv, n);
      assert.ok(t, `ticket ${n}`);
      return { due: dueThresholds(t, settings, msk(local)), managerId: t.managerId };
    };
    // The week of Mon 26 Jan 2026 (Mon–Fri 09–18 Moscow, targets 0:15 and 8:00).
    // #1 a customer's wait in the middle: Mon 10:00, Anna answers 10:10; Ivan is silent until
    // Tue 15:00, Anna answers 15:20 and closes 15:30. Working time 8:00 + 6:30 = 14:30, of it
    // the customer's Mon 10:10–18:00 + Tue 09–15 + 15:20–15:30 = 14:00: resolution 0:30.
    const a = await open(kv, "Billing", IVAN, msk("2026-01-26T10:00"));
    await step(a, "2026-01-26T10:10", (t, at) => managerReplied(t, anna, at));
    // on the whole working time the 8:00 were over at Tue 09:00; the SLA warned of nothing
    assert.deepEqual((await sla(a, "2026-01-27T14:59")).due, []);
    await step(a, "2026-01-27T15:00", (t, at) => clientWrote(t, IVAN, at));
    await step(a, "2026-01-27T15:20", (t, at) => managerReplied(t, anna, at));
    await step(a, "2026-01-27T15:30", (t, at) => close(t, anna, at));
    // #2 a hold by hand before any answer: Tue 10:00, Anna takes it, holds it at 10:05 (the
    // warehouse) to Wed 11:00, answers 11:10 and closes 11:20. Reaction 0:05 + 0:10 = 0:15
    // (the target, met); resolution 0:15; on hold Tue 10:05–18:00 + Wed 09–11 and the
    // customer's 11:10–11:20 = 10:05 of waiting.
    const b = await open(kv, "Delivery", OLGA, msk("2026-01-27T10:00"));
    await step(b, "2026-01-27T10:00", (t, at) => take(t, anna, at));
    await step(b, "2026-01-27T10:05", (t, at) => putOnHold(t, anna, "the warehouse", at));
    assert.deepEqual((await sla(b, "2026-01-28T10:59")).due, []);
    await step(b, "2026-01-28T11:00", (t, at) => releaseHold(t, anna, at));
    await step(b, "2026-01-28T11:10", (t, at) => managerReplied(t, anna, at));
    await step(b, "2026-01-28T11:20", (t, at) => close(t, anna, at));
    // #3 a breach after the wait: Wed 09:00, Anna answers 09:10, Ivan writes back 13:00, Anna
    // hands it to Boris Thu 10:00, Boris answers 12:00 and closes 12:30. The close clock:
    // 0:10 + Wed 13–18 + Thu from 09:00: 8:00 at Thu 11:50, Boris's (on the whole working time
    // it was Wed 17:00, Anna's). Resolution 8:10, over by 0:10; waiting 3:50 + 0:30 = 4:20.
    const c = await open(kv, "Billing", IVAN, msk("2026-01-28T09:00"));
    await step(c, "2026-01-28T09:00", (t, at) => take(t, anna, at));
    await step(c, "2026-01-28T09:10", (t, at) => managerReplied(t, anna, at));
    await step(c, "2026-01-28T13:00", (t, at) => clientWrote(t, IVAN, at));
    // 8:30 of working time, 4:40 on the close clock: no warning yet
    assert.deepEqual((await sla(c, "2026-01-28T17:30")).due, []);
    await step(c, "2026-01-29T10:00", (t, at) => transfer(t, anna, BORIS, at));
    assert.deepEqual((await sla(c, "2026-01-29T11:49")).due, ["close_warn"]);
    // 8:00 exactly is within the target (as the report counts it); a minute more is not
    assert.deepEqual((await sla(c, "2026-01-29T11:50")).due, ["close_warn"]);
    assert.deepEqual(await sla(c, "2026-01-29T11:51"), {
      due: ["close_warn", "close_breach"],
      managerId: BORIS,
    });
    await step(c, "2026-01-29T12:00", (t, at) => managerReplied(t, boris, at));
    await step(c, "2026-01-29T12:30", (t, at) => close(t, boris, at));
    // #4 open, the customer's move at the end: Thu 10:00, Boris answers 10:10, Olga silent to
    // the report's moment, Sat 12:00: Thu 10:10–18:00 + Fri 09–18 = 16:50 waiting, no breach.
    const d = await open(kv, "Delivery", OLGA, msk("2026-01-29T10:00"));
    await step(d, "2026-01-29T10:10", (t, at) => managerReplied(t, boris, at));
    const now = msk("2026-01-31T12:00");
    assert.deepEqual((await sla(d, "2026-01-31T12:00")).due, []);

    const out = `${dir}/report.xlsx`;
    const period = periodOfDates(
      { year: 2026, month: 1, day: 26 },
      { year: 2026, month: 2, day: 1 },
      "Europe/Moscow",
      true,
    );
    const summary = await buildReport(kv, { ...period, settings, out, now });
    assert.equal(summary.breaches, 1);
    // resolutions 0:30, 0:15, 8:10
    assert.equal(summary.medianResolutionMs, 30 * MIN);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await Deno.readFile(out)).buffer);

    const tws = wb.getWorksheet("Tickets")!;
    const tickets = records(tws);
    assert.deepEqual(
      tickets.map((r) => [
        r["Ticket"],
        r["Status"],
        r["Resolution (total)"] === null ? null : ms(r["Resolution (total)"]!),
        ms(r["Waiting for the customer / on hold"]!),
        r["Resolution breaches"],
        r["Reaction within target"],
      ]),
      [
        [a, "closed", 30 * MIN, 14 * H, 0, "yes"],
        [b, "closed", 15 * MIN, 10 * H + 5 * MIN, 0, "yes"],
        [c, "closed", 8 * H + 10 * MIN, 4 * H + 20 * MIN, 1, "yes"],
        [d, "in progress", null, 16 * H + 50 * MIN, 0, "yes"],
      ],
    );
    // working time, zone-free like the other durations
    const headers = (tws.getRow(1).values as CellValue[]).slice(1).map(String);
    assert.ok(headers.includes("Waiting for the customer / on hold"), headers.join(" | "));
    assert.equal(fillOf(tws, 2, "Resolution (total)"), undefined);
    assert.equal(fillOf(tws, 4, "Resolution (total)"), "FFFFC7CE");

    const breaches = records(wb.getWorksheet("SLA breaches")!);
    assert.deepEqual(
      breaches.map((r) => [
        r["Ticket"],
        r["Breach"],
        ms(r["Working time"]!),
        ms(r["Target"]!),
        ms(r["Over by"]!),
        r["Manager"],
      ]),
      [[c, "Resolution", 8 * H + 10 * MIN, 8 * H, 10 * MIN, "Boris"]],
    );

    const mws = wb.getWorksheet("Summary by manager")!;
    const by = Object.fromEntries(records(mws).map((r) => [String(r["Manager"]), r]));
    // rows: Anna, Boris, Total; Boris's breach stands out, after the new column as before it
    assert.equal(fillOf(mws, 2, "Resolution breaches"), undefined);
    assert.equal(fillOf(mws, 3, "Resolution breaches"), "FFFFC7CE");
    assert.equal(fillOf(mws, 3, "Reaction breaches"), undefined);
    const figures = (r: Record<string, CellValue>) => [
      ms(r["Median resolution"]!),
      ms(r["Mean resolution"]!),
      ms(r["Mean waiting for the customer / on hold"]!),
      r["Resolution within target"],
      r["Resolution breaches"],
    ];
    // Anna: 0:15 and 0:30, waiting 10:05 and 14:00
    assert.deepEqual(figures(by["Anna"]!), [
      22.5 * MIN,
      22.5 * MIN,
      12 * H + 2.5 * MIN,
      1,
      0,
    ]);
    // Boris: #3 (8:10, waiting 4:20); #4 open and within its clock, not judged
    assert.deepEqual(figures(by["Boris"]!), [
      8 * H + 10 * MIN,
      8 * H + 10 * MIN,
      4 * H + 20 * MIN,
      0,
      1,
    ]);
    assert.deepEqual(figures(by["Total"]!), [
      30 * MIN,
      (15 + 30 + 490) * MIN / 3,
      (605 + 840 + 260) * MIN / 3,
      2 / 3,
      1,
    ]);
    const params = Object.fromEntries(
      records(wb.getWorksheet("Parameters")!).map((r) => [r["Parameter"], r["Value"]]),
    );
    assert.match(String(params["Definitions"]), /less the time the ticket waited for the customer/);
    assert.match(String(params["Definitions"]), /Waiting for the customer \/ on hold: /);
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
});
