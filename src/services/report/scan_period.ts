/**
 * The one scan of storage for a period: every ticket touching it adds its cycles to the
 * aggregates and its detail rows to the sheets' spills; returns the chart's days.
 *
 * @module
 */
import { attributeCycles, cycleMetrics, DurationList } from "../../domain/metrics.ts";
import type { ReportAggregator } from "../../domain/metrics.ts";
import { lastTicketNumber, scanTicketHistories } from "../../storage/report_scan.ts";
import type { ChartData } from "./chart.ts";
import { type ReportContext, ticketLink } from "./context.ts";
import { breachRows, type DetailRows, ratingRow, ticketRow } from "./detail_rows.ts";
import type { HourlyLoad } from "./load.ts";
import { ZoneClock } from "./period.ts";
import type { SpillCell } from "./spill.ts";
import type { ReportSummary } from "./summary.ts";

/** Days the chart draws at most (a longer period shows its first ones). */
const MAX_CHART_DAYS = 400;
const DAY_MS = 86_400_000;

/** Where a scan's detail rows go; the previous period's scan keeps none. */
export type RowSink = Pick<DetailRows, "add" | "flush">;
/** A sink that keeps no rows. */
export const NO_ROWS: RowSink = { add: () => Promise.resolve(), flush: () => Promise.resolve() };

/**
 * The one scan of storage: every ticket touching the period adds its cycles to `agg` and its
 * detail rows to `rows`.
 */
export async function scanPeriod(
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
  const start = zone.wallClock(from).getTime();
  const dayOf = (ms: number) => Math.floor((zone.wallClock(ms).getTime() - start) / DAY_MS);
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
        await rows.add("breaches", row, ticket);
      }
      if (c.rating !== null) {
        summary.ratings++;
        if (c.rating >= 4) happy++;
        await rows.add("ratings", ratingRow(ctx, ticket, link, c), ticket);
      }
    }
    summary.tickets++;
    const row = ticketRow(ctx, ticket, link, cycles, inPeriod.length, count);
    await rows.add("tickets", row, ticket);
  }
  await rows.flush();
  summary.csat = summary.ratings ? happy / summary.ratings : null;
  summary.busiest = load.busiest();
  o.onProgress?.(summary.scanned, total);
  return days.map((d) => ({ tickets: d.count, medianFirstReplyMs: d.reply.median() }));
}
