/**
 * Who a Telegram user is to the helpdesk.
 *
 * @module
 */
import type { ActorRole } from "../domain/ticket.ts";
import { K } from "../storage/keys.ts";
import { getManager } from "../storage/people.ts";
import type { ServiceDeps } from "./deps.ts";

/** `admin` (environment or added in the settings bot), `manager` (active), or null. */
export async function staffRole(
  deps: Pick<ServiceDeps, "kv" | "adminIds">,
  userId: number,
): Promise<Extract<ActorRole, "admin" | "manager"> | null> {
  if (deps.adminIds.includes(userId)) return "admin";
  const [admin, manager] = await Promise.all([
    deps.kv.get(K.admin(userId)),
    getManager(deps.kv, userId),
  ]);
  if (admin.versionstamp !== null) return "admin";
  return manager?.active ? "manager" : null;
}
