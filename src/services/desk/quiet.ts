/**
 * Quiet tickets: a ticket that waits on the client (the manager answered last) for
 * `settings.quietDays` days is closed automatically. The client is told and can reopen it by
 * writing again (the client bot offers to reopen) or from their list of tickets; the thread
 * gets a note; the post is updated; the close is recorded with the `system` actor.
 *
 * @module
 */
import { type Actor, close, pausedFrom, type Ticket, waitState } from "../../domain/ticket.ts";
import { getSettings } from "../../storage/settings.ts";
import { changeTicket, ticketsByStatus } from "../../storage/tickets.ts";
import type { Helpdesk } from "../helpdesk.ts";

const DAY_MS = 24 * 3_600_000;
const SYSTEM: Actor = { role: "system", id: 0 };

/**
 * Whether a ticket has waited on its client for `days` days at `now` (since the team's last
 * answer or message). A ticket on hold is never quiet: the team put it aside on purpose.
 */
export function isQuiet(tk: Ticket, days: number, now: number): boolean {
  if (tk.status !== "in_progress" || waitState(tk) !== "customer") return false;
  const since = Math.max(pausedFrom(tk) ?? tk.lastActivityAt, tk.lastActivityAt);
  return now - since >= days * DAY_MS;
}

/**
 * Closes every quiet ticket; returns the numbers closed by this run. Idempotent and safe to
 * run twice at once: each close is one atomic change that re-checks the ticket it read, so a
 * ticket is closed (and its client told) once, and a client message that arrives meanwhile
 * wins over the close.
 */
export async function closeQuietTickets(deps: Helpdesk, now: number): Promise<number[]> {
  const settings = await getSettings(deps.kv);
  if (!(settings.quietDays > 0)) return [];
  const days = settings.quietDays;
  const closed: number[] = [];
  for (const tk of await ticketsByStatus(deps.kv, "in_progress")) {
    if (!isQuiet(tk, days, now)) continue;
    const res = await changeTicket(deps.kv, tk.number, now, (current, next) => {
      if (!isQuiet(current, days, now)) return { refuse: "not_allowed" };
      const r = close(current, SYSTEM, now);
      if (!r.ok) return { refuse: r.reason };
      const at = now;
      const notice = (lane: "group" | "client", key: string) => ({
        ticket: tk.number,
        lane,
        seq: next(),
        createdAt: at,
        attempts: 0,
        notBefore: 0,
        action: { type: "notice" as const, key, params: { number: tk.number, days } },
      });
      return {
        ticket: r.ticket,
        events: [{ ...r.event, seq: next() }],
        jobs: [notice("group", "desk_quiet_thread"), notice("client", "desk_quiet_client")],
        postDirty: true,
        result: undefined,
      };
    });
    if (!res.ok) continue;
    closed.push(tk.number);
    deps.outbox.kick(tk.number, "group");
    deps.outbox.kick(tk.number, "client");
    deps.outbox.kickPost(tk.number);
  }
  return closed;
}
