/**
 * Report periods in the team's time zone ("this week", "last month", custom dates) and the
 * local wall-clock view of instants that the workbook shows.
 *
 * Uses `Intl` only (no `Temporal`: Deno 2.5 has none without a flag). Weeks start on Monday.
 *
 * @module
 */

import { localToUtc, zoneOffsetAt } from "../../domain/working_time.ts";

/** Named periods the settings bot and the CLI offer. */
export type PeriodKind = "this_week" | "last_week" | "this_month" | "last_month";

/** A half-open interval of instants `[from, to)`. */
export interface Period {
  from: number;
  to: number;
}

/** A local calendar date. */
export interface LocalDate {
  year: number;
  /** 1–12. */
  month: number;
  day: number;
}

/** Local dates and wall clocks of one IANA zone (offsets come from the working-time module). */
export class ZoneClock {
  readonly timeZone: string;

  /** Throws a `RangeError` for a zone `Intl` does not know. */
  constructor(timeZone: string) {
    this.timeZone = timeZone;
    zoneOffsetAt(timeZone, 0);
  }

  /** Offset (local minus UTC, ms) in force at `ms`. */
  offsetAt(ms: number): number {
    return zoneOffsetAt(this.timeZone, ms);
  }

  /** A `Date` whose UTC fields read the local wall clock at `ms` (what Excel should show). */
  wallClock(ms: number): Date {
    return new Date(ms + this.offsetAt(ms));
  }

  /** Local calendar date at `ms`, with its ISO weekday (1 = Monday). */
  dateOf(ms: number): LocalDate & { weekday: number } {
    const d = this.wallClock(ms);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      weekday: ((d.getUTCDay() + 6) % 7) + 1,
    };
  }

  /**
   * First instant of a local date: its midnight, or the end of the DST gap when midnight does
   * not exist that day. Month and day may overflow (month 13 = January next year).
   */
  startOf(date: LocalDate): number {
    return localToUtc(this.timeZone, Date.UTC(date.year, date.month - 1, date.day));
  }
}

/** Adds `days` to a local date (calendar arithmetic, no zone involved). */
function plusDays(d: LocalDate, days: number): LocalDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + days));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** The `[from, to)` instants of a named period around `now`, in `timeZone`. */
export function periodOf(kind: PeriodKind, now: number, timeZone: string): Period {
  const zone = new ZoneClock(timeZone);
  const today = zone.dateOf(now);
  switch (kind) {
    case "this_week":
    case "last_week": {
      const monday = plusDays(today, 1 - today.weekday - (kind === "last_week" ? 7 : 0));
      return { from: zone.startOf(monday), to: zone.startOf(plusDays(monday, 7)) };
    }
    case "this_month":
    case "last_month": {
      const month = today.month - (kind === "last_month" ? 1 : 0);
      return {
        from: zone.startOf({ year: today.year, month, day: 1 }),
        to: zone.startOf({ year: today.year, month: month + 1, day: 1 }),
      };
    }
  }
}

/** Parses "YYYY-MM-DD" strictly; undefined when it is not a real date. */
export function parseLocalDate(text: string): LocalDate | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const d = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  const check = new Date(Date.UTC(d.year, d.month - 1, d.day));
  if (check.getUTCMonth() !== d.month - 1 || check.getUTCDate() !== d.day) return undefined;
  return d;
}

/**
 * A custom period from local dates: from the start of `from` to the start of `to` (exclusive),
 * or to the end of `to` when `inclusiveTo`.
 */
export function periodOfDates(
  from: LocalDate,
  to: LocalDate,
  timeZone: string,
  inclusiveTo = false,
): Period {
  const zone = new ZoneClock(timeZone);
  return { from: zone.startOf(from), to: zone.startOf(inclusiveTo ? plusDays(to, 1) : to) };
}

/** "YYYY-MM-DD" of a local date. */
export function formatLocalDate(d: LocalDate): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.year}-${pad(d.month)}-${pad(d.day)}`;
}
