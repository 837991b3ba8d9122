/**
 * The assignment rule of new tickets (Settings → Assignment): nobody (the first reply takes
 * the ticket), round-robin among the available managers, the one with the fewest open
 * tickets, or round-robin within the topic's group. Away managers (`Manager.away`) get none.
 * A ticket no rule can place (everyone away, a topic without a group) stays with the team.
 *
 * @module
 */
import type { Manager } from "../../domain/records.ts";
import type { Ticket } from "../../domain/ticket.ts";
import { nextInRotation } from "../../storage/desk.ts";
import { listManagers } from "../../storage/people.ts";
import { getSettings } from "../../storage/settings.ts";
import { ticketsByManager } from "../../storage/tickets.ts";
import type { Helpdesk } from "../helpdesk.ts";
import { assignTicket } from "../lifecycle.ts";

/** Managers who can get new tickets: on the team and not away, by id. */
export async function availableManagers(deps: Pick<Helpdesk, "kv">): Promise<Manager[]> {
  return (await listManagers(deps.kv)).filter((m) => m.active && !m.away)
    .sort((a, b) => a.id - b.id);
}

/** Open (not closed) tickets of a manager. */
async function openCount(kv: Deno.Kv, managerId: number): Promise<number> {
  return (await ticketsByManager(kv, managerId)).filter((t) => t.status !== "closed").length;
}

/** Whom the rule gives `tk` to, or null (the rule is off, or nobody fits). */
export async function chooseManager(deps: Helpdesk, tk: Ticket): Promise<Manager | null> {
  const s = await getSettings(deps.kv);
  if (s.assignMode === "off") return null;
  let pool = await availableManagers(deps);
  let scope = "all";
  if (s.assignMode === "topic") {
    const group = new Set(s.topicGroups[tk.topic] ?? []);
    pool = pool.filter((m) => group.has(m.id));
    scope = `topic:${tk.topic}`;
  } else if (s.assignMode === "least_open") {
    const counts = await Promise.all(pool.map((m) => openCount(deps.kv, m.id)));
    const least = Math.min(...counts);
    // ties take turns, so that an idle team does not send everything to the lowest id
    pool = pool.filter((_, i) => counts[i] === least);
    scope = "least";
  }
  const id = await nextInRotation(deps.kv, scope, pool.map((m) => m.id));
  return pool.find((m) => m.id === id) ?? null;
}

/** Applies the rule to a new ticket; returns the manager it went to, or null. */
export async function autoAssign(deps: Helpdesk, tk: Ticket): Promise<Manager | null> {
  const m = await chooseManager(deps, tk);
  if (!m) return null;
  const r = await assignTicket(deps, tk.number, m);
  return r.ok ? m : null;
}
