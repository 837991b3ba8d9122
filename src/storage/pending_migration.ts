/**
 * A bot migration waiting for an admin's yes. Kept in KV, not in memory, because the yes may
 * reach another instance (Deno Deploy) or a restarted process; the new bot's token in it is
 * sealed (see `services/setup/seal.ts`), so that no token rests in KV outside the settings.
 *
 * @module
 */
import { K } from "./keys.ts";
import { CONFLICT, retryKv } from "./retry.ts";

/** What is kept of a pending migration. */
export interface PendingMigrationRecord {
  kind: "client" | "manager";
  /** The new bot's token, sealed. */
  sealed: string;
  bot: { id: number; username: string; firstName: string };
  /** Until when the yes is accepted. */
  until: number;
}

/** Keeps the admin's pending migration (replacing an earlier one) for `ttlMs`. */
export async function putPendingMigration(
  kv: Deno.Kv,
  adminId: number,
  rec: PendingMigrationRecord,
  ttlMs: number,
): Promise<void> {
  await kv.set(K.pendingMigration(adminId), rec, { expireIn: ttlMs });
}

/** Takes the admin's pending migration out of KV (once: a second yes finds nothing). */
export async function takePendingMigration(
  kv: Deno.Kv,
  adminId: number,
): Promise<PendingMigrationRecord | null> {
  const key = K.pendingMigration(adminId);
  return await retryKv("take the pending migration", async () => {
    const cur = await kv.get<PendingMigrationRecord>(key);
    if (!cur.value) return null;
    return (await kv.atomic().check(cur).delete(key).commit()).ok ? cur.value : CONFLICT;
  }, { attempts: 10, exhausted: () => null });
}

/** Forgets the admin's pending migration (cancelled). */
export async function dropPendingMigration(kv: Deno.Kv, adminId: number): Promise<void> {
  await kv.delete(K.pendingMigration(adminId));
}
