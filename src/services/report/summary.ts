/**
 * What a report tells besides its workbook: the summary and headline figures the bot's message
 * shows, and how durations and shares are written in short.
 *
 * @module
 */
import type { ReportLang } from "./labels.ts";
import type { BusiestHour } from "./load.ts";
import type { Settings } from "../../domain/settings.ts";

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

/** A summary with nothing counted yet. */
export function emptySummary(from: number, to: number): ReportSummary {
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

/** Sum of a map's values. */
export function sumOf(m: Map<string, number>): number {
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
export function formatMs(ms: number): string {
  const sec = Math.round(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${Math.floor(sec / 3600)}:${pad(Math.floor(sec / 60) % 60)}:${pad(sec % 60)}`;
}
