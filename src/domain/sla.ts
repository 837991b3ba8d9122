/**
 * Which SLA thresholds a ticket's current cycle has reached: the warning share and the whole
 * of the reaction target (until the first manager reply) and of the close target (until the
 * close), both in working time.
 *
 * @module
 */
import type { Settings } from "./settings.ts";
import { currentCycle, type Ticket } from "./ticket.ts";
import { workingMs, type WorkingSchedule } from "./working_time.ts";

/** A threshold of a cycle. */
export type SlaThreshold = "reaction_warn" | "reaction_breach" | "close_warn" | "close_breach";

/** The schedule part of the settings as the working-time module wants it. */
export function scheduleOf(s: Settings): WorkingSchedule {
  return { timeZone: s.timeZone, always: s.always, week: s.week, holidays: s.holidays };
}

/** Thresholds the current cycle of `t` has reached at `now` (none for a closed ticket). */
export function dueThresholds(t: Ticket, s: Settings, now: number): SlaThreshold[] {
  if (t.status === "closed") return [];
  const cycle = currentCycle(t);
  const elapsed = workingMs(scheduleOf(s), cycle.startedAt, now);
  const out: SlaThreshold[] = [];
  if (cycle.firstReplyAt === undefined) {
    if (elapsed >= s.reactionTargetMs * s.warnShare) out.push("reaction_warn");
    if (elapsed >= s.reactionTargetMs) out.push("reaction_breach");
  }
  if (elapsed >= s.closeTargetMs * s.warnShare) out.push("close_warn");
  if (elapsed >= s.closeTargetMs) out.push("close_breach");
  return out;
}
