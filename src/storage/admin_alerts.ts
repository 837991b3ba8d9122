/**
 * The admins' alerts waiting to be delivered: each is written here before the settings bot
 * sends it and deleted once Telegram took it, so that a stop, a crash or an instance that ends
 * with its request (Deno Deploy) does not lose it.
 *
 * @module
 */
import { K } from "./keys.ts";

/** One alert to one admin. */
export interface AdminAlert {
  /** The admin's Telegram user id. */
  to: number;
  /** The text, already in the admin's language. */
  text: string;
  /** When it was raised. */
  at: number;
  /** Failed attempts so far. */
  attempts: number;
  /** Until when a sender holds it (another sender, or another instance, leaves it alone). */
  claimedUntil: number;
}

/** A stored alert with its versionstamp. */
export type AlertEntry = Deno.KvEntry<AdminAlert>;

/** KV takes at most 1,000 mutations a commit; admins are few, this keeps well under. */
const PER_COMMIT = 100;

/**
 * Stores alerts, claimed until `claimedUntil` by the caller that sends them at once; returns
 * the stored entries.
 */
export async function queueAdminAlerts(
  kv: Deno.Kv,
  items: Array<{ to: number; text: string }>,
  at: number,
  claimedUntil: number,
): Promise<AlertEntry[]> {
  const out: AlertEntry[] = [];
  for (let i = 0; i < items.length; i += PER_COMMIT) {
    const op = kv.atomic();
    const batch = items.slice(i, i + PER_COMMIT).map(({ to, text }) => ({
      key: K.adminAlert(at, crypto.randomUUID()),
      value: { to, text, at, attempts: 0, claimedUntil } satisfies AdminAlert,
    }));
    for (const b of batch) op.set(b.key, b.value);
    const r = await op.commit();
    if (!r.ok) throw new Error("Cannot store the admins' alerts: the commit was refused");
    out.push(...batch.map((b) => ({ ...b, versionstamp: r.versionstamp })));
  }
  return out;
}

/** Alerts no sender holds at `now`, oldest first. */
export async function unclaimedAdminAlerts(kv: Deno.Kv, now: number): Promise<AlertEntry[]> {
  const out: AlertEntry[] = [];
  for await (const e of kv.list<AdminAlert>({ prefix: K.adminAlerts() })) {
    if (e.value.claimedUntil <= now) out.push(e);
  }
  return out;
}

/** Takes an alert for sending until `until`; null when someone else changed it meanwhile. */
export async function claimAdminAlert(
  kv: Deno.Kv,
  e: AlertEntry,
  until: number,
): Promise<AlertEntry | null> {
  const value = { ...e.value, claimedUntil: until };
  const r = await kv.atomic().check(e).set(e.key, value).commit();
  return r.ok ? { key: e.key, value, versionstamp: r.versionstamp } : null;
}

/** Forgets a delivered (or undeliverable) alert. */
export async function dropAdminAlert(kv: Deno.Kv, e: AlertEntry): Promise<void> {
  await kv.delete(e.key);
}

/** Counts a failed attempt; the alert waits for a sender again from `retryAt`. */
export async function failedAdminAlert(
  kv: Deno.Kv,
  e: AlertEntry,
  retryAt: number,
): Promise<void> {
  await kv.atomic().check(e).set(e.key, {
    ...e.value,
    attempts: e.value.attempts + 1,
    claimedUntil: retryAt,
  }).commit();
}
