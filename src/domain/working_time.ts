/**
 * Working-time arithmetic over a weekly schedule in an IANA time zone (SLA clocks, deadlines).
 *
 * Everything is pure: instants are epoch milliseconds passed in by the caller. Time-zone math
 * uses `Intl.DateTimeFormat` only, because the code must also run where `Temporal` is missing.
 *
 * Local-time rules:
 * - A schedule interval `[start, end)` on a local date is converted to real instants with the
 *   zone offset in force at each end, so working time is always real elapsed milliseconds.
 * - A local time that does not exist (spring-forward gap) maps to the first instant after the
 *   gap; an ambiguous one (fall-back overlap) maps to its earlier occurrence. Both rules are
 *   "the earliest instant whose wall clock reads at least that time", which keeps the mapping
 *   monotonic so an interval can never get a negative length.
 *
 * @module
 */
import { canonicalTimeZone, localToUtc, type Zone, zoneOf, zoneOffsetAt } from "./time_zone.ts";

export { canonicalTimeZone, localToUtc, zoneOffsetAt };

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const MINUTES_PER_DAY = 1_440;

/** Earliest supported instant (1000-01-01T00:00Z); keeps `Intl` formatting and `Date.UTC` sane. */
const MIN_INSTANT_MS = Date.UTC(1000, 0, 1);
/** Latest supported instant (9000-01-01T00:00Z). */
const MAX_INSTANT_MS = Date.UTC(9000, 0, 1);

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** A `[startMinute, endMinute)` interval of local time within one day, `0 <= start < end <= 1440`. */
export type MinuteInterval = [number, number];

/** Working intervals for each ISO weekday; an empty list is a day off. */
export type WeekHours = Record<IsoWeekday, MinuteInterval[]>;

/** All ISO weekdays in order, for iterating a {@link WeekHours} record. */
export const ISO_WEEKDAYS: readonly IsoWeekday[] = Object.freeze([1, 2, 3, 4, 5, 6, 7]);

/**
 * Weekly schedule: for each ISO weekday 1=Mon..7=Sun, a list of `[startMinute, endMinute)`
 * intervals in local time; empty = day off.
 */
export interface WorkingSchedule {
  /** IANA time zone the intervals and holidays are expressed in, e.g. "Europe/Moscow". */
  timeZone: string;
  /** 24/7: every local day is worked in full and `week` is ignored; holidays still apply. */
  always: boolean;
  /** Working intervals per weekday; overlapping or touching intervals are merged. */
  week: WeekHours;
  /** Local dates ("YYYY-MM-DD") that are off for the whole day. */
  holidays: string[];
}

/** Every weekday worked in full. */
function fullWeek(): WeekHours {
  return {
    1: [[0, MINUTES_PER_DAY]],
    2: [[0, MINUTES_PER_DAY]],
    3: [[0, MINUTES_PER_DAY]],
    4: [[0, MINUTES_PER_DAY]],
    5: [[0, MINUTES_PER_DAY]],
    6: [[0, MINUTES_PER_DAY]],
    7: [[0, MINUTES_PER_DAY]],
  };
}

/** A 24/7 schedule in the given time zone, without holidays. */
export const ALWAYS = (timeZone: string): WorkingSchedule => ({
  timeZone,
  always: true,
  week: fullWeek(),
  holidays: [],
});

/** Deep-freezes a plain value so a shared constant cannot be mutated by one caller for all. */
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** Default schedule: Monday–Friday 09:00–18:00, Europe/Moscow, no holidays (frozen; copy to edit). */
export const defaultSchedule: WorkingSchedule = deepFreeze({
  timeZone: "Europe/Moscow",
  always: false,
  week: {
    1: [[9 * 60, 18 * 60]],
    2: [[9 * 60, 18 * 60]],
    3: [[9 * 60, 18 * 60]],
    4: [[9 * 60, 18 * 60]],
    5: [[9 * 60, 18 * 60]],
    6: [],
    7: [],
  },
  holidays: [],
});

// ---------------------------------------------------------------------------------------------
// Schedules

