/**
 * Who is at work: a manager with hours of their own (a shift) is at work inside them; one
 * without follows the team's working hours. Outside their hours a manager counts as away for
 * the assignment rule and for SLA warnings, with two rules a real team expects:
 *
 * - When nobody is at work now (a night, a weekend), a new ticket goes to those whose hours
 *   begin first, so the morning shift finds the night's tickets already shared out; with the
 *   team's hours alone everyone begins together and the rotation goes on as by day.
 * - An SLA warning of a manager off shift goes to those at work, and stays with its manager
 *   when nobody is (outside the team's hours no one else is there to hear it either).
 *
 * @module
 */
import type { Manager } from "./records.ts";
import type { Settings } from "./settings.ts";
import { isWorkingTime, nextWorkingStart, type WorkingSchedule } from "./working_time.ts";

/** The manager's working hours: their own, in the team's time zone and holidays, or the team's. */
export function scheduleOfManager(m: Manager, s: Settings): WorkingSchedule {
  const own = m.hours;
  return {
    timeZone: s.timeZone,
    always: own ? own.always : s.always,
    week: own ? own.week : s.week,
    holidays: s.holidays,
  };
}

/** Whether the manager is inside their working hours at `now`. */
export function onShift(m: Manager, s: Settings, now: number): boolean {
  try {
    return isWorkingTime(scheduleOfManager(m, s), now);
  } catch {
    // a schedule without a single working hour: never at work
    return false;
  }
}

/** Whether the manager is on the team, not away and at work at `now`. */
export function atWork(m: Manager, s: Settings, now: number): boolean {
  return m.active && !m.away && onShift(m, s, now);
}

/**
 * Managers a new ticket may go to at `now`: active, not away, and at work; when none is at
 * work, those of them whose hours begin first (ties: all of them). Order kept.
 */
export function assignable(managers: readonly Manager[], s: Settings, now: number): Manager[] {
  const present = managers.filter((m) => m.active && !m.away);
  const working = present.filter((m) => onShift(m, s, now));
  if (working.length) return working;
  const starts = present.map((m) => {
    try {
      return nextWorkingStart(scheduleOfManager(m, s), now);
    } catch {
      return Infinity;
    }
  });
  const first = Math.min(...starts);
  return first === Infinity ? [] : present.filter((_, i) => starts[i] === first);
}
