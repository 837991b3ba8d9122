/**
 * The .xlsx report for a period: summaries per manager and per topic, every ticket, SLA
 * breaches, ratings with comments, and the parameters the figures were computed with.
 *
 * One scan of storage (tickets with their events and messages, in number order) computes the
 * metrics; aggregates keep numbers only, and detail rows are written as sheet XML, deflated and
 * spilled to temporary files (see spill.ts) until the streaming workbook reaches their sheet. Sheets are then written one
 * after the other in tab order, each row committed as soon as it is written.
 *
 * The parts: context.ts (what every part needs), scan_period.ts (the scan), detail_rows.ts and
 * columns.ts (the rows and their columns), workbook.ts (the sheets), summary.ts (the figures
 * returned). This file puts them together.
 *
 * @module
 */
import { ReportAggregator } from "../../domain/metrics.ts";
import { faqSolvedIn } from "../../storage/faq.ts";
import { type ReportContext, reportContext } from "./context.ts";
import { DetailRows } from "./detail_rows.ts";
import { HourlyLoad } from "./load.ts";
import { ZoneClock } from "./period.ts";
import { NO_ROWS, scanPeriod } from "./scan_period.ts";
import { openSpill, type Spill } from "./spill.ts";
import {
  emptySummary,
  headlineOf,
  type ReportOptions,
  type ReportSummary,
  sumOf,
} from "./summary.ts";
import { writeWorkbook } from "./workbook.ts";
import { StyleRegistry } from "./xlsx_writer.ts";

export { ticketLink } from "./context.ts";
export { OVERVIEW_CHART_ROW } from "./workbook.ts";
export {
  formatHm,
  formatShare,
  type Headline,
  headlineOf,
  type ReportOptions,
  type ReportSummary,
} from "./summary.ts";

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
    }, new StyleRegistry());
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
