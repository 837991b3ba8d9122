/**
 * Time zones for the working-time math: each zone's offset history, learnt lazily from
 * `Intl.DateTimeFormat` (the code must also run where `Temporal` is missing) and kept for the
 * process, and the conversions between instants and local wall-clock time.
 *
 * @module
 */

const SECOND_MS = 1_000;
const DAY_MS = 86_400_000;

/**
 * Offsets are sampled this far apart and a change between samples is bisected. Two transitions
 * closer than this that cancel out would be missed; no zone has had such a pair in modern times,
 * and a shorter step makes multi-year spans measurably slower.
 */
const OFFSET_STEP_MS = 7 * DAY_MS;
/** A query this far outside the cached offset range starts a new range instead of walking to it. */
const OFFSET_RESET_DISTANCE_MS = 60 * DAY_MS;

/** Offset history of one zone, learnt lazily from `Intl` and kept for later calls. */
export class Zone {
  readonly name: string;
  readonly #fmt: Intl.DateTimeFormat;
  // Segment i has offset #offsets[i] from #starts[i] until #starts[i + 1]; only [#lo, #hi] is known.
  #starts: number[] = [];
  #offsets: number[] = [];
  #lo = 0;
  #hi = 0;

  constructor(name: string, fmt: Intl.DateTimeFormat) {
    this.name = name;
    this.#fmt = fmt;
  }

  /** Offset (local minus UTC, ms) in force at instant `t`. */
  offsetAt(t: number): number {
    this.#cover(t);
    return this.#offsets[this.#segmentIndex(t)] ?? 0;
  }

  /** Earliest instant whose local wall-clock reading is at least `local` (ms since local epoch). */
  toUtc(local: number): number {
    // Offsets stay well under a day, so the instant lies in (local - 1d, local + 1d).
    const from = local - DAY_MS;
    this.#cover(from);
    this.#cover(local + DAY_MS);
    const starts = this.#starts;
    for (let i = this.#segmentIndex(from); i < starts.length; i++) {
      const start = starts[i] ?? 0;
      const end = starts[i + 1] ?? Infinity;
      const candidate = Math.max(start, local - (this.#offsets[i] ?? 0));
      if (candidate < end) return candidate;
    }
    throw new Error(`working_time: no instant found for local time ${local} in ${this.name}`);
  }

  /** Offset at a whole-second instant, straight from `Intl`. */
  #sample(t: number): number {
    let year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    for (const part of this.#fmt.formatToParts(t)) {
      switch (part.type) {
        case "year":
          year = Number(part.value);
          break;
        case "month":
          month = Number(part.value);
          break;
        case "day":
          day = Number(part.value);
          break;
        case "hour":
          // Some engines print midnight as 24 even with h23.
          hour = Number(part.value) % 24;
          break;
        case "minute":
          minute = Number(part.value);
          break;
        case "second":
          second = Number(part.value);
          break;
      }
    }
    return Date.UTC(year, month - 1, day, hour, minute, second) - t;
  }

  /** Makes sure the offset history covers instant `t`. */
  #cover(t: number): void {
    if (
      this.#starts.length === 0 || t < this.#lo - OFFSET_RESET_DISTANCE_MS ||
      t > this.#hi + OFFSET_RESET_DISTANCE_MS
    ) {
      // Walking week by week to a distant instant would be slow; forget the old range instead.
      const at = Math.floor(t / SECOND_MS) * SECOND_MS;
      this.#starts = [at];
      this.#offsets = [this.#sample(at)];
      this.#lo = at;
      this.#hi = at;
    }
    while (t > this.#hi) this.#extendForward();
    while (t < this.#lo) this.#extendBackward();
  }

  #extendForward(): void {
    const last = this.#offsets[this.#offsets.length - 1] ?? 0;
    const next = this.#hi + OFFSET_STEP_MS;
    const nextOffset = this.#sample(next);
    if (nextOffset === last) {
      this.#hi = next;
      return;
    }
    // Bisect to the exact second of the first change; transitions happen on whole seconds.
    let a = this.#hi, b = next, bOffset = nextOffset;
    while (b - a > SECOND_MS) {
      const mid = a + Math.floor((b - a) / (2 * SECOND_MS)) * SECOND_MS;
      const midOffset = this.#sample(mid);
      if (midOffset === last) {
        a = mid;
      } else {
        b = mid;
        bOffset = midOffset;
      }
    }
    this.#starts.push(b);
    this.#offsets.push(bOffset);
    this.#hi = b;
  }

  #extendBackward(): void {
    const first = this.#offsets[0] ?? 0;
    const prev = this.#lo - OFFSET_STEP_MS;
    const prevOffset = this.#sample(prev);
    if (prevOffset === first) {
      this.#lo = prev;
      this.#starts[0] = prev;
      return;
    }
    let a = prev, aOffset = prevOffset, b = this.#lo;
    while (b - a > SECOND_MS) {
      const mid = a + Math.floor((b - a) / (2 * SECOND_MS)) * SECOND_MS;
      const midOffset = this.#sample(mid);
      if (midOffset === first) {
        b = mid;
      } else {
        a = mid;
        aOffset = midOffset;
      }
    }
    this.#starts[0] = b;
    this.#starts.unshift(a);
    this.#offsets.unshift(aOffset);
    this.#lo = a;
  }

  /** Index of the last segment starting at or before `t` (0 if none). */
  #segmentIndex(t: number): number {
    const starts = this.#starts;
    let lo = 0, hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

// Creating an Intl.DateTimeFormat costs far more than using one, so zones live for the process.
const zones = new Map<string, Zone>();

/** Looks up (and caches) a zone, throwing a `RangeError` for anything `Intl` does not know. */
export function zoneOf(timeZone: string): Zone {
  const cached = zones.get(timeZone);
  if (cached) return cached;
  // An undefined or empty zone would silently fall back to the host zone.
  if (typeof timeZone !== "string" || timeZone.trim() === "") {
    throw new RangeError(`Unknown time zone ${JSON.stringify(timeZone)}: expected an IANA name`);
  }
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
  } catch {
    throw new RangeError(
      `Unknown time zone ${
        JSON.stringify(timeZone)
      }: expected an IANA name such as "Europe/Moscow"`,
    );
  }
  const canonical = fmt.resolvedOptions().timeZone;
  const zone = zones.get(canonical) ?? new Zone(canonical, fmt);
  zones.set(canonical, zone);
  zones.set(timeZone, zone);
  return zone;
}

/** Offset (local minus UTC, ms) of `timeZone` at instant `t`; throws for an unknown zone. */
export function zoneOffsetAt(timeZone: string, t: number): number {
  return zoneOf(timeZone).offsetAt(t);
}

/**
 * Earliest instant whose wall-clock reading in `timeZone` is at least `local` (ms since the
 * local epoch, as `Date.UTC` of the local fields): a local time that falls into a DST gap
 * maps to the end of the gap; an ambiguous one to its first occurrence.
 */
export function localToUtc(timeZone: string, local: number): number {
  return zoneOf(timeZone).toUtc(local);
}

/**
 * Canonical name `Intl` uses for a time zone (e.g. "europe/moscow" → "Europe/Moscow").
 * Throws a `RangeError` for an unknown zone.
 */
export function canonicalTimeZone(timeZone: string): string {
  return zoneOf(timeZone).name;
}
