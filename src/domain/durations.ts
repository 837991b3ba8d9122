/**
 * Parsers and formatters for what admins type into the settings bot: durations, working hours,
 * weekly schedules, dates, percentages and time zones.
 *
 * Parsers never throw on user input; they return a reason code that the bot maps to a localized
 * message, so no user-facing text lives here.
 *
 * It stays one file at about 400 lines: every parser of what admins type shares the result type,
 * the units and `normalize`, one section per kind of input.
 *
 * @module
 */

import {
  canonicalTimeZone,
  ISO_WEEKDAYS,
  type IsoWeekday,
  type MinuteInterval,
  type WeekHours,
} from "./working_time.ts";

/** Outcome of parsing user input: the value, or a machine-readable reason code. */
export type ParseResult<T, E extends string = string> =
  | { ok: true; value: T }
  | { ok: false; error: E };

const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
const fail = <E extends string>(error: E): { ok: false; error: E } => ({ ok: false, error });

const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;
const MINUTES_PER_DAY = 1_440;

/** Longest duration an admin may configure. */
export const MAX_DURATION_MS = 365 * DAY_MS;

// ---------------------------------------------------------------------------------------------
// Durations

/** Why a duration was rejected. */
export type DurationError = "empty" | "bad_format" | "missing_unit" | "out_of_range";

/** Units largest first; a duration must use them in this order, each at most once. */
const DURATION_UNITS: ReadonlyArray<{ ms: number; names: readonly string[] }> = [
  { ms: WEEK_MS, names: ["w", "wk", "week", "weeks", "н", "нед"] },
  { ms: DAY_MS, names: ["d", "day", "days", "д", "дн", "день", "дня", "дней"] },
  { ms: HOUR_MS, names: ["h", "hr", "hrs", "hour", "hours", "ч", "час", "часа", "часов"] },
  {
    ms: MINUTE_MS,
    names: ["m", "min", "mins", "minute", "minutes", "м", "мин", "минута", "минуты", "минут"],
  },
  {
    ms: SECOND_MS,
    names: ["s", "sec", "secs", "second", "seconds", "с", "сек", "секунда", "секунды", "секунд"],
  },
];

const DURATION_PART_RE = /(\d+)\s*([a-zа-яё]+)\s*/gy;

/**
 * Parses "15m", "2h", "1d", "1h30m", "1h 30m", "90m", "45s" (also "1w" and Russian unit names)
 * into milliseconds. Units must go largest first, each once. Rejects zero, negative, and more
 * than {@link MAX_DURATION_MS} with "out_of_range".
 */
export function parseDuration(text: string): ParseResult<number, DurationError> {
  let s = normalize(text);
  if (s === "") return fail("empty");
  let negative = false;
  if (s.startsWith("-")) {
    negative = true;
    s = s.slice(1).trimStart();
  }
  if (/^\d+$/.test(s)) return fail("missing_unit");
  let total = 0;
  let nextUnit = 0;
  let pos = 0;
  DURATION_PART_RE.lastIndex = 0;
  for (let m = DURATION_PART_RE.exec(s); m; m = DURATION_PART_RE.exec(s)) {
    const unitIndex = DURATION_UNITS.findIndex((u) => u.names.includes(m?.[2] ?? ""));
    if (unitIndex < nextUnit) return fail("bad_format"); // unknown, repeated or out of order
    total += Number(m[1]) * (DURATION_UNITS[unitIndex]?.ms ?? 0);
    nextUnit = unitIndex + 1;
    pos = DURATION_PART_RE.lastIndex;
  }
  if (pos === 0 || pos !== s.length) return fail("bad_format");
  if (negative || total <= 0 || total > MAX_DURATION_MS) return fail("out_of_range");
  return ok(total);
}

/** Options for {@link formatDuration}. */
export interface FormatDurationOptions {
  /** Show at most this many units, largest first (the rest is truncated): 2 → "1d 4h". */
  maxUnits?: number;
  /** "ru": Russian unit names ("2 мин", "1 д. 4 ч"); otherwise the short form. */
  lang?: "ru" | "en";
}

const RU_UNITS = { d: "day", h: "hour", m: "minute", s: "second" } as const;

/**
 * Short form used in messages: "1h 30m", "2d 4h", "45s"; zero units are left out and
 * `formatDuration(0)` is "0m". Sub-second remainders are truncated; negatives get a "-".
 * Whole-second values round-trip through {@link parseDuration}.
 */
