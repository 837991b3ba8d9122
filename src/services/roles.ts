/**
 * Who a Telegram user is to the helpdesk.
 *
 * @module
 */
import type { ActorRole } from "../domain/ticket.ts";
import { getManager, isStoredAdmin } from "../storage/people.ts";
import type { ServiceDeps } from "./deps.ts";

/** `admin` (environment or added in the settings bot), `manager` (active), or null. */
export async function staffRole(
  deps: Pick<ServiceDeps, "kv" | "adminIds">,
  userId: number,
): Promise<Extract<ActorRole, "admin" | "manager"> | null> {
  if (deps.adminIds.includes(userId)) return "admin";
  const [admin, manager] = await Promise.all([
    isStoredAdmin(deps.kv, userId),
    getManager(deps.kv, userId),
  ]);
  if (admin) return "admin";
  return manager?.active ? "manager" : null;
}
