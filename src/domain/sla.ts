/**
 * Which SLA thresholds a ticket's current cycle has reached: the warning share and the whole
 * of the reaction target (until the first manager reply) and of the close target (until the
 * close), both in working time.
 *
 * @module
 */
import { type Settings, targetsFor } from "./settings.ts";
import { currentCycle, pausedFrom, priorityOf, type Ticket } from "./ticket.ts";
import { workingMs, type WorkingSchedule } from "./working_time.ts";

/** A threshold of a cycle. */
export type SlaThreshold = "reaction_warn" | "reaction_breach" | "close_warn" | "close_breach";

/**
 * The schedule of each settings object: the same object for the same settings, so that the
 * working-time module's compiled rules (cached per schedule) are reused, not rebuilt on every
 * message (`offHoursReply` asks for every relayed one). Settings objects are replaced, never
 * changed in place (storage/settings.ts).
 */
const schedules = new WeakMap<Settings, WorkingSchedule>();

/** The schedule part of the settings as the working-time module wants it. */
export function scheduleOf(s: Settings): WorkingSchedule {
  let w = schedules.get(s);
  if (!w) {
    w = { timeZone: s.timeZone, always: s.always, week: s.week, holidays: s.holidays };
    schedules.set(s, w);
  }
  return w;
}

/** Thresholds the current cycle of `t` has reached at `now` (none for a closed ticket). */
export function dueThresholds(t: Ticket, s: Settings, now: number): SlaThreshold[] {
  if (t.status === "closed") return [];
  const cycle = currentCycle(t);
  const elapsed = slaElapsedMs(t, s, now);
  // a high or urgent ticket is held to its own targets
  const target = targetsFor(s, priorityOf(t));
  const out: SlaThreshold[] = [];
  // breached only past the target: the report counts a reply or close that took exactly the
  // target as within it ("not longer than"), so an alert at that instant would contradict it
  if (cycle.firstReplyAt === undefined) {
    if (elapsed >= target.reactionTargetMs * s.warnShare) out.push("reaction_warn");
    if (elapsed > target.reactionTargetMs) out.push("reaction_breach");
  }
  if (elapsed >= target.closeTargetMs * s.warnShare) out.push("close_warn");
  if (elapsed > target.closeTargetMs) out.push("close_breach");
  return out;
}

/**
 * Working time the current cycle's SLA clocks have run at `now`: from the cycle's start, less
 * the stretches spent waiting for the customer or on hold (ended ones and the one going on).
 */
export function slaElapsedMs(t: Ticket, s: Settings, now: number): number {
  const schedule = scheduleOf(s);
  const cycle = currentCycle(t);
  let ms = workingMs(schedule, cycle.startedAt, now);
  for (const [from, to] of cycle.paused ?? []) ms -= workingMs(schedule, from, Math.min(to, now));
  const open = pausedFrom(t);
  if (open !== null && open < now) ms -= workingMs(schedule, Math.max(open, cycle.startedAt), now);
  return Math.max(0, ms);
}
