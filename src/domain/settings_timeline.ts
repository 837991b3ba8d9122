/**
 * Settings as they were in force at each moment: the working schedule and targets of a
 * period rebuilt from the settings change log, so that changing the hours today does not
 * recompute last month.
 *
 * @module
 */
import { defaultSettings, type Settings } from "./settings.ts";
import { addWorkingMs, workingMs, type WorkingSchedule } from "./working_time.ts";

/** The targets the figures are judged against. */
export interface Targets {
  reactionTargetMs: number;
  closeTargetMs: number;
  /** Own targets of high and urgent tickets (a priority without them uses the general ones). */
  priorityTargets?: Partial<
    Record<"high" | "urgent", { reactionTargetMs: number; closeTargetMs: number }>
  >;
}

/** A recorded change: the instant and the new values of the changed fields. */
export interface SettingsChangeLike {
  at: number;
  values: Record<string, unknown>;
}

/** One stretch of time under the same schedule and targets, `[from, to)`. */
export interface SettingsEpoch {
  from: number;
  to: number;
  schedule: WorkingSchedule;
  targets: Targets;
}

/** Fields that change how a report measures. */
export const MEASURING = [
  "timeZone",
  "always",
  "week",
  "holidays",
  "reactionTargetMs",
  "closeTargetMs",
  "priorityTargets",
];

function epochOf(s: Settings, from: number, to: number): SettingsEpoch {
  return {
    from,
    to,
    schedule: { timeZone: s.timeZone, always: s.always, week: s.week, holidays: s.holidays },
    targets: {
      reactionTargetMs: s.reactionTargetMs,
      closeTargetMs: s.closeTargetMs,
      priorityTargets: s.priorityTargets ?? {},
    },
  };
}

/** Working time and targets over a sequence of epochs covering all of time. */
export class SettingsTimeline {
  readonly epochs: readonly SettingsEpoch[];

  private constructor(epochs: SettingsEpoch[]) {
    this.epochs = epochs;
  }

  /** One schedule and one set of targets for all time. */
  static fixed(schedule: WorkingSchedule, targets: Targets): SettingsTimeline {
    return new SettingsTimeline([{ from: -Infinity, to: Infinity, schedule, targets }]);
  }

  /**
   * Rebuilds the epochs from the current settings and the change log (oldest first). Before
   * its first logged change a field had its default value; a field never logged has had its
   * current value throughout.
   */
  static fromLog(current: Settings, log: readonly SettingsChangeLike[]): SettingsTimeline {
    const changes = log.filter((c) => MEASURING.some((f) => f in c.values));
    const defaults = defaultSettings() as unknown as Record<string, unknown>;
    const state = { ...current } as unknown as Record<string, unknown>;
    for (const f of MEASURING) {
      if (changes.some((c) => f in c.values)) state[f] = defaults[f];
    }
    const epochs: SettingsEpoch[] = [];
    let from = -Infinity;
    for (const c of changes) {
      if (c.at > from) epochs.push(epochOf(state as unknown as Settings, from, c.at));
      for (const f of MEASURING) if (f in c.values) state[f] = c.values[f];
      from = Math.max(from, c.at);
    }
    // The last epoch is what is stored now.
    epochs.push(epochOf(current, from, Infinity));
    return new SettingsTimeline(epochs);
  }

  /** The epoch in force at `at`. */
  at(at: number): SettingsEpoch {
    for (const e of this.epochs) if (at < e.to) return e;
    return this.epochs.at(-1)!;
  }

  /** Targets in force at `at`. */
  targetsAt(at: number): Targets {
    return this.at(at).targets;
  }

  /** Working ms in `[from, to)`, each stretch under the schedule then in force. */
  workingMs(from: number, to: number): number {
    if (to <= from) return 0;
    let sum = 0;
    for (const e of this.epochs) {
      const a = Math.max(from, e.from), b = Math.min(to, e.to);
      if (b > a) sum += workingMs(e.schedule, a, b);
    }
    return sum;
  }

  /** The instant `ms` of working time after `from`; null when never reached. */
  addWorkingMs(from: number, ms: number): number | null {
    let left = ms;
    for (const e of this.epochs) {
      if (e.to <= from) continue;
      const a = Math.max(from, e.from);
      const w = e.to === Infinity ? Infinity : workingMs(e.schedule, a, e.to);
      if (w >= left) {
        try {
          return addWorkingMs(e.schedule, a, left);
        } catch {
          return null;
        }
      }
      left -= w;
    }
    return null;
  }
}
