/**
 * The .xlsx report for a period: summaries per manager and per topic, every ticket, SLA
 * breaches, ratings with comments, and the parameters the figures were computed with.
 *
 * One scan of storage (tickets with their events and messages, in number order) computes the
 * metrics; aggregates keep numbers only, and detail rows are spilled to temporary files
 * (see spill.ts) until the streaming workbook reaches their sheet. Sheets are then written one
 * after the other in tab order, each row committed as soon as it is written.
 *
 * @module
 */
import ExcelJS from "./excel.ts";
import { Writable } from "node:stream";
import { formatWeekHours } from "../../domain/durations.ts";
import {
  attributeCycles,
  cycleMetrics,
  type GroupStats,
  ReportAggregator,
  ticketMetrics,
} from "../../domain/metrics.ts";
import type { Client, Manager } from "../../domain/records.ts";
import type { Settings } from "../../domain/settings.ts";
import type { Ticket } from "../../domain/ticket.ts";
import { SettingsTimeline } from "../../domain/settings_timeline.ts";
import { listSettingsChanges } from "../../storage/settings.ts";
import { listManagers } from "../../storage/people.ts";
import { lastTicketNumber, readClients, scanTicketHistories } from "../../storage/report_scan.ts";
import { LABELS, type Labels, type ReportLang } from "./labels.ts";
import { ZoneClock } from "./period.ts";
import { type Column, WidthTracker, writeSheet } from "./sheets.ts";
import { openSpill, type Spill, type SpillCell, type SpillRow } from "./spill.ts";

/** Settings fields whose changes the Parameters sheet lists. */
const MEASURING = ["timeZone", "always", "week", "holidays", "reactionTargetMs", "closeTargetMs"];

/** Clients whose names are kept between tickets; a client's tickets are often close together. */
const CLIENT_CACHE = 10_000;
/** Tickets whose rows wait for one batched lookup of their clients' names. */
const PENDING_TICKETS = 200;

/** Options of {@link buildReport}. */
export interface ReportOptions {
  /** Period start (inclusive), epoch ms. */
  from: number;
  /** Period end (exclusive), epoch ms. */
  to: number;
  settings: Settings;
  /** A file path, or a stream that receives the .xlsx bytes (closed at the end). */
  out: string | WritableStream<Uint8Array>;
  /** Open cycles are measured up to this instant. */
  now: number;
  /** Language of sheet names and headers (default "en"). */
  lang?: ReportLang;
  /** Tickets read so far, out of about `total` (the last ticket number). */
  onProgress?: (done: number, total?: number) => void;
  /** Keep spilled rows in memory instead of temporary files. */
  spillToMemory?: boolean;
}

/** What a report contained. */
export interface ReportSummary {
  from: number;
  to: number;
  /** Tickets with a cycle started in the period (rows of "Tickets"). */
  tickets: number;
  /** Cycles started in the period. */
  cycles: number;
  breaches: number;
  ratings: number;
  /** Ticket records read. */
  scanned: number;
  /** Messages sent to clients in the period. */
  messagesOut: number;
}

/**
 * Link to a ticket's conversation: the comment thread in the discussion group,
 * `https://t.me/c/<group>/<root>?thread=<root>` (it opens the comments directly, for every
 * member of the group), else the channel post `https://t.me/c/<channel>/<post>`. Only
 * supergroups and channels (ids starting -100) have such links; null otherwise.
 */
export function threadLink(
  settings: Pick<Settings, "groupId" | "channelId">,
  ticket: Pick<Ticket, "threadId" | "postId">,
): string | null {
  const internal = (chatId: number | null) => {
    const s = chatId === null ? "" : String(chatId);
    return s.startsWith("-100") ? s.slice(4) : null;
  };
  const group = internal(settings.groupId);
  if (group && ticket.threadId !== null) {
    return `https://t.me/c/${group}/${ticket.threadId}?thread=${ticket.threadId}`;
  }
  const channel = internal(settings.channelId);
  if (channel && ticket.postId !== null) return `https://t.me/c/${channel}/${ticket.postId}`;
  return null;
}