export function formatDuration(ms: number, options: FormatDurationOptions = {}): string {
  if (!Number.isFinite(ms)) throw new RangeError(`formatDuration: not a finite number: ${ms}`);
  const sign = ms < 0 ? "-" : "";
  let rest = Math.floor(Math.abs(ms) / SECOND_MS) * SECOND_MS;
  const parts: string[] = [];
  // Weeks are left out on purpose: "10d" reads better than "1w 3d" in a chat.
  for (
    const [unitMs, name] of [[DAY_MS, "d"], [HOUR_MS, "h"], [MINUTE_MS, "m"], [
      SECOND_MS,
      "s",
    ]] as const
  ) {
    const count = Math.floor(rest / unitMs);
    rest -= count * unitMs;
    if (count > 0) parts.push(unitText(count, name, options.lang));
  }
  const limited = parts.slice(0, Math.max(1, options.maxUnits ?? parts.length));
  return limited.length === 0 ? unitText(0, "m", options.lang) : sign + limited.join(" ");
}

function unitText(count: number, name: "d" | "h" | "m" | "s", lang?: "ru" | "en"): string {
  if (lang !== "ru") return `${count}${name}`;
  // Intl knows Russian's unit forms; the short English form doubles as the input syntax
  return new Intl.NumberFormat("ru", { style: "unit", unit: RU_UNITS[name], unitDisplay: "narrow" })
    .format(count);
}

// ---------------------------------------------------------------------------------------------
// Working hours

/** Why a day's hours were rejected. */
export type HoursError = "empty" | "bad_format" | "bad_time" | "end_before_start" | "overlap";

const OFF_WORDS: readonly string[] = ["off", "-", "–", "—", "closed", "выходной", "нет"];
const FULL_DAY_WORDS: readonly string[] = ["24h", "24 h", "24ч", "24 ч", "круглосуточно"];
const RANGE_RE = /^(\d{1,2})(?::(\d{2}))?\s*[-–—]\s*(\d{1,2})(?::(\d{2}))?$/;

/**
 * Parses one day's hours into sorted `[startMinute, endMinute)` intervals:
 * "09:00-18:00" → [[540, 1080]]; "09:00-13:00,14:00-18:00" → two intervals; "9-18" works too;
 * "24h" or "00:00-24:00" → [[0, 1440]]; "off" or "-" → []. Always a list, so one shape fits
 * every case. Overnight ranges ("22:00-06:00") are rejected: split them over two days.
 */
export function parseHours(text: string): ParseResult<MinuteInterval[], HoursError> {
  const s = normalize(text);
  if (s === "") return fail("empty");
  if (OFF_WORDS.includes(s)) return ok([]);
  if (FULL_DAY_WORDS.includes(s)) return ok([[0, MINUTES_PER_DAY]]);
  const intervals: MinuteInterval[] = [];
  for (const piece of s.split(",")) {
    const m = RANGE_RE.exec(piece.trim());
    if (!m) return fail("bad_format");
    const start = minuteOfDay(m[1], m[2], false);
    const end = minuteOfDay(m[3], m[4], true);
    if (start === undefined || end === undefined) return fail("bad_time");
    if (end <= start) return fail("end_before_start");
    intervals.push([start, end]);
  }
  intervals.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < intervals.length; i++) {
    if ((intervals[i]?.[0] ?? 0) < (intervals[i - 1]?.[1] ?? 0)) return fail("overlap");
  }
  return ok(intervals);
}

/** Minute of day for "HH[:MM]", allowing 24:00 only as an end. */
function minuteOfDay(
  hours: string | undefined,
  minutes: string | undefined,
  isEnd: boolean,
): number | undefined {
  const h = Number(hours), m = Number(minutes ?? "0");
  if (m > 59) return undefined;
  if (h === 24 && m === 0 && isEnd) return MINUTES_PER_DAY;
  if (h > 23) return undefined;
  return h * 60 + m;
}

