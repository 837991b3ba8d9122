/**
 * The team's load by hour of the week in its time zone: when customers write and when requests
 * start, so an owner can see which hours need people (the "busiest hours" of the workload).
 *
 * @module
 */
import type { ZoneClock } from "./period.ts";
import type { SpillRow } from "./spill.ts";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The busiest hour of the week: ISO weekday (1 = Monday), local hour, client messages. */
export interface BusiestHour {
  weekday: number;
  hour: number;
  messages: number;
}

/** Counts client messages and started work periods per weekday and local hour. */
export class HourlyLoad {
  readonly #zone: ZoneClock;
  /** [weekday 0–6 from Monday][hour]. */
  readonly #messages = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  readonly #starts = new Array<number>(24).fill(0);

  constructor(zone: ZoneClock) {
    this.#zone = zone;
  }

  /** [weekday from Monday = 0, local hour]; arithmetic, not a `Date` per message. */
  #slot(ms: number): [number, number] {
    const local = ms + this.#zone.offsetAt(ms);
    const day = Math.floor(local / DAY_MS);
    // 1 January 1970 was a Thursday (3 days after a Monday)
    return [(((day + 3) % 7) + 7) % 7, Math.floor((local - day * DAY_MS) / HOUR_MS)];
  }

  /** A message a client wrote at `ms`. */
  addMessage(ms: number): void {
    const [day, hour] = this.#slot(ms);
    this.#messages[day]![hour]!++;
  }

  /** A work period (new request or reopening) started at `ms`. */
  addStart(ms: number): void {
    this.#starts[this.#slot(ms)[1]]!++;
  }

  /** The hour of the week with most client messages (the earliest of equals); null if none. */
  busiest(): BusiestHour | null {
    let best: BusiestHour | null = null;
    for (let day = 0; day < 7; day++) {
      for (let hour = 0; hour < 24; hour++) {
        const n = this.#messages[day]![hour]!;
        if (n > 0 && (best === null || n > best.messages)) {
          best = { weekday: day + 1, hour, messages: n };
        }
      }
    }
    return best;
  }

  /**
   * One row per local hour: "10:00–11:00", client messages on each weekday from Monday,
   * their total, and the work periods started in that hour.
   */
  rows(): SpillRow[] {
    return Array.from({ length: 24 }, (_, hour) => {
      const days = this.#messages.map((d) => d[hour]!);
      return [
        hourSpan(hour),
        ...days,
        days.reduce((a, b) => a + b, 0),
        this.#starts[hour]!,
      ];
    });
  }
}

/** "09:00–10:00" of a local hour. */
export function hourSpan(hour: number): string {
  const hh = (h: number) => `${String(h % 24).padStart(2, "0")}:00`;
  return `${hh(hour)}–${hh(hour + 1)}`;
}
