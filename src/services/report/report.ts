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
import { formatWeekHours } from "../../domain/durations.ts";
import {
  attributeCycles,
  type CycleMetrics,
  cycleMetrics,
  DurationList,
  GroupStats,
  ReportAggregator,
  ticketMetrics,
} from "../../domain/metrics.ts";
import type { Client, Manager } from "../../domain/records.ts";
import type { Settings } from "../../domain/settings.ts";
import { priorityOf, type Ticket } from "../../domain/ticket.ts";
import { SettingsTimeline } from "../../domain/settings_timeline.ts";
import { listSettingsChanges, type SettingsChange } from "../../storage/settings.ts";
import { listManagers } from "../../storage/people.ts";
import { lastTicketNumber, readClients, scanTicketHistories } from "../../storage/report_scan.ts";
import { faqSolvedIn } from "../../storage/faq.ts";
import { hashtags, postLink, threadLink } from "../links.ts";
import { LABELS, type Labels, type ReportLang } from "./labels.ts";
import { ZoneClock } from "./period.ts";
import type { ChartData } from "./chart.ts";
import { type Column, WidthTracker, writeSheet } from "./sheets.ts";
import { XlsxWriter } from "./xlsx_writer.ts";
import { type BusiestHour, HourlyLoad, hourSpan } from "./load.ts";
import { openSpill, type Spill, type SpillCell, type SpillRow } from "./spill.ts";

/** Days the chart draws at most (a longer period shows its first ones). */
const MAX_CHART_DAYS = 400;
const DAY_MS = 86_400_000;

/** Settings fields whose changes the Parameters sheet lists. */
const MEASURING = [
  "timeZone",
  "always",
  "week",
  "holidays",
  "reactionTargetMs",
  "closeTargetMs",
  "priorityTargets",
];

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
  /** Also draw the chart (a PNG in {@link ReportSummary.chart}). */
  chart?: boolean;
  /**
   * Also measure the period of the same length just before (a second scan) for the Overview
   * sheet, the chart and the bot's message.
   */
  previous?: boolean;
}

/** The figures an owner compares at a glance. */
export interface Headline {
  /** Tickets with a work period started in the period. */
  tickets: number;
  breaches: number;
  /** Median working time to the first reply. */
  medianFirstReplyMs: number | null;
  /** Share of judged first replies within target. */
  reactionShare: number | null;
  /** Median working time to resolution. */
  medianResolutionMs: number | null;
  /** Share of 4–5★ ratings; null without ratings. */
  csat: number | null;
  ratings: number;
  /** Tickets not closed at the end of the period. */
  backlog: number;
  /** Requests solved by a topic's ready answers, without a ticket. */
  faqSolved: number;
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
  /** Median working time to the first reply (work periods started in the period). */
  medianFirstReplyMs: number | null;
  /** Share of judged first replies within target. */
  reactionShare: number | null;
  /** CSAT: share of the period's ratings that gave 4 or 5 stars; null without ratings. */
  csat: number | null;
  /** Tickets still not closed at the end of the period. */
  backlog: number;
  /** Median working time to resolution (work periods started in the period). */
  medianResolutionMs: number | null;
  /** The hour of the week with most client messages (team's time zone); null if none. */
  busiest: BusiestHour | null;
  /** Requests solved by a topic's ready answers in the period, without a ticket. */
  faqSolved: number;
  /** The same by topic. */
  faqByTopic?: Map<string, number>;
  /** The chart as a PNG, when asked for. */
  chart?: Uint8Array;
  /** The same figures for the period of the same length just before, when asked for. */
  previous?: Headline & { from: number; to: number; busiest: BusiestHour | null };
}

/** The headline figures of a summary. */
export function headlineOf(s: ReportSummary): Headline {
  return {
    tickets: s.tickets,
    breaches: s.breaches,
    medianFirstReplyMs: s.medianFirstReplyMs,
    reactionShare: s.reactionShare,
    medianResolutionMs: s.medianResolutionMs,
    csat: s.csat,
    ratings: s.ratings,
    backlog: s.backlog,
    faqSolved: s.faqSolved,
  };
}

/**
 * Link to a ticket's conversation: the comment thread in the discussion group,
 * `https://t.me/c/<group>/<root>?thread=<root>` (it opens the comments directly, for every
 * member of the group), else the channel post `https://t.me/c/<channel>/<post>`. Only
 * supergroups and channels (ids starting -100) have such links; null otherwise.
 */
