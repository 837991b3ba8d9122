/**
 * SLA checks, run from Deno.cron once a minute: each threshold of each cycle alerts once
 * (assigned manager, or all managers when unassigned, through the notifier), and the post
 * shows an overdue mark. Also the off-hours auto-reply, once per cycle.
 *
 * @module
 */
import { dueThresholds, scheduleOf } from "../domain/sla.ts";
import type { Ticket } from "../domain/ticket.ts";
import { isWorkingTime } from "../domain/working_time.ts";
import { getClient } from "../storage/people.ts";
import { getSettings } from "../storage/settings.ts";
import { claimOffHours, claimSla } from "../storage/sla.ts";
import { ticketsByStatus } from "../storage/tickets.ts";
import type { Helpdesk } from "./helpdesk.ts";

/** Checks every open ticket; returns the number of alerts raised. */
export async function runSlaChecks(deps: Helpdesk): Promise<number> {
  const settings = await getSettings(deps.kv);
  const now = deps.clock.now();
  let raised = 0;
  for (const status of ["open", "in_progress"] as const) {
    for (const t of await ticketsByStatus(deps.kv, status)) {
      const cycle = t.cycles.length - 1;
      let breach = false;
      for (const threshold of dueThresholds(t, settings, now)) {
        if (!(await claimSla(deps.kv, t.number, cycle, threshold, now))) continue;
        raised++;
        breach ||= threshold.endsWith("breach");
        deps.notifier?.notify({ type: "sla", ticket: t.number, threshold });
      }
      if (breach) await deps.outbox.markPost(t.number);
    }
  }
  return raised;
}

/**
 * A client wrote: out of working hours they get the configured reply, once per cycle.
 * Called after the message was recorded.
 */
export async function offHoursReply(deps: Helpdesk, t: Ticket): Promise<void> {
  const settings = await getSettings(deps.kv);
  const now = deps.clock.now();
  if (isWorkingTime(scheduleOf(settings), now)) return;
  const cycle = t.cycles.length - 1;
  if (!(await claimOffHours(deps.kv, t.number, cycle, now))) return;
  const client = await getClient(deps.kv, t.clientId);
  const custom = client ? settings.texts.offHours[client.lang] : undefined;
  await deps.outbox.enqueue(t.number, [{
    lane: "client",
    action: custom
      ? { type: "notice", key: "custom_text", params: { text: custom } }
      : { type: "notice", key: "off_hours", params: {} },
  }]);
}
