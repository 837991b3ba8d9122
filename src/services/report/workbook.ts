/**
 * The workbook: the Overview, the summaries per manager and per topic, the load by hour, the
 * detail sheets from their spills and the Parameters, written one after the other in tab order.
 *
 * @module
 */
import { formatWeekHours } from "../../domain/durations.ts";
import { GroupStats, type ReportAggregator } from "../../domain/metrics.ts";
import { MEASURING } from "../../domain/settings_timeline.ts";
import { summaryColumns, summaryRow } from "./columns.ts";
import type { ReportContext } from "./context.ts";
import type { DetailRows, DetailSheet } from "./detail_rows.ts";
import { type BusiestHour, type HourlyLoad, hourSpan } from "./load.ts";
import { ZoneClock } from "./period.ts";
import { type Column, writeSheet, writeSplicedSheet } from "./sheets.ts";
import type { SpillRow } from "./spill.ts";
import {
  formatHm,
  formatMs,
  formatShare,
  type Headline,
  headlineOf,
  type ReportSummary,
} from "./summary.ts";
import { type StyleRegistry, XlsxWriter } from "./xlsx_writer.ts";

/** A streaming workbook writing to `out` (a path or a web stream). */
async function openWorkbook(
  out: string | WritableStream<Uint8Array>,
  styles: StyleRegistry,
): Promise<XlsxWriter> {
  const target = typeof out === "string"
    ? (await Deno.open(out, { write: true, create: true, truncate: true })).writable
    : out;
  const wb = new XlsxWriter(target, styles);
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
export async function writeWorkbook(
  ctx: ReportContext,
  agg: ReportAggregator,
  rows: DetailRows,
  summary: ReportSummary,
  load: HourlyLoad,
): Promise<void> {
  const { l, o, cols, managerName } = ctx;
  const zone = new ZoneClock(o.settings.timeZone);
  const sheetOpts = { zone, yes: l.yes, no: l.no };
  const wb = await openWorkbook(o.out, rows.styles);
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
  // The workbook's own file is done with a chunk once it is written, a caller's stream may
  // keep it: only the first can be handed one buffer for every chunk.
  const reuse = typeof o.out === "string";
  const detail = async (name: string, sheet: DetailSheet, columns: Column[]) =>
    await writeSplicedSheet(wb, name, columns, await rows.spills[sheet].finish({ reuse }), {
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
