/**
 * Reports as files to send: built in memory (serverless instances have no disk), on demand
 * for a named or custom period, and on the schedule the admin set.
 *
 * @module
 */
import type { Settings } from "../../domain/settings.ts";
import { type Lang, t } from "../../i18n/mod.ts";
import { claimScheduledReport, releaseScheduledReport } from "../../storage/reports.ts";
import { getSettings } from "../../storage/settings.ts";
import type { ServiceDeps } from "../deps.ts";
import { type Period, periodOf, ZoneClock } from "./period.ts";
import { CHART_SIZE } from "./chart.ts";
import { embedImage } from "./embed_image.ts";
import { type BusiestHour, hourSpan } from "./load.ts";
import { LABELS } from "./labels.ts";
import {
  buildReport,
  formatHm,
  formatShare,
  type Headline,
  headlineOf,
  OVERVIEW_CHART_ROW,
  type ReportSummary,
} from "./report.ts";

/** A built report. */
export interface ReportFile {
  bytes: Uint8Array;
  name: string;
  summary: ReportSummary;
}

function day(at: number, timeZone: string): string {
  const d = new ZoneClock(timeZone).dateOf(at);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.year}-${pad(d.month)}-${pad(d.day)}`;
}

/**
 * Builds the report of `period` into memory, compared with the period just before, with the
 * chart on its first sheet.
 */
export async function reportFile(
  deps: Pick<ServiceDeps, "kv" | "clock">,
  period: Period,
  settings: Settings,
  lang: Lang,
): Promise<ReportFile> {
  const chunks: Uint8Array[] = [];
  const out = new WritableStream<Uint8Array>({ write: (c) => void chunks.push(c) });
  const summary = await buildReport(deps.kv, {
    from: period.from,
    to: period.to,
    settings,
    out,
    now: deps.clock.now(),
    lang,
    spillToMemory: true,
    chart: true,
    previous: true,
  });
  let bytes: Uint8Array = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  if (summary.chart) {
    // the Overview sheet is the first; the chart goes under its figures
    bytes = await embedImage(bytes, summary.chart, {
      sheet: 1,
      row: OVERVIEW_CHART_ROW,
      col: 0,
      ...CHART_SIZE,
    });
  }
  const last = day(period.to - 1, settings.timeZone);
  return { bytes, name: `helpdesk-${day(period.from, settings.timeZone)}_${last}.xlsx`, summary };
}

/**
 * The report's headline figures as the message under the workbook, each with the previous
 * period's beside it when measured.
 */
export function reportCaption(lang: Lang, s: ReportSummary): string {
  const now = headlineOf(s);
  const p = s.previous;
  const fig = (show: (h: Headline) => string) =>
    p ? t(lang, "s_rep_vs", { now: show(now), before: show(p) }) : show(now);
  return t(lang, "s_rep_caption", {
    tickets: fig((h) => String(h.tickets)),
    firstReply: fig((h) => formatHm(h.medianFirstReplyMs)),
    share: fig((h) => formatShare(h.reactionShare)),
    csat: fig((h) => formatShare(h.csat)),
    backlog: fig((h) => String(h.backlog)),
    breaches: fig((h) => String(h.breaches)),
    busiest: p
      ? t(lang, "s_rep_vs", {
        now: busiestText(lang, s.busiest),
        before: busiestText(lang, p.busiest),
      })
      : busiestText(lang, s.busiest),
  });
}

/** "Mon 10:00–11:00 · 42" in the workbook's words for `lang`; "—" without client messages. */
function busiestText(lang: Lang, b: BusiestHour | null): string {
  if (!b) return "—";
  return `${LABELS[lang].weekdays[b.weekday - 1]} ${hourSpan(b.hour)} · ${b.messages}`;
}

/** What the chart's colours mean, as the photo's caption. */
export function chartCaption(lang: Lang, s: ReportSummary): string {
  return t(lang, s.previous ? "s_rep_chart_vs" : "s_rep_chart");
}

/** The period a schedule reports on at `now`: yesterday, last week or last month. */
export function scheduledPeriod(
  schedule: Exclude<Settings["reportSchedule"], "off">,
  now: number,
  timeZone: string,
): Period {
  if (schedule === "weekly") return periodOf("last_week", now, timeZone);
  if (schedule === "monthly") return periodOf("last_month", now, timeZone);
  const zone = new ZoneClock(timeZone);
  const d = zone.dateOf(now);
  const start = zone.startOf(d);
  const yesterday = new Date(Date.UTC(d.year, d.month - 1, d.day - 1));
  return {
    from: zone.startOf({
      year: yesterday.getUTCFullYear(),
      month: yesterday.getUTCMonth() + 1,
      day: yesterday.getUTCDate(),
    }),
    to: start,
  };
}

/**
 * Sends the scheduled report once per period (idempotent across overlapping runs and
 * instances): the first minute job after a period ends builds it and `send`s it.
 */
export async function runScheduledReports(
  deps: Pick<ServiceDeps, "kv" | "clock" | "log">,
  send: (file: ReportFile) => Promise<void>,
): Promise<boolean> {
  const settings = await getSettings(deps.kv);
  if (settings.reportSchedule === "off") return false;
  const period = scheduledPeriod(settings.reportSchedule, deps.clock.now(), settings.timeZone);
  if (
    !(await claimScheduledReport(deps.kv, settings.reportSchedule, period.from, deps.clock.now()))
  ) {
    return false;
  }
  try {
    await send(await reportFile(deps, period, settings, settings.teamLang));
    return true;
  } catch (e) {
    await releaseScheduledReport(deps.kv, settings.reportSchedule, period.from);
    deps.log.error("scheduled report failed", { err: e });
    return false;
  }
}