/** A name → value cache that forgets the least recently used entry beyond `limit`. */
class Lru<K, V> {
  readonly #map = new Map<K, V>();
  constructor(readonly limit: number) {}
  get(key: K): V | undefined {
    const v = this.#map.get(key);
    if (v !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }
  set(key: K, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.limit) this.#map.delete(this.#map.keys().next().value as K);
  }
}

/** A client as the workbook shows it. */
interface ClientView {
  name: string;
  username: string | null;
}

function clientView(c: Client | undefined, id: number): ClientView {
  if (!c) return { name: `#${id}`, username: null };
  return {
    name: [c.firstName, c.lastName].filter(Boolean).join(" "),
    username: c.username ? `@${c.username}` : null,
  };
}

/** Column layout of the detail sheets; indexes into rows are named to keep them in step. */
function detailColumns(l: Labels) {
  // Tickets
  const T = {
    number: 0,
    link: 1,
    topic: 2,
    status: 3,
    client: 4,
    username: 5,
    clientId: 6,
    manager: 7,
    created: 8,
    firstReply: 9,
    closedAt: 10,
    cycles: 11,
    cyclesInPeriod: 12,
    reopened: 13,
    firstReaction: 14,
    firstReactionOk: 15,
    resolution: 16,
    reactionBreaches: 17,
    resolutionBreaches: 18,
    ratingAvg: 19,
    ratingCount: 20,
    messagesIn: 21,
    messagesOut: 22,
    lastActivity: 23,
  } as const;
  const tickets: Column[] = [
    { header: l.ticket, kind: "int" },
    { header: l.thread, kind: "link" },
    { header: l.topic, kind: "text" },
    { header: l.status, kind: "text" },
    { header: l.client, kind: "text" },
    { header: l.username, kind: "text" },
    { header: l.clientId, kind: "int" },
    { header: l.manager, kind: "text" },
    { header: l.created, kind: "date" },
    { header: l.firstReply, kind: "date" },
    { header: l.closedAt, kind: "date" },
    { header: l.cyclesAll, kind: "int" },
    { header: l.cyclesInPeriod, kind: "int" },
    { header: l.reopenCount, kind: "int" },
    { header: l.firstReaction, kind: "duration", highlight: (r) => r[T.firstReactionOk] === false },
    { header: l.firstReactionOk, kind: "bool", highlight: (r) => r[T.firstReactionOk] === false },
    {
      header: l.resolutionTotal,
      kind: "duration",
      highlight: (r) => Number(r[T.resolutionBreaches]) > 0,
    },
    {
      header: l.reactionBreaches,
      kind: "int",
      highlight: (r) => Number(r[T.reactionBreaches]) > 0,
    },
    {
      header: l.resolutionBreaches,
      kind: "int",
      highlight: (r) => Number(r[T.resolutionBreaches]) > 0,
    },
    { header: l.ratingAvg, kind: "decimal" },
    { header: l.ratingCount, kind: "int" },
    { header: l.messagesIn, kind: "int" },
    { header: l.messagesToClient, kind: "int" },
    { header: l.lastActivity, kind: "date" },
  ];
  // SLA breaches
  const B = { client: 11 } as const;
  const breaches: Column[] = [
    { header: l.ticket, kind: "int" },
    { header: l.thread, kind: "link" },
    { header: l.cycle, kind: "int" },
    { header: l.kind, kind: "text" },
    { header: l.startedAt, kind: "date" },
    { header: l.endedAt, kind: "date" },
    { header: l.workingTime, kind: "duration", highlight: () => true },
    { header: l.target, kind: "duration" },
    { header: l.overBy, kind: "duration", highlight: () => true },
    { header: l.manager, kind: "text" },
    { header: l.topic, kind: "text" },
    { header: l.client, kind: "text" },
  ];
  // Ratings
  const R = { client: 9 } as const;
  const ratings: Column[] = [
    { header: l.ticket, kind: "int" },
    { header: l.thread, kind: "link" },
    { header: l.cycle, kind: "int" },
    { header: l.score, kind: "int", highlight: (r) => Number(r[3]) <= 2 },
    { header: l.comment, kind: "text" },
    { header: l.ratedAt, kind: "date" },
    { header: l.closedAt, kind: "date" },
    { header: l.manager, kind: "text" },
    { header: l.topic, kind: "text" },
    { header: l.client, kind: "text" },
  ];
  return { T, tickets, B, breaches, R, ratings };
}

