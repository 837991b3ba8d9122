/**
 * Clients, managers and admins added in the settings bot.
 *
 * @module
 */
import type { Client, Manager } from "../domain/records.ts";
import { K } from "./keys.ts";

/** Reads a client by Telegram id. */
export async function getClient(kv: Deno.Kv, id: number): Promise<Client | null> {
  return (await kv.get<Client>(K.client(id))).value;
}

/**
 * Creates the client on first contact or refreshes name, username and language, keeping
 * everything else; `patch` may change further fields. Atomic with a check.
 */
export async function upsertClient(
  kv: Deno.Kv,
  profile: Pick<Client, "id" | "firstName" | "lastName" | "username" | "lang">,
  at: number,
  patch: (c: Client) => Partial<Client> = () => ({}),
): Promise<Client> {
  for (;;) {
    const entry = await kv.get<Client>(K.client(profile.id));
    const base: Client = entry.value ?? {
      ...profile,
      createdAt: at,
      currentTicket: null,
      blocked: null,
      unreachable: false,
    };
    const refreshed: Client = { ...base, ...profile };
    if (profile.lastName === undefined) delete refreshed.lastName;
    if (profile.username === undefined) delete refreshed.username;
    const next = { ...refreshed, ...patch(refreshed) };
    if (entry.value && JSON.stringify(next) === JSON.stringify(entry.value)) return next;
    if ((await kv.atomic().check(entry).set(K.client(profile.id), next).commit()).ok) return next;
  }
}

/** Changes an existing client atomically; returns null when unknown. */
export async function patchClient(
  kv: Deno.Kv,
  id: number,
  patch: (c: Client) => Partial<Client>,
): Promise<Client | null> {
  for (;;) {
    const entry = await kv.get<Client>(K.client(id));
    if (!entry.value) return null;
    const next = { ...entry.value, ...patch(entry.value) };
    if ((await kv.atomic().check(entry).set(K.client(id), next).commit()).ok) return next;
  }
}

/** Every client, by id. */
export async function listClients(kv: Deno.Kv): Promise<Client[]> {
  const out: Client[] = [];
  for await (const e of kv.list<Client>({ prefix: K.clients() })) out.push(e.value);
  return out;
}

/** Reads a manager. */
export async function getManager(kv: Deno.Kv, id: number): Promise<Manager | null> {
  return (await kv.get<Manager>(K.manager(id))).value;
}

/** Adds or replaces a manager record. */
export async function putManager(kv: Deno.Kv, m: Manager): Promise<void> {
  await kv.set(K.manager(m.id), m);
}

/** Every manager record (active or not). */
export async function listManagers(kv: Deno.Kv): Promise<Manager[]> {
  const out: Manager[] = [];
  for await (const e of kv.list<Manager>({ prefix: K.managers() })) out.push(e.value);
  return out;
}

/** Admins added in the settings bot (ADMIN_IDS from the environment are not stored). */
export async function listAdmins(kv: Deno.Kv): Promise<number[]> {
  const out: number[] = [];
  for await (const e of kv.list({ prefix: K.admins() })) out.push(e.key[1] as number);
  return out;
}

/** Adds an admin. */
export async function addAdmin(kv: Deno.Kv, id: number, by: number, at: number): Promise<void> {
  await kv.set(K.admin(id), { by, at });
}
