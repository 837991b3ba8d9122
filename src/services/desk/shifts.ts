/**
 * A manager's own working hours, set in the manager bot: `/hours mon-fri 09:00-18:00` (the
 * same form as the team's hours in the settings bot, in the team's time zone), `/hours -`
 * back to the team's hours, `/hours` shows them and whether the manager is at work now.
 * Outside them the manager gets no new tickets and their SLA warnings go to those at work.
 *
 * @module
 */
import { formatWeekHours, parseWeekHours } from "../../domain/durations.ts";
import { onShift } from "../../domain/shifts.ts";
import { t, type TextKey } from "../../i18n/mod.ts";
import { setManagerHours } from "../../storage/desk.ts";
import { getSettings } from "../../storage/settings.ts";
import type { Helpdesk } from "../helpdesk.ts";
import type { DeskUser } from "./access.ts";
import type { Outcome } from "./tickets.ts";

/** `/hours [spec|-]` for the user (a manager: admins who are no managers get no tickets). */
export async function hoursByArg(deps: Helpdesk, user: DeskUser, arg: string): Promise<Outcome> {
  const m = user.manager;
  if (!m) return { ok: false, text: t(user.lang, "desk_away_not_manager") };
  const s = await getSettings(deps.kv);
  const typed = arg.trim();
  let next = m;
  if (typed === "-") {
    next = (await setManagerHours(deps.kv, m.id, null)) ?? m;
  } else if (typed) {
    const r = parseWeekHours(typed);
    if (!r.ok) {
      return {
        ok: false,
        text: `${t(user.lang, `s_err_${r.error}` as TextKey)}\n${t(user.lang, "desk_usage_hours")}`,
      };
    }
    next = (await setManagerHours(deps.kv, m.id, r.value)) ?? m;
  }
  const hours = next.hours
    ? t(user.lang, "desk_hours_own", {
      hours: formatWeekHours(next.hours.week, next.hours.always),
      tz: s.timeZone,
    })
    : t(user.lang, "desk_hours_team", { hours: formatWeekHours(s.week, s.always), tz: s.timeZone });
  const now = onShift(next, s, deps.clock.now())
    ? t(user.lang, "desk_hours_now_on")
    : t(user.lang, "desk_hours_now_off");
  return { ok: typed !== "", text: `${hours}\n${now}` };
}
