/**
 * The setup watch: the doctor's checks, run once a minute and when a bot's membership in the
 * channel or group changes, so that an unlinked discussion group or a bot that lost its admin
 * rights reaches the admins (once per problem) instead of leaving tickets without a thread.
 *
 * @module
 */
import { getSettings } from "../../storage/settings.ts";
import { getWatched, putWatched } from "../../storage/setup_watch.ts";
import type { SetupDeps } from "./deps.ts";
import { type Problem, runDoctor } from "./doctor.ts";

/** Where the watch reports: the admins' alerts. */
export interface SetupAlerts {
  setupBroken(problems: Problem[]): Promise<void>;
  setupWhole(): Promise<void>;
}

const keyOf = (p: Problem) =>
  (p.bot ? `${p.code}:${p.bot}` : p.code) + (p.desk ? `@desk${p.desk}` : "");

/**
 * Checks an open helpdesk's setup; alerts the admins about problems not alerted yet, and once
 * when none is left (then resumes the outbox: what waited for the setup goes out).
 */
export async function watchSetup(
  deps: Omit<SetupDeps, "control">,
  alerts: SetupAlerts,
): Promise<void> {
  if (!(await getSettings(deps.kv)).open) return;
  const report = await runDoctor(deps);
  // a network blip is not a broken setup: decide at the next check
  if (report.problems.some((p) => p.code === "telegram_unreachable")) return;
  const now = [...new Set(report.problems.map(keyOf))].sort();
  const was = await getWatched(deps.kv);
  if (now.join() === was.problems.join()) return;
  // only the check that records the change alerts (two overlapping checks alert once)
  if (!(await putWatched(deps.kv, now, was.versionstamp))) return;
  const fresh = report.problems.filter((p, i, all) =>
    !was.problems.includes(keyOf(p)) && all.findIndex((q) => keyOf(q) === keyOf(p)) === i
  );
  if (fresh.length) await alerts.setupBroken(fresh);
  else if (now.length === 0) {
    await alerts.setupWhole();
    await deps.outbox.resume();
  }
}