function summaryColumns(l: Labels, first: string, targets: Settings): Column[] {
  return [
    { header: first, kind: "text" },
    { header: l.cycles, kind: "int" },
    { header: l.heldTime, kind: "duration" },
    { header: l.closed, kind: "int" },
    { header: l.reopenedLater, kind: "int" },
    { header: l.reopenings, kind: "int" },
    {
      header: l.medianReaction,
      kind: "duration",
      highlight: (r) => typeof r[6] === "number" && r[6] > targets.reactionTargetMs,
    },
    { header: l.meanReaction, kind: "duration" },
    { header: l.reactionShare, kind: "share" },
    {
      header: l.medianResolution,
      kind: "duration",
      highlight: (r) => typeof r[9] === "number" && r[9] > targets.closeTargetMs,
    },
    { header: l.meanResolution, kind: "duration" },
    { header: l.resolutionShare, kind: "share" },
    { header: l.reactionBreaches, kind: "int", highlight: (r) => Number(r[12]) > 0 },
    { header: l.resolutionBreaches, kind: "int", highlight: (r) => Number(r[13]) > 0 },
    { header: l.closedByClient, kind: "int" },
    { header: l.autoClosed, kind: "int" },
    { header: l.closedByBlock, kind: "int" },
    { header: l.ratingAvg, kind: "decimal" },
    { header: l.ratingCount, kind: "int" },
    { header: l.messagesOut, kind: "int" },
  ];
}

function summaryRow(name: string, g: GroupStats): SpillRow {
  return [
    name,
    g.cycles,
    g.heldMs,
    g.closed,
    g.reopened,
    g.reopenings,
    g.reaction.median(),
    g.reaction.mean(),
    g.reactionShare(),
    g.resolution.median(),
    g.resolution.mean(),
    g.resolutionShare(),
    g.reactionBreaches,
    g.resolutionBreaches,
    g.closedByClient,
    g.autoClosed,
    g.closedByBlock,
    g.ratingAvg(),
    g.ratingCount,
    g.messagesOut,
  ];
}

/** Adapts a web stream to the Node stream exceljs writes to. */
function nodeWritable(stream: WritableStream<Uint8Array>): Writable {
  const writer = stream.getWriter();
  return new Writable({
    write(chunk: Uint8Array, _enc, done) {
      writer.write(new Uint8Array(chunk)).then(() => done(), done);
    },
    final(done) {
      writer.close().then(() => done(), done);
    },
  });
}

/**
 * Builds the report for `[from, to)` and writes it to `out`. Reads storage once; memory stays
 * flat whatever the number of tickets and messages.
 */