export function ticketLink(
  settings: Pick<Settings, "groupId" | "channelId">,
  ticket: Pick<Ticket, "threadId" | "postId">,
): string | null {
  return threadLink(settings.groupId, ticket.threadId) ??
    postLink(settings.channelId, ticket.postId);
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

/**
 * Column layout of the detail sheets; indexes into rows are named to keep them in step.
 * Scores at or under `lowRating` (the admins' one threshold) stand out.
 */
function detailColumns(l: Labels, lowRating: number) {
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
    tags: 24,
    priority: 25,
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
    { header: l.tags, kind: "text" },
    { header: l.priority, kind: "text" },
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
    { header: l.score, kind: "int", highlight: (r) => Number(r[3]) <= lowRating },
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
    { header: l.p90Reaction, kind: "duration" },
    { header: l.reactionShare, kind: "share" },
    {
      header: l.medianResolution,
      kind: "duration",
      highlight: (r) => typeof r[10] === "number" && r[10] > targets.closeTargetMs,
    },
    { header: l.meanResolution, kind: "duration" },
    { header: l.p90Resolution, kind: "duration" },
    { header: l.resolutionShare, kind: "share" },
    { header: l.reactionBreaches, kind: "int", highlight: (r) => Number(r[14]) > 0 },
    { header: l.resolutionBreaches, kind: "int", highlight: (r) => Number(r[15]) > 0 },
    { header: l.closedByClient, kind: "int" },
    { header: l.autoClosed, kind: "int" },
    { header: l.closedByBlock, kind: "int" },
    { header: l.ratingAvg, kind: "decimal" },
    { header: l.ratingCount, kind: "int" },
    { header: l.messagesOut, kind: "int" },
    { header: l.csat, kind: "share" },
    ...[5, 4, 3, 2, 1].map((n): Column => ({
      header: l.stars.replace("{n}", String(n)),
      kind: "int",
    })),
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
    g.reaction.quantile(0.9),
    g.reactionShare(),
    g.resolution.median(),
    g.resolution.mean(),
    g.resolution.quantile(0.9),
    g.resolutionShare(),
    g.reactionBreaches,
    g.resolutionBreaches,
    g.closedByClient,
    g.autoClosed,
    g.closedByBlock,
    g.ratingAvg(),
    g.ratingCount,
    g.messagesOut,
    g.csat(),
    ...[4, 3, 2, 1, 0].map((i) => g.ratingScores[i] ?? 0),
  ];
}

/** What every part of one report needs: its options, texts, columns and names. */
interface ReportContext {
  o: ReportOptions;
  l: Labels;
  cols: ReturnType<typeof detailColumns>;
  /** Hours, zone, holidays and targets as they were in force at each moment. */
  timeline: SettingsTimeline;
  changes: SettingsChange[];
  managerName: (id: number | null) => string;
}

async function reportContext(kv: Deno.Kv, o: ReportOptions): Promise<ReportContext> {
  const l = LABELS[o.lang ?? "en"];
  const changes = await listSettingsChanges(kv);
  const managers = new Map<number, Manager>((await listManagers(kv)).map((m) => [m.id, m]));
  return {
    o,
    l,
    cols: detailColumns(l, o.settings.lowRating),
    timeline: SettingsTimeline.fromLog(o.settings, changes),
    changes,
    managerName: (id) => id === null ? l.unassigned : managers.get(id)?.name ?? `#${id}`,
  };
}

/** The three detail sheets' spilled rows and their column widths. */
type DetailSheet = "tickets" | "breaches" | "ratings";

/**
 * Detail rows on their way to the spills. A row carries its client's id in the client column
 * until one batched lookup gives the names of many clients at once.
 */
class DetailRows {
  readonly spills: Record<DetailSheet, Spill>;
  readonly widths: Record<DetailSheet, WidthTracker>;
  readonly #clients = new Lru<number, ClientView>(CLIENT_CACHE);
  #pending: Array<{ sheet: DetailSheet; row: SpillRow }> = [];
  #pendingClients = new Set<number>();