/** Formats intervals the way {@link parseHours} reads them: "09:00-13:00,14:00-18:00", "off". */
export function formatHours(intervals: readonly MinuteInterval[]): string {
  if (intervals.length === 0) return "off";
  const hhmm = (minute: number) =>
    `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
  return intervals.map(([a, b]) => `${hhmm(a)}-${hhmm(b)}`).join(",");
}

// ---------------------------------------------------------------------------------------------
// Weekly schedules

/** Why a weekly schedule was rejected. */
export type WeekHoursError = HoursError | "bad_day" | "no_working_hours";

/** A parsed weekly schedule; `always` is the 24/7 case (then `week` is every day in full). */
export interface ParsedWeekHours {
  always: boolean;
  week: WeekHours;
}

const DAY_NAMES: ReadonlyArray<readonly string[]> = [
  ["mon", "monday", "mo", "пн", "пон", "понедельник"],
  ["tue", "tues", "tuesday", "tu", "вт", "вторник"],
  ["wed", "wednesday", "we", "ср", "среда"],
  ["thu", "thur", "thurs", "thursday", "th", "чт", "четверг"],
  ["fri", "friday", "fr", "пт", "пятница"],
  ["sat", "saturday", "sa", "сб", "суббота"],
  ["sun", "sunday", "su", "вс", "воскресенье"],
];
const DAY_GROUPS: Readonly<Record<string, readonly IsoWeekday[]>> = {
  daily: ISO_WEEKDAYS,
  everyday: ISO_WEEKDAYS,
  ежедневно: ISO_WEEKDAYS,
  weekdays: [1, 2, 3, 4, 5],
  будни: [1, 2, 3, 4, 5],
  weekend: [6, 7],
  weekends: [6, 7],
  выходные: [6, 7],
};
const ALWAYS_WORDS: readonly string[] = ["24/7", "24x7", "24х7", "always", "круглосуточно"];

/** Day names, "," lists and "-" ranges, then whitespace or ":" and the hours. */
const GROUP_RE = /^(\p{L}+(?:\s*[,\-–—]\s*\p{L}+)*)(?:\s*:\s*|\s+)(.+)$/u;

const emptyWeek = (): WeekHours => ({ 1: [], 2: [], 3: [], 4: [], 5: [], 6: [], 7: [] });

/**
 * Parses a weekly spec such as "mon-fri 09:00-18:00; sat 10:00-14:00" (groups split by ";" or
 * new lines; day lists "mon,wed", wrapping ranges "fri-mon", "daily", "weekdays", Russian day
 * names). Days not mentioned are off; a later group overrides an earlier one, so
 * "daily 9-18; sun off" works. "24/7" gives `always`.
 */
export function parseWeekHours(text: string): ParseResult<ParsedWeekHours, WeekHoursError> {
  const s = normalize(text);
  if (s === "") return fail("empty");
  if (ALWAYS_WORDS.includes(s)) {
    const week = emptyWeek();
    for (const day of ISO_WEEKDAYS) week[day] = [[0, MINUTES_PER_DAY]];
    return ok({ always: true, week });
  }
  const week = emptyWeek();
  for (const group of s.split(/[;\n]+/)) {
    const trimmed = group.trim();
    if (trimmed === "") continue;
    const m = GROUP_RE.exec(trimmed);
    if (!m) return fail("bad_format");
    const days = parseDays(m[1] ?? "");
    if (!days) return fail("bad_day");
    const hours = parseHours(m[2] ?? "");
    if (!hours.ok) return hours;
    for (const day of days) week[day] = hours.value.map(([a, b]): MinuteInterval => [a, b]);
  }
  if (ISO_WEEKDAYS.every((day) => week[day].length === 0)) return fail("no_working_hours");
  return ok({ always: false, week });
}

/** Days named by "mon-fri", "mon,wed,fri", "sat", "weekdays" …; undefined if any name is unknown. */
function parseDays(spec: string): IsoWeekday[] | undefined {
  const days = new Set<IsoWeekday>();
  for (const item of spec.split(",")) {
    const ends = item.split(/[-–—]/).map((x) => x.trim());
    if (ends.length === 1) {
      const name = ends[0] ?? "";
      const group = DAY_GROUPS[name];
      const day = dayOfName(name);
      if (group) group.forEach((d) => days.add(d));
      else if (day) days.add(day);
      else return undefined;
    } else if (ends.length === 2) {
      const from = dayOfName(ends[0] ?? ""), to = dayOfName(ends[1] ?? "");
      if (!from || !to) return undefined;
      // Ranges may wrap past Sunday ("fri-mon").
      for (let d = from;; d = (d % 7 + 1) as IsoWeekday) {
        days.add(d);
        if (d === to) break;
      }
    } else {
      return undefined;
    }
  }
  return [...days];
}

function dayOfName(name: string): IsoWeekday | undefined {
  const index = DAY_NAMES.findIndex((names) => names.includes(name));
  return index < 0 ? undefined : (index + 1) as IsoWeekday;
}

/**
 * Formats a week the way {@link parseWeekHours} reads it, joining runs of days with equal hours:
 * "mon-fri 09:00-18:00; sat 10:00-14:00". Days off are left out.
 */
export function formatWeekHours(week: WeekHours, always = false): string {
  if (always) return "24/7";
  const key = (day: IsoWeekday) => formatHours(week[day] ?? []);
  const groups: string[] = [];
  for (let i = 0; i < ISO_WEEKDAYS.length;) {
    const first = ISO_WEEKDAYS[i] as IsoWeekday;
    let j = i;
    while (j + 1 < ISO_WEEKDAYS.length && key(ISO_WEEKDAYS[j + 1] as IsoWeekday) === key(first)) {
      j++;
    }
    const last = ISO_WEEKDAYS[j] as IsoWeekday;
    if ((week[first] ?? []).length > 0) {
      const name = (d: IsoWeekday) => DAY_NAMES[d - 1]?.[0] ?? "";
      groups.push(`${first === last ? name(first) : `${name(first)}-${name(last)}`} ${key(first)}`);
    }
    i = j + 1;
  }
  return groups.length === 0 ? "off" : groups.join("; ");
}

// ---------------------------------------------------------------------------------------------
// Dates, percentages, time zones

/** Why a date was rejected. */
export type DateError = "empty" | "bad_format" | "bad_date";

/**
 * Validates a calendar date and returns it as "YYYY-MM-DD". Accepts "2026-12-31" and, since
 * Russian-speaking admins type it that way, "31.12.2026".
 */
export function parseDate(text: string): ParseResult<string, DateError> {
  const s = normalize(text);
  if (s === "") return fail("empty");
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  let year: number, month: number, day: number;
  if (m) {
    [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  } else if ((m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(s))) {
    [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  } else {
    return fail("bad_format");
  }
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return fail("bad_date");
  }
  const pad = (n: number) => String(n).padStart(2, "0");
  return ok(`${year}-${pad(month)}-${pad(day)}`);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Why a percentage was rejected. */
export type PercentError = "empty" | "bad_format" | "out_of_range";

/** Parses "80%" or "80" (decimals with "." or ",") into a fraction, 0.8; must be 1..100. */
export function parsePercent(text: string): ParseResult<number, PercentError> {
  const s = normalize(text);
  if (s === "") return fail("empty");
  const m = /^(-?)\s*(\d+(?:[.,]\d+)?)\s*%?$/.exec(s);
  if (!m) return fail("bad_format");
  const percent = Number((m[2] ?? "").replace(",", "."));
  if (m[1] === "-" || percent < 1 || percent > 100) return fail("out_of_range");
  // toPrecision drops float noise such as 33.3 / 100 = 0.33299999999999996.
  return ok(Number((percent / 100).toPrecision(12)));
}

/** Whether `Intl` knows the time zone (IANA names, case-insensitive). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    canonicalTimeZone(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Why a time zone was rejected. */
export type TimeZoneError = "empty" | "unknown_time_zone";

/**
 * Parses a time zone name as typed: "Europe/Moscow", "europe/moscow" (case fixed), "UTC",
 * "UTC+3" / "GMT-5" (whole hours, no DST; stored as "Etc/GMT-3" whose sign is inverted by
 * POSIX convention). Returns the name to store.
 */
export function parseTimeZone(text: string): ParseResult<string, TimeZoneError> {
  const s = text.trim();
  if (s === "") return fail("empty");
  const offset = /^(?:utc|gmt)\s*([+\-−])\s*(\d{1,2})$/i.exec(s);
  if (offset) {
    const hours = Number(offset[2]);
    const east = offset[1] === "+";
    if (hours === 0) return ok("UTC");
    if (hours > (east ? 14 : 12)) return fail("unknown_time_zone");
    return ok(`Etc/GMT${east ? "-" : "+"}${hours}`);
  }
  if (!isValidTimeZone(s)) return fail("unknown_time_zone");
  const canonical = canonicalTimeZone(s);
  // Intl may resolve to a legacy alias (Asia/Kolkata → Asia/Calcutta); keep what was typed then.
  return ok(canonical.toLowerCase() === s.toLowerCase() ? canonical : s);
}

/** Trims, lowercases and folds runs of blanks so parsers see one spelling (new lines are kept). */
function normalize(text: string): string {
  return String(text ?? "").trim().toLowerCase().replace(/[^\S\n]+/g, " ");
}