/** A schedule validated and reshaped for fast day-by-day walking. */
interface Compiled {
  zone: Zone;
  /** Merged intervals per weekday, index 0 = Monday. */
  days: MinuteInterval[][];
  /** Nominal length (ms) of each weekday's intervals, for days without an offset change. */
  dayTotals: number[];
  /** Local day numbers (days since 1970-01-01 local) that are holidays. */
  holidays: Set<number>;
  /** Whether any weekday has working time at all. */
  anyWork: boolean;
  /** Every instant is working time, so spans reduce to plain subtraction. */
  allTheTime: boolean;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Local day number of a "YYYY-MM-DD" date, or `undefined` if it is not a real calendar date. */
function dayNumberOfDate(date: string): number | undefined {
  const m = DATE_RE.exec(date);
  if (!m) return undefined;
  const year = Number(m[1]), month = Number(m[2]), day = Number(m[3]);
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  return ms / DAY_MS;
}

/**
 * Compiled schedules by schedule object: reports and SLA checks measure thousands of spans
 * with one schedule. Callers do not mutate schedules (the default one is frozen).
 */
const compiled = new WeakMap<WorkingSchedule, Compiled>();

function compile(schedule: WorkingSchedule): Compiled {
  let c = compiled.get(schedule);
  if (!c) compiled.set(schedule, c = compileNow(schedule));
  return c;
}

function compileNow(schedule: WorkingSchedule): Compiled {
  const zone = zoneOf(schedule.timeZone);
  const days: MinuteInterval[][] = [];
  const dayTotals: number[] = [];
  for (const weekday of ISO_WEEKDAYS) {
    // Stored schedules are plain JSON, so a missing weekday is tolerated as a day off.
    const raw = schedule.always
      ? [[0, MINUTES_PER_DAY] as MinuteInterval]
      : schedule.week?.[weekday] ?? [];
    const merged = mergeIntervals(raw, weekday);
    days.push(merged);
    dayTotals.push(merged.reduce((sum, [a, b]) => sum + (b - a) * MINUTE_MS, 0));
  }
  const holidays = new Set<number>();
  for (const date of schedule.holidays ?? []) {
    const day = dayNumberOfDate(date);
    if (day === undefined) {
      throw new RangeError(`Invalid holiday ${JSON.stringify(date)}: expected YYYY-MM-DD`);
    }
    holidays.add(day);
  }
  const anyWork = dayTotals.some((total) => total > 0);
  const allTheTime = holidays.size === 0 && dayTotals.every((t) => t === DAY_MS) &&
    days.every((d) => d.length === 1);
  return { zone, days, dayTotals, holidays, anyWork, allTheTime };
}

/** Validates, sorts and merges one weekday's intervals. */
function mergeIntervals(raw: readonly MinuteInterval[], weekday: IsoWeekday): MinuteInterval[] {
  for (const interval of raw) {
    const [a, b] = interval;
    if (
      !Number.isFinite(a) || !Number.isFinite(b) || a < 0 || b > MINUTES_PER_DAY || a >= b
    ) {
      throw new RangeError(
        `Invalid working interval ${JSON.stringify(interval)} on weekday ${weekday}: ` +
          `expected [start, end) minutes with 0 <= start < end <= ${MINUTES_PER_DAY}`,
      );
    }
  }
  const sorted = raw.map(([a, b]): MinuteInterval => [a, b]).sort((x, y) => x[0] - y[0]);
  const merged: MinuteInterval[] = [];
  for (const interval of sorted) {
    const last = merged[merged.length - 1];
    if (last && interval[0] <= last[1]) last[1] = Math.max(last[1], interval[1]);
    else merged.push(interval);
  }
  return merged;
}

/** ISO weekday of a local day number (day 0 = 1970-01-01, a Thursday). */
function weekdayIndex(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** One local day as real instants. */
interface DayView {
  /** Local day number. */
  day: number;
  /** Instant the local day starts. */
  start: number;
  /** Instant the next local day starts. */
  end: number;
  /** Merged intervals of the day (empty on days off and holidays). */
  intervals: MinuteInterval[];
  /** Nominal working ms, exact only when `uniform`. */
  total: number;
  /** The day starts at local midnight and keeps one offset, so minutes map linearly. */
  uniform: boolean;
}

/** Walks local days forward, reusing each day's end as the next day's start. */
class DayWalker {
  readonly #c: Compiled;
  #day: number;
  #start: number;

  constructor(c: Compiled, day: number) {
    this.#c = c;
    this.#day = day;
    this.#start = c.zone.toUtc(day * DAY_MS);
  }

  next(): DayView {
    const c = this.#c;
    const day = this.#day;
    const start = this.#start;
    const end = c.zone.toUtc((day + 1) * DAY_MS);
    this.#day = day + 1;
    this.#start = end;
    const index = weekdayIndex(day);
    const off = c.holidays.has(day);
    const intervals = off ? [] : c.days[index] ?? [];
    const total = off ? 0 : c.dayTotals[index] ?? 0;
    // The length check catches a day whose midnight fell into a DST gap: its first instant
    // reads 01:00, so local minutes are not plain offsets from `start`.
    const uniform = end - start === DAY_MS && c.zone.offsetAt(start) === c.zone.offsetAt(end - 1);
    return { day, start, end, intervals, total, uniform };
  }

  /** Instant of local minute `minute` on the day of `view`. */
  instant(view: DayView, minute: number): number {
    if (view.uniform) return view.start + minute * MINUTE_MS;
    return this.#c.zone.toUtc(view.day * DAY_MS + minute * MINUTE_MS);
  }
}

/**
 * Local day to start walking from so that no interval touching `t` is skipped. A day starts at
 * the first instant reading its midnight, so an instant reading day D is never before day D.
 */
function firstDayFor(c: Compiled, t: number): number {
  return Math.floor((t + c.zone.offsetAt(t)) / DAY_MS);
}

function checkInstant(name: string, t: number): void {
  if (typeof t !== "number" || !(t >= MIN_INSTANT_MS && t <= MAX_INSTANT_MS)) {
    throw new RangeError(
      `${name} must be an epoch-ms instant between years 1000 and 9000, got ${t}`,
    );
  }
}

function beyondRange(fn: string): RangeError {
  return new RangeError(`${fn}: the result is beyond the supported range (year 9000)`);
}

function noWorkingHours(c: Compiled): RangeError {
  return new RangeError(`Schedule in ${c.zone.name} has no working hours`);
}

/** Working milliseconds in `[fromMs, toMs)`; 0 if `toMs <= fromMs`. */
export function workingMs(schedule: WorkingSchedule, fromMs: number, toMs: number): number {
  checkInstant("fromMs", fromMs);
  checkInstant("toMs", toMs);
  const c = compile(schedule);
  if (toMs <= fromMs) return 0;
  if (c.allTheTime) return toMs - fromMs;
  if (!c.anyWork) return 0;
  const walker = new DayWalker(c, firstDayFor(c, fromMs));
  let total = 0;
  for (;;) {
    const view = walker.next();
    if (view.start >= toMs) break;
    if (view.end <= fromMs || view.intervals.length === 0) continue;
    if (view.uniform && view.start >= fromMs && view.end <= toMs) {
      total += view.total;
      continue;
    }
    for (const [a, b] of view.intervals) {
      const start = Math.max(walker.instant(view, a), fromMs);
      const end = Math.min(walker.instant(view, b), toMs);
      if (end > start) total += end - start;
    }
  }
  return total;
}

/** Whether `atMs` falls inside a working interval (intervals are half-open: the end is off). */
export function isWorkingTime(schedule: WorkingSchedule, atMs: number): boolean {
  checkInstant("atMs", atMs);
  const c = compile(schedule);
  if (c.allTheTime) return true;
  if (!c.anyWork) return false;
  const walker = new DayWalker(c, firstDayFor(c, atMs));
  for (;;) {
    const view = walker.next();
    if (view.start > atMs) return false;
    if (view.end <= atMs) continue;
    for (const [a, b] of view.intervals) {
      if (walker.instant(view, a) <= atMs && atMs < walker.instant(view, b)) return true;
    }
  }
}

/**
 * Instant when `durationMs` of working time have elapsed after `fromMs`: the earliest `t` with
 * `workingMs(schedule, fromMs, t) === durationMs`, so a deadline that lands exactly on the end of
 * a shift is that end, not the next shift's start. Returns `fromMs` for a zero duration.
 * Throws a `RangeError` for a negative duration, a schedule without working hours, or a result
 * beyond the supported range.
 */
export function addWorkingMs(
  schedule: WorkingSchedule,
  fromMs: number,
  durationMs: number,
): number {
  checkInstant("fromMs", fromMs);
  if (typeof durationMs !== "number" || !(durationMs >= 0) || !Number.isFinite(durationMs)) {
    throw new RangeError(`durationMs must be a finite non-negative number, got ${durationMs}`);
  }
  const c = compile(schedule);
  if (durationMs === 0) return fromMs;
  if (!c.anyWork) throw noWorkingHours(c);
  // Working time never runs faster than real time, so this bounds the answer from below.
  if (fromMs + durationMs > MAX_INSTANT_MS) throw beyondRange("addWorkingMs");
  let result: number | undefined;
  if (c.allTheTime) {
    result = fromMs + durationMs;
  } else {
    let remaining = durationMs;
    const walker = new DayWalker(c, firstDayFor(c, fromMs));
    while (result === undefined) {
      const view = walker.next();
      if (view.start > MAX_INSTANT_MS) break;
      if (view.end <= fromMs || view.intervals.length === 0) continue;
      // Whole days are skipped in O(1) unless the deadline falls inside them.
      if (view.uniform && view.start >= fromMs && view.total < remaining) {
        remaining -= view.total;
        continue;
      }
      for (const [a, b] of view.intervals) {
        const start = Math.max(walker.instant(view, a), fromMs);
        const end = walker.instant(view, b);
        if (end <= start) continue;
        if (remaining <= end - start) {
          result = start + remaining;
          break;
        }
        remaining -= end - start;
      }
    }
  }
  if (result === undefined || result > MAX_INSTANT_MS) throw beyondRange("addWorkingMs");
  return result;
}

/**
 * Start of the next working interval at or after `atMs` (`atMs` itself if working now).
 * Throws a `RangeError` for a schedule without working hours.
 */
export function nextWorkingStart(schedule: WorkingSchedule, atMs: number): number {
  checkInstant("atMs", atMs);
  const c = compile(schedule);
  if (c.allTheTime) return atMs;
  if (!c.anyWork) throw noWorkingHours(c);
  const walker = new DayWalker(c, firstDayFor(c, atMs));
  for (;;) {
    const view = walker.next();
    if (view.start > MAX_INSTANT_MS) throw beyondRange("nextWorkingStart");
    if (view.end <= atMs) continue;
    for (const [a, b] of view.intervals) {
      const end = walker.instant(view, b);
      if (end > atMs) {
        const start = walker.instant(view, a);
        // An interval swallowed by a DST gap has no instants; keep looking.
        if (end > start) return Math.max(start, atMs);
      }
    }
  }
}