  constructor(
    readonly kv: Deno.Kv,
    readonly ctx: ReportContext,
    spills: Record<DetailSheet, Spill>,
  ) {
    const { cols, l } = ctx;
    this.spills = spills;
    this.widths = {
      tickets: new WidthTracker(cols.tickets, [l.yes, l.no]),
      breaches: new WidthTracker(cols.breaches),
      ratings: new WidthTracker(cols.ratings),
    };
  }

  /** Queues a row whose client column holds `clientId`. */
  async add(sheet: DetailSheet, row: SpillRow, clientId: number): Promise<void> {
    this.#pending.push({ sheet, row });
    this.#pendingClients.add(clientId);
    if (
      this.#pendingClients.size >= PENDING_TICKETS || this.#pending.length >= PENDING_TICKETS * 4
    ) {
      await this.flush();
    }
  }

  /** Names the queued rows' clients and spills the rows. */
  async flush(): Promise<void> {
    const clients = this.#clients;
    const missing = [...this.#pendingClients].filter((id) => clients.get(id) === undefined);
    const found = missing.length ? await readClients(this.kv, missing) : new Map<number, Client>();
    for (const id of missing) clients.set(id, clientView(found.get(id), id));
    const { T, B, R } = this.ctx.cols;
    const clientCol: Record<DetailSheet, number> = {
      tickets: T.client,
      breaches: B.client,
      ratings: R.client,
    };
    for (const { sheet, row } of this.#pending) {
      const col = clientCol[sheet];
      const id = row[col] as number;
      const view = clients.get(id) ?? clientView(undefined, id);
      row[col] = view.name;
      // The Tickets sheet shows the username beside the name.
      if (sheet === "tickets") row[T.username] = view.username;
      this.widths[sheet].see(row);
      await this.spills[sheet].push(row);
    }
    this.#pending = [];
    this.#pendingClients = new Set();
  }
}

/** Rows of the SLA breaches sheet for one cycle, charged to the holder at the crossing. */
function breachRows(ctx: ReportContext, ticket: Ticket, link: SpillCell, c: CycleMetrics) {
  const { l, managerName } = ctx;
  const row = (
    kind: string,
    ms: number,
    target: number,
    endedAt: number | null,
    who: number | null,
  ) => [
    ticket.number,
    link,
    c.index + 1,
    kind,
    c.startedAt,
    endedAt,
    ms,
    target,
    ms - target,
    managerName(who),
    ticket.topic,
    ticket.clientId,
  ];
  const rows: SpillRow[] = [];
  if (c.reactionOk === false) {
    rows.push(
      row(
        l.kindReaction,
        c.reactionElapsedMs,
        c.reactionTargetMs,
        c.firstReplyAt,
        c.reactionBreachManagerId,
      ),
    );
  }
  if (c.resolutionOk === false) {
    rows.push(
      row(
        l.kindResolution,
        c.resolutionElapsedMs,
        c.closeTargetMs,
        c.closedAt,
        c.resolutionBreachManagerId,
      ),
    );
  }
  return rows;
}

/** The Ratings sheet's row of a rated cycle. */
function ratingRow(ctx: ReportContext, ticket: Ticket, link: SpillCell, c: CycleMetrics) {
  return [
    ticket.number,
    link,
    c.index + 1,
    c.rating,
    c.ratingComment,
    c.ratedAt,
    c.closedAt,
    ctx.managerName(c.managerId),
    ticket.topic,
    ticket.clientId,
  ];
}

/** The Tickets sheet's row of a ticket with a cycle in the period. */
function ticketRow(
  ctx: ReportContext,
  ticket: Ticket,
  link: SpillCell,
  cycles: readonly CycleMetrics[],
  inPeriod: number,
  messages: { in: number; out: number },
): SpillRow {
  const { l } = ctx;
  const tm = ticketMetrics(ticket, cycles);
  const first = cycles[0];
  const status = ticket.status === "closed"
    ? l.closedStatus
    : ticket.status === "open"
    ? l.open
    : l.in_progress;
  return [
    ticket.number,
    link,
    ticket.topic,
    status,
    ticket.clientId,
    null,
    ticket.clientId,
    ctx.managerName(ticket.managerId),
    ticket.createdAt,
    first?.firstReplyAt ?? null,
    cycles.at(-1)?.closedAt ?? null,
    cycles.length,
    inPeriod,
    tm.reopenCount,
    tm.firstReactionMs,
    first?.reactionOk ?? null,
    tm.resolutionMs,
    tm.reactionBreaches,
    tm.resolutionBreaches,
    tm.ratingAvg,
    tm.ratingCount,
    messages.in,
    messages.out,
    ticket.lastActivityAt,
    ticket.tags?.length ? hashtags(ticket.tags) : null,
    l[`prio_${priorityOf(ticket)}`],
  ];
}

/**
 * The one scan of storage: every ticket touching the period adds its cycles to `agg` and its
 * detail rows to `rows`.
 */
/** Where a scan's detail rows go; the previous period's scan keeps none. */
type RowSink = Pick<DetailRows, "add" | "flush">;
const NO_ROWS: RowSink = { add: () => Promise.resolve(), flush: () => Promise.resolve() };

async function scanPeriod(
  kv: Deno.Kv,
  ctx: ReportContext,
  agg: ReportAggregator,
  rows: RowSink,
  summary: ReportSummary,
  load: HourlyLoad,
): Promise<ChartData["days"]> {
  const { o } = ctx;
  const { from, to, settings: s, now } = o;
  const total = await lastTicketNumber(kv);
  const histories = scanTicketHistories(kv, {
    // A cycle started or a message sent in the period moved the ticket's clocks past `from`;
    // a ticket still open may be part of the backlog at the end without having moved.
    // a duplicate merged into another ticket is counted once, as that ticket
    select: (t) =>
      t.mergedInto === undefined && t.createdAt < to &&
      (Math.max(t.updatedAt, t.lastActivityAt) >= from || t.status !== "closed"),
    onTicket: (seen) => {
      summary.scanned = seen;
      if (o.onProgress && seen % 1000 === 0) o.onProgress(seen, total);
    },
  });
  let happy = 0;
  const zone = new ZoneClock(s.timeZone);
  const dayOf = (ms: number) =>
    Math.floor((zone.wallClock(ms).getTime() - zone.wallClock(from).getTime()) / DAY_MS);
  const dayCount = Math.min(MAX_CHART_DAYS, Math.max(1, dayOf(to - 1) + 1));
  const days = Array.from({ length: dayCount }, () => ({ count: 0, reply: new DurationList() }));
  for await (const { ticket, events, messages } of histories) {
    const count = { in: 0, out: 0 };
    for (const m of messages) {
      if (m.direction === "in") {
        count.in++;
        if (m.at >= from && m.at < to) load.addMessage(m.at);
      } else if (m.direction === "out") {
        count.out++;
        if (m.at >= from && m.at < to) {
          agg.addMessagesOut(m.senderId, ticket.topic);
          summary.messagesOut++;
        }
      }
    }
    // Backlog: a work period begun before the end and not closed by then.
    if (
      ticket.cycles.some((c) => c.startedAt < to && !(c.closedAt !== undefined && c.closedAt < to))
    ) {
      summary.backlog++;
    }
    const cycles = cycleMetrics(ticket, ctx.timeline, s, now, attributeCycles(ticket, events));
    const inPeriod = cycles.filter((c) => c.startedAt >= from && c.startedAt < to);
    if (inPeriod.length === 0) continue;
    const url = ticketLink(s, ticket);
    const link: SpillCell = url ? [url, `#${ticket.number}`] : null;
    for (const c of inPeriod) {
      agg.addCycle(ticket.topic, c);
      load.addStart(c.startedAt);
      summary.cycles++;
      const day = days[dayOf(c.startedAt)];
      if (day) {
        day.count++;
        if (c.reactionMs !== null) day.reply.push(c.reactionMs);
      }
      for (const row of breachRows(ctx, ticket, link, c)) {
        summary.breaches++;
        await rows.add("breaches", row, ticket.clientId);
      }
      if (c.rating !== null) {
        summary.ratings++;
        if (c.rating >= 4) happy++;
        await rows.add("ratings", ratingRow(ctx, ticket, link, c), ticket.clientId);
      }
    }
    summary.tickets++;
    const row = ticketRow(ctx, ticket, link, cycles, inPeriod.length, count);
    await rows.add("tickets", row, ticket.clientId);
  }
  await rows.flush();
  summary.csat = summary.ratings ? happy / summary.ratings : null;
  summary.busiest = load.busiest();
  o.onProgress?.(summary.scanned, total);
  return days.map((d) => ({ tickets: d.count, medianFirstReplyMs: d.reply.median() }));
}

/** A streaming workbook writing to `out` (a path or a web stream). */
async function openWorkbook(out: string | WritableStream<Uint8Array>): Promise<XlsxWriter> {
  const target = typeof out === "string"
    ? (await Deno.open(out, { write: true, create: true, truncate: true })).writable
    : out;
  const wb = new XlsxWriter(target);
  wb.creator = "helpdesk";
  return wb;
}

/** The Parameters sheet's rows: the period, the settings, what changed, the definitions. */
function parameterRows(ctx: ReportContext, zone: ZoneClock, summary: ReportSummary): SpillRow[] {
  const { l, o, changes } = ctx;
  const s = o.settings;
  const local = (ms: number) => zone.wallClock(ms).toISOString().slice(0, 16).replace("T", " ");
  const changed = changes
    .filter((c) => c.at >= o.from && c.at < o.to && MEASURING.some((f) => f in c.values))
    .map((c) => `${local(c.at)}: ${Object.keys(c.values).join(", ")}`)
    .join("; ");
  return [
    [l.periodFrom, local(o.from)],
    [l.periodTo, local(o.to)],
    [l.timeZone, s.timeZone],
    [l.workingHours, formatWeekHours(s.week, s.always)],
    [l.holidays, s.holidays.length ? s.holidays.join(", ") : l.none],
    [l.reactionTarget, formatMs(s.reactionTargetMs)],
    [l.closeTarget, formatMs(s.closeTargetMs)],
    ...(["high", "urgent"] as const).map((p): SpillRow => {
      const own = s.priorityTargets?.[p];
      return [
        p === "high" ? l.targetsHigh : l.targetsUrgent,
        own
          ? `${formatMs(own.reactionTargetMs)} / ${formatMs(own.closeTargetMs)}`
          : l.generalTargets,
      ];
    }),
    [l.settingsChanges, changed || l.none],
    [l.generatedAt, local(o.now)],
    [l.ticketsInReport, String(summary.tickets)],
    [l.cyclesInReport, String(summary.cycles)],
    [l.definitions, l.definitionsText],
  ];
}

/** Row of the Overview sheet where the chart is placed (0-based), below the figures. */
export const OVERVIEW_CHART_ROW = 12;

/**
 * The first sheet: the headline figures of the period beside the previous period's, with the
 * change; the chart goes below them (embedded afterwards, see embed_image.ts).
 */
async function writeOverview(
  wb: XlsxWriter,
  ctx: ReportContext,
  zone: ZoneClock,
  summary: ReportSummary,
  sheetOpts: { zone: ZoneClock; yes: string; no: string },
): Promise<void> {
  const { l } = ctx;
  const day = (ms: number) => zone.wallClock(ms).toISOString().slice(0, 10);
  const span = (from: number, to: number) => `${day(from)} – ${day(to - 1)}`;
  const p = summary.previous;
  type Kind = "int" | "duration" | "share";
  const show = (k: Kind, v: number | null) =>
    v === null ? "—" : k === "int" ? String(v) : k === "duration" ? formatHm(v) : formatShare(v);
  const change = (k: Kind, a: number | null, b: number | null | undefined) => {
    if (a === null || b === null || b === undefined) return "—";
    const d = a - b;
    const sign = d > 0 ? "+" : d < 0 ? "−" : "±";
    if (k === "share") return `${sign}${Math.abs(Math.round(d * 1000) / 10)} pp`;
    return `${sign}${k === "duration" ? formatHm(Math.abs(d)) : Math.abs(d)}`;
  };
  const figures: Array<[string, Kind, keyof Headline]> = [
    [l.ovTickets, "int", "tickets"],
    [l.ovFirstReply, "duration", "medianFirstReplyMs"],
    [l.reactionShare, "share", "reactionShare"],
    [l.ovResolution, "duration", "medianResolutionMs"],
    [l.ovCsat, "share", "csat"],
    [l.ratingCount, "int", "ratings"],
    [l.ovBreaches, "int", "breaches"],
    [l.ovBacklog, "int", "backlog"],
    [l.ovFaqSolved, "int", "faqSolved"],
  ];
  const now = headlineOf(summary);
  const columns: Column[] = [
    { header: l.figure, kind: "text" },
    { header: `${l.thisPeriod} (${span(summary.from, summary.to)})`, kind: "text" },
    ...(p
      ? [
        { header: `${l.previousPeriod} (${span(p.from, p.to)})`, kind: "text" as const },
        { header: l.change, kind: "text" as const },
      ]
      : []),
  ];
  const rows: SpillRow[] = figures.map(([label, k, key]) => [
    label,
    show(k, now[key]),
    ...(p ? [show(k, p[key]), change(k, now[key], p[key])] : []),
  ]);
  const busiest = (b: BusiestHour | null) =>
    b ? `${l.weekdays[b.weekday - 1]} ${hourSpan(b.hour)} (${zone.timeZone}): ${b.messages}` : "—";
  rows.push([
    l.ovBusiest,
    busiest(summary.busiest),
    ...(p ? [busiest(p.busiest), "—"] : []),
  ]);
  await writeSheet(wb, l.sheetOverview, columns, rows, sheetOpts);
}

/** Writes every sheet, in tab order, and commits the workbook. */
async function writeWorkbook(
  ctx: ReportContext,
  agg: ReportAggregator,
  rows: DetailRows,
  summary: ReportSummary,
  load: HourlyLoad,
): Promise<void> {
  const { l, o, cols, managerName } = ctx;
  const zone = new ZoneClock(o.settings.timeZone);
  const sheetOpts = { zone, yes: l.yes, no: l.no };
  const wb = await openWorkbook(o.out);
  const totalRow = (r: SpillRow) => r[0] === l.total;
  const summarySheet = async <K>(
    name: string,
    first: string,
    groups: Map<K, GroupStats>,
    label: (k: K) => string,
    extra?: { column: Column; of: (k: K | null) => number },
  ) => {
    const row = (k: K | null, name: string, g: GroupStats) =>
      extra ? [...summaryRow(name, g), extra.of(k)] : summaryRow(name, g);
    const body = [...groups.entries()]
      .map(([k, g]) => row(k, label(k), g))
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    await writeSheet(
      wb,
      name,
      [...summaryColumns(l, first, o.settings), ...(extra ? [extra.column] : [])],
      [...body, row(null, l.total, agg.total)],
      { ...sheetOpts, bold: totalRow },
    );
  };
  // a topic whose ready answers solved requests has a row even without a ticket
  const faq = summary.faqByTopic ?? new Map<string, number>();
  for (const topic of faq.keys()) {
    if (!agg.byTopic.has(topic)) agg.byTopic.set(topic, new GroupStats());
  }
  await writeOverview(wb, ctx, zone, summary, sheetOpts);
  await summarySheet(l.sheetManagers, l.manager, agg.byManager, managerName);
  await summarySheet(l.sheetTopics, l.topic, agg.byTopic, (t: string) => t, {
    column: { header: l.ovFaqSolved, kind: "int" },
    of: (topic) => topic === null ? summary.faqSolved : faq.get(topic) ?? 0,
  });
  const loadColumns: Column[] = [
    { header: `${l.hourOfDay} (${zone.timeZone})`, kind: "text" },
    ...l.weekdays.map((d): Column => ({ header: d, kind: "int" })),
    { header: l.loadTotal, kind: "int" },
    { header: l.loadStarts, kind: "int" },
  ];
  await writeSheet(wb, l.sheetLoad, loadColumns, load.rows(), sheetOpts);
  const detail = async (name: string, sheet: DetailSheet, columns: Column[]) =>
    await writeSheet(wb, name, columns, rows.spills[sheet].rows(), {
      ...sheetOpts,
      widths: rows.widths[sheet].widths,
    });
  await detail(l.sheetTickets, "tickets", cols.tickets);
  await detail(l.sheetBreaches, "breaches", cols.breaches);
  await detail(l.sheetRatings, "ratings", cols.ratings);
  const params: Column[] = [
    { header: l.parameter, kind: "text" },
    { header: l.value, kind: "text" },
  ];
  await writeSheet(wb, l.sheetParameters, params, parameterRows(ctx, zone, summary), sheetOpts);
  await wb.commit();
}

function emptySummary(from: number, to: number): ReportSummary {
  return {
    from,
    to,
    tickets: 0,
    cycles: 0,
    breaches: 0,
    ratings: 0,
    scanned: 0,
    messagesOut: 0,
    medianFirstReplyMs: null,
    reactionShare: null,
    medianResolutionMs: null,
    csat: null,
    backlog: 0,
    busiest: null,
    faqSolved: 0,
  };
}

/** The previous period's figures: a scan of the same length just before, keeping no rows. */
async function previousPeriod(kv: Deno.Kv, ctx: ReportContext) {
  const { o } = ctx;
  const from = o.from - (o.to - o.from), to = o.from;
  const prev: ReportContext = { ...ctx, o: { ...o, from, to, onProgress: undefined } };
  const agg = new ReportAggregator();
  const summary = emptySummary(from, to);
  const days = await scanPeriod(
    kv,
    prev,
    agg,
    NO_ROWS,
    summary,
    new HourlyLoad(new ZoneClock(o.settings.timeZone)),
  );
  summary.faqSolved = sumOf(await faqSolvedIn(kv, from, to));
  summary.medianFirstReplyMs = agg.total.reaction.median();
  summary.reactionShare = agg.total.reactionShare();
  summary.medianResolutionMs = agg.total.resolution.median();
  return { summary, agg, days };
}

/**
 * Builds the report for `[from, to)` and writes it to `out`. Reads storage once (twice with
 * `previous`); memory stays flat whatever the number of tickets and messages.
 */
export async function buildReport(kv: Deno.Kv, o: ReportOptions): Promise<ReportSummary> {
  const ctx = await reportContext(kv, o);
  const summary = emptySummary(o.from, o.to);
  const spills: Spill[] = [];
  try {
    const open = async () => {
      const sp = await openSpill(o.spillToMemory);
      spills.push(sp);
      return sp;
    };
    const rows = new DetailRows(kv, ctx, {
      tickets: await open(),
      breaches: await open(),
      ratings: await open(),
    });
    const agg = new ReportAggregator();
    const load = new HourlyLoad(new ZoneClock(o.settings.timeZone));
    const days = await scanPeriod(kv, ctx, agg, rows, summary, load);
    summary.faqByTopic = await faqSolvedIn(kv, o.from, o.to);
    summary.faqSolved = sumOf(summary.faqByTopic);
    summary.medianFirstReplyMs = agg.total.reaction.median();
    summary.reactionShare = agg.total.reactionShare();
    summary.medianResolutionMs = agg.total.resolution.median();
    const before = o.previous ? await previousPeriod(kv, ctx) : null;
    if (before) {
      const p = before.summary;
      summary.previous = { ...headlineOf(p), from: p.from, to: p.to, busiest: p.busiest };
    }
    if (o.chart) {
      // Loaded only for a chart: its font and drawing code weigh ~6 MB resident.
      const { renderChart } = await import("./chart.ts");
      summary.chart = renderChart({
        days,
        previousDays: before?.days,
        managers: [...agg.byManager.entries()]
          .filter(([id]) => id !== null)
          .sort(([a], [b]) => ctx.managerName(a).localeCompare(ctx.managerName(b)))
          .map(([id, g]) => ({
            medianFirstReplyMs: g.reaction.median(),
            previousMedianFirstReplyMs: before?.agg.byManager.get(id)?.reaction.median() ?? null,
          })),
        reactionTargetMs: o.settings.reactionTargetMs,
      });
    }
    await writeWorkbook(ctx, agg, rows, summary, load);
    return summary;
  } finally {
    await Promise.all(spills.map((sp) => sp.dispose()));
  }
}

function sumOf(m: Map<string, number>): number {
  let n = 0;
  for (const v of m.values()) n += v;
  return n;
}

/** "h:mm" of a working duration, for a short caption; "—" when there is none. */
export function formatHm(ms: number | null): string {
  if (ms === null) return "—";
  const min = Math.round(ms / 60_000);
  return `${Math.floor(min / 60)}:${String(min % 60).padStart(2, "0")}`;
}

/** A share as a whole percentage, "—" when there is none. */
export function formatShare(share: number | null): string {
  return share === null ? "—" : `${Math.round(share * 100)}%`;
}

/** "h:mm:ss" of a duration, as the duration cells show it. */
function formatMs(ms: number): string {
  const sec = Math.round(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${Math.floor(sec / 3600)}:${pad(Math.floor(sec / 60) % 60)}:${pad(sec % 60)}`;
}
