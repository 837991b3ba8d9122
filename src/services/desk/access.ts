/**
 * Who may use the desk, in which language, and which tickets they may change.
 *
 * @module
 */
import type { Manager } from "../../domain/records.ts";
import { type Actor, mayChange, type Ticket } from "../../domain/ticket.ts";
import { type Lang, langOf } from "../../i18n/mod.ts";
import { getManager } from "../../storage/people.ts";
import type { ServiceDeps } from "../deps.ts";
import { staffRole } from "../roles.ts";

/** A registered manager or an admin using the manager bot. */
export interface DeskUser {
  actor: Actor & { role: "manager" | "admin" };
  /** The manager's language (`Manager.lang`), else their Telegram language (admins). */
  lang: Lang;
  /** The manager record, absent for admins who are not managers. */
  manager: Manager | null;
}

/** The desk user behind a Telegram user, or null when they are neither manager nor admin. */
export async function deskUser(
  deps: Pick<ServiceDeps, "kv" | "adminIds">,
  from: { id: number; language_code?: string },
): Promise<DeskUser | null> {
  const [role, manager] = await Promise.all([
    staffRole(deps, from.id),
    getManager(deps.kv, from.id),
  ]);
  if (!role) return null;
  const active = manager?.active ? manager : null;
  return {
    actor: { role, id: from.id },
    lang: active?.lang ?? langOf(from.language_code),
    manager: active,
  };
}

/**
 * Whether `actor` may change `ticket` (close, reopen, transfer, answer it from the desk):
 * admins any ticket; a manager an unassigned ticket or their own. Anyone on the team may
 * view any ticket and take an unassigned one.
 */
export function mayTouch(actor: Actor, ticket: Ticket): boolean {
  return mayChange(actor, ticket);
}