export async function buildReport(kv: Deno.Kv, o: ReportOptions): Promise<ReportSummary> {
  const { from, to, settings: s, now } = o;
  const l = LABELS[o.lang ?? "en"];
  const zone = new ZoneClock(s.timeZone);
  // Hours, zone, holidays and targets as they were in force at each moment.
  const changes = await listSettingsChanges(kv);
  const schedule = SettingsTimeline.fromLog(s, changes);
  const managers = new Map<number, Manager>((await listManagers(kv)).map((m) => [m.id, m]));
  const managerName = (id: number | null) =>
    id === null ? l.unassigned : managers.get(id)?.name ?? `#${id}`;
  const statusName = (t: Ticket) =>
    t.status === "closed" ? l.closedStatus : t.status === "open" ? l.open : l.in_progress;
  const cols = detailColumns(l);
  const agg = new ReportAggregator();
  const clients = new Lru<number, ClientView>(CLIENT_CACHE);
  const spills: Spill[] = [];
  const open = async () => {
    const sp = await openSpill(o.spillToMemory);
    spills.push(sp);
    return sp;
  };
  const summary: ReportSummary = {
    from,
    to,
    tickets: 0,
    cycles: 0,
    breaches: 0,
    ratings: 0,
    scanned: 0,
    messagesOut: 0,
  };
  try {
    const ticketSpill = await open(), breachSpill = await open(), ratingSpill = await open();
    const widths = {
      tickets: new WidthTracker(cols.tickets, [l.yes, l.no]),
      breaches: new WidthTracker(cols.breaches),
      ratings: new WidthTracker(cols.ratings),
    };
    // Rows wait here until one batched lookup gives their client's name.
    type Pending = { spill: Spill; widths: WidthTracker; row: SpillRow; col: number };
    let pending: Pending[] = [];
    let pendingClients = new Set<number>();
    const flush = async () => {
      const missing = [...pendingClients].filter((id) => clients.get(id) === undefined);
      const found = missing.length ? await readClients(kv, missing) : new Map<number, Client>();
      for (const id of missing) clients.set(id, clientView(found.get(id), id));
      for (const p of pending) {
        const id = p.row[p.col] as number;
        const view = clients.get(id) ?? clientView(undefined, id);
        p.row[p.col] = view.name;
        // The Tickets sheet shows the username beside the name.
        if (p.spill === ticketSpill) p.row[cols.T.username] = view.username;
        p.widths.see(p.row);
        await p.spill.push(p.row);
      }
      pending = [];
      pendingClients = new Set();
    };

    const total = await lastTicketNumber(kv);
    const histories = scanTicketHistories(kv, {
      // A cycle started or a message sent in the period moved the ticket's clocks past `from`.
      select: (t) => t.createdAt < to && Math.max(t.updatedAt, t.lastActivityAt) >= from,
      onTicket: (seen) => {
        summary.scanned = seen;
        if (o.onProgress && seen % 1000 === 0) o.onProgress(seen, total);
      },
    });
    for await (const { ticket, events, messages } of histories) {
      let messagesIn = 0, messagesOut = 0;
      for (const m of messages) {
        if (m.direction === "in") messagesIn++;
        else if (m.direction === "out") {
          messagesOut++;
          if (m.at >= from && m.at < to) {
            agg.addMessagesOut(m.senderId, ticket.topic);
            summary.messagesOut++;
          }
        }
      }
      const cycles = cycleMetrics(ticket, schedule, s, now, attributeCycles(ticket, events));
      const inPeriod = cycles.filter((c) => c.startedAt >= from && c.startedAt < to);
      if (inPeriod.length === 0) continue;
      const link = threadLink(s, ticket);
      const linkCell: SpillCell = link ? [link, `#${ticket.number}`] : null;
      for (const c of inPeriod) {
        agg.addCycle(ticket.topic, c);
        summary.cycles++;
        const breach = (kind: string, ms: number, target: number, endedAt: number | null) => {
          summary.breaches++;
          pending.push({
            spill: breachSpill,
            widths: widths.breaches,
            col: cols.B.client,
            row: [
              ticket.number,
              linkCell,
              c.index + 1,
              kind,
              c.startedAt,
              endedAt,
              ms,
              target,
              ms - target,
              // The holder when the target was crossed.
              managerName(
                kind === l.kindReaction ? c.reactionBreachManagerId : c.resolutionBreachManagerId,
              ),
              ticket.topic,
              ticket.clientId,
            ],
          });
        };
        if (c.reactionOk === false) {
          breach(l.kindReaction, c.reactionElapsedMs, c.reactionTargetMs, c.firstReplyAt);
        }
        if (c.resolutionOk === false) {
          breach(l.kindResolution, c.resolutionElapsedMs, c.closeTargetMs, c.closedAt);
        }
        if (c.rating !== null) {
          summary.ratings++;
          pending.push({
            spill: ratingSpill,
            widths: widths.ratings,
            col: cols.R.client,
            row: [
              ticket.number,
              linkCell,
              c.index + 1,
              c.rating,
              c.ratingComment,
              c.ratedAt,
              c.closedAt,
              managerName(c.managerId),
              ticket.topic,
              ticket.clientId,
            ],
          });
        }
      }
      const tm = ticketMetrics(ticket, cycles);
      const first = cycles[0];
      const lastClose = cycles.at(-1)?.closedAt ?? null;
      summary.tickets++;
      pending.push({
        spill: ticketSpill,
        widths: widths.tickets,
        col: cols.T.client,
        row: [
          ticket.number,
          linkCell,
          ticket.topic,
          statusName(ticket),
          ticket.clientId,
          null,
          ticket.clientId,
          managerName(ticket.managerId),
          ticket.createdAt,
          first?.firstReplyAt ?? null,
          lastClose,
          cycles.length,
          inPeriod.length,
          tm.reopenCount,
          tm.firstReactionMs,
          first?.reactionOk ?? null,
          tm.resolutionMs,
          tm.reactionBreaches,
          tm.resolutionBreaches,
          tm.ratingAvg,
          tm.ratingCount,
          messagesIn,
          messagesOut,
          ticket.lastActivityAt,
        ],
      });
      pendingClients.add(ticket.clientId);
      if (pendingClients.size >= PENDING_TICKETS || pending.length >= PENDING_TICKETS * 4) {
        await flush();
      }
    }
    await flush();
    o.onProgress?.(summary.scanned, total);

    // The workbook, sheet by sheet in tab order.
    const sheetOpts = { zone, yes: l.yes, no: l.no };
    // A file is opened with Deno rather than by exceljs: node:fs asks for --allow-sys.
    const target = typeof o.out === "string"
      ? (await Deno.open(o.out, { write: true, create: true, truncate: true })).writable
      : o.out;
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter(
      {
        stream: nodeWritable(target),
        useStyles: true,
        // Deflating the sheet XML is the slowest step of writing; level 1 is several times
        // faster than the default and the file grows by about a fifth.
        zip: { zlib: { level: 1 } },
      },
    );
    wb.creator = "helpdesk";
    const totalRow = (r: SpillRow) => r[0] === l.total;
    const managerRows = [...agg.byManager.entries()]
      .map(([id, g]) => summaryRow(managerName(id), g))
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    await writeSheet(
      wb,
      l.sheetManagers,
      summaryColumns(l, l.manager, s),
      [...managerRows, summaryRow(l.total, agg.total)],
      { ...sheetOpts, bold: totalRow },
    );
    const topicRows = [...agg.byTopic.entries()]
      .map(([topic, g]) => summaryRow(topic, g))
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    await writeSheet(
      wb,
      l.sheetTopics,
      summaryColumns(l, l.topic, s),
      [...topicRows, summaryRow(l.total, agg.total)],
      { ...sheetOpts, bold: totalRow },
    );
    await writeSheet(wb, l.sheetTickets, cols.tickets, ticketSpill.rows(), {
      ...sheetOpts,
      widths: widths.tickets.widths,
    });
    await writeSheet(wb, l.sheetBreaches, cols.breaches, breachSpill.rows(), {
      ...sheetOpts,
      widths: widths.breaches.widths,
    });
    await writeSheet(wb, l.sheetRatings, cols.ratings, ratingSpill.rows(), {
      ...sheetOpts,
      widths: widths.ratings.widths,
    });
    const local = (ms: number) => zone.wallClock(ms).toISOString().slice(0, 16).replace("T", " ");
    const params: Column[] = [
      { header: l.parameter, kind: "text" },
      { header: l.value, kind: "text" },
    ];
    await writeSheet(wb, l.sheetParameters, params, [
      [l.periodFrom, local(from)],
      [l.periodTo, local(to)],
      [l.timeZone, s.timeZone],
      [l.workingHours, formatWeekHours(s.week, s.always)],
      [l.holidays, s.holidays.length ? s.holidays.join(", ") : l.none],
      [l.reactionTarget, formatMs(s.reactionTargetMs)],
      [l.closeTarget, formatMs(s.closeTargetMs)],
      [
        l.settingsChanges,
        changes.filter((c) => c.at >= from && c.at < to && MEASURING.some((f) => f in c.values))
          .map((c) => `${local(c.at)}: ${Object.keys(c.values).join(", ")}`).join("; ") || l.none,
      ],
      [l.generatedAt, local(now)],
      [l.ticketsInReport, String(summary.tickets)],
      [l.cyclesInReport, String(summary.cycles)],
      [l.definitions, l.definitionsText],
    ], sheetOpts);
    await wb.commit();
    return summary;
  } finally {
    await Promise.all(spills.map((sp) => sp.dispose()));
  }
}

/** "h:mm:ss" of a duration, as the duration cells show it. */
function formatMs(ms: number): string {
  const sec = Math.round(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${Math.floor(sec / 3600)}:${pad(Math.floor(sec / 60) % 60)}:${pad(sec % 60)}`;
}
