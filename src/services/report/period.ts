/**
 * Report periods in the team's time zone ("this week", "last month", custom dates) and the
 * local wall-clock view of instants that the workbook shows.
 *
 * Uses `Intl` only (no `Temporal`: Deno 2.5 has none without a flag). Weeks start on Monday.
 *
 * @module
 */

const DAY_MS = 86_400_000;
/** Zone offsets change on quarter hours of UTC: the finest cache bucket. */
const BUCKET_MS = 900_000;
const CACHE_LIMIT = 200_000;

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

/** Offsets of one IANA zone, looked up through `Intl` and cached per quarter hour. */
export class ZoneClock {
  readonly timeZone: string;
  readonly #fmt: Intl.DateTimeFormat;
  /** Offset per UTC day; NaN when the offset changes that day. */
  readonly #days = new Map<number, number>();
  /** Offset per quarter hour, for days with a change. */
  readonly #quarters = new Map<number, number>();

  /** Throws a `RangeError` for a zone `Intl` does not know. */
  constructor(timeZone: string) {
    this.timeZone = timeZone;
    this.#fmt = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
  }

  /** Offset (local minus UTC, ms) in force at `ms`. */
  offsetAt(ms: number): number {
    // A day whose two ends share an offset has it throughout (zones change at most once a
    // day), so most instants cost one lookup per day; a day with a change goes by quarter hour.
    const day = Math.floor(ms / DAY_MS);
    let offset = this.#days.get(day);
    if (offset === undefined) {
      const start = this.#sample(day * DAY_MS);
      offset = start === this.#sample((day + 1) * DAY_MS) ? start : NaN;
      this.#remember(this.#days, day, offset);
    }
    if (!Number.isNaN(offset)) return offset;
    const bucket = Math.floor(ms / BUCKET_MS);
    let exact = this.#quarters.get(bucket);
    if (exact === undefined) {
      this.#remember(this.#quarters, bucket, exact = this.#sample(bucket * BUCKET_MS));
    }
    return exact;
  }

  #remember(map: Map<number, number>, key: number, offset: number): void {
    if (map.size >= CACHE_LIMIT) map.clear();
    map.set(key, offset);
  }

  /** Offset at an instant, straight from `Intl`. */
  #sample(at: number): number {
    const p: Record<string, number> = {};
    for (const part of this.#fmt.formatToParts(at)) p[part.type] = Number(part.value);
    const local = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!, p.second!);
    return local - at;
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
    const local = Date.UTC(date.year, date.month - 1, date.day);
    // The instant is local minus an offset in force near it; try both neighbouring offsets.
    let best = Infinity;
    for (const offset of [this.offsetAt(local - DAY_MS), this.offsetAt(local + DAY_MS)]) {
      const t = local - offset;
      if (this.offsetAt(t) === offset && t < best) best = t;
    }
    if (best !== Infinity) return best;
    // Midnight fell into a gap: the day starts at the transition, found by bisection (offsets
    // stay within ±15 h, so the bounds read before and after local midnight).
    let lo = local - 15 * 3_600_000, hi = local + 15 * 3_600_000;
    while (hi - lo > 1_000) {
      const mid = Math.floor((lo + hi) / 2);
      if (mid + this.offsetAt(mid) >= local) hi = mid;
      else lo = mid;
    }
    // Transitions sit on quarter hours, which the bisection's last second straddles.
    return Math.floor(hi / BUCKET_MS) * BUCKET_MS;
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
