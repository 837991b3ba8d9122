/**
 * Clients, managers and admins added in the settings bot.
 *
 * @module
 */
import type { Client, Manager } from "../domain/records.ts";
import type { Ticket } from "../domain/ticket.ts";
import { K } from "./keys.ts";
import { CONFLICT, retryKv } from "./retry.ts";

/** Reads a client by Telegram id. */
export async function getClient(kv: Deno.Kv, id: number): Promise<Client | null> {
  return (await kv.get<Client>(K.client(id))).value;
}

/**
 * Whether two records hold the same fields and values: a record unchanged by a refresh is not
 * written again (every client message refreshes the profile). Field by field instead of
 * comparing two JSON strings of the whole record on every message; nested values (`blocked`)
 * are compared as JSON.
 */
function sameFields(a: object, b: object): boolean {
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return false;
  for (const k of keys) {
    // an own field missing on the other side (even an undefined one) is a difference
    if (!Object.hasOwn(y, k)) return false;
    const u = x[k];
    const v = y[k];
    if (u === v) continue;
    if (typeof u !== "object" || typeof v !== "object" || u === null || v === null) return false;
    if (JSON.stringify(u) !== JSON.stringify(v)) return false;
  }
  return true;
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
  /** The record as just read (see client_inputs.ts): the first attempt reads nothing. */
  known?: Deno.KvEntryMaybe<Client>,
): Promise<Client> {
  let first = known;
  return await retryKv(`update client ${profile.id}`, async () => {
    const entry = first ?? await kv.get<Client>(K.client(profile.id));
    first = undefined;
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
    if (entry.value && sameFields(next, entry.value)) return next;
    return (await kv.atomic().check(entry).set(K.client(profile.id), next).commit()).ok
      ? next
      : CONFLICT;
  });
}

/** Changes an existing client atomically; returns null when unknown. */
export async function patchClient(
  kv: Deno.Kv,
  id: number,
  patch: (c: Client) => Partial<Client>,
): Promise<Client | null> {
  return await retryKv(`update client ${id}`, async () => {
    const entry = await kv.get<Client>(K.client(id));
    if (!entry.value) return null;
    const next = { ...entry.value, ...patch(entry.value) };
    return (await kv.atomic().check(entry).set(K.client(id), next).commit()).ok ? next : CONFLICT;
  });
}

/** Reads the clients of some tickets at once. */
export async function clientsOf(
  kv: Deno.Kv,
  tickets: readonly Ticket[],
): Promise<Map<number, Client>> {
  const ids = [...new Set(tickets.map((tk) => tk.clientId))];
  const out = new Map<number, Client>();
  for (let i = 0; i < ids.length; i += 10) {
    const entries = await kv.getMany<Client[]>(ids.slice(i, i + 10).map((id) => K.client(id)));
    for (const e of entries) if (e.value) out.set(e.value.id, e.value);
  }
  return out;
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

/** Whether `id` is an admin added in the settings bot. */
export async function isStoredAdmin(kv: Deno.Kv, id: number): Promise<boolean> {
  return (await kv.get(K.admin(id))).versionstamp !== null;
}

/** Adds an admin, with their name and username when they are known already. */
export async function addAdmin(
  kv: Deno.Kv,
  id: number,
  by: number,
  at: number,
  profile: { name?: string; username?: string } = {},
): Promise<void> {
  const rec: StoredAdmin = { by, at };
  if (profile.name) rec.name = profile.name;
  if (profile.username) rec.username = profile.username;
  await kv.set(K.admin(id), rec);
}

/** How Telegram shows a person right now (from an update's `from`). */
export interface Profile {
  id: number;
  name: string;
  username?: string;
}

/**
 * Brings the manager's and the admin's record of `p.id` (where there is one) in line with how
 * Telegram shows them: a person added by a bare id gets a name and a username. Returns whether
 * `p.id` is staff with a stored record (so the caller knows the profile is now in line).
 * Atomic with a check; records that already agree are not written.
 */
export async function refreshStaffProfile(
  kv: Deno.Kv,
  p: Profile,
): Promise<{ staff: boolean; managerChanged: boolean }> {
  return await retryKv(`refresh the profile of ${p.id}`, async () => {
    const [m, a] = await kv.getMany<[Manager, StoredAdmin]>([K.manager(p.id), K.admin(p.id)]);
    const op = kv.atomic().check(m).check(a);
    let managerChanged = false;
    if (m.value && !sameProfile(m.value, p)) {
      op.set(K.manager(p.id), withProfile(m.value, p));
      managerChanged = true;
    }
    const adminChanged = a.value !== null && !sameProfile(a.value, p);
    if (adminChanged) op.set(K.admin(p.id), withProfile(a.value!, p));
    const staff = m.value !== null || a.value !== null;
    if (!managerChanged && !adminChanged) return { staff, managerChanged };
    return (await op.commit()).ok ? { staff, managerChanged } : CONFLICT;
  });
}

/** An admin added in the settings bot; the name is filled in once Telegram shows them. */
export interface StoredAdmin {
  by: number;
  at: number;
  name?: string;
  username?: string;
}

/** Reads an admin added in the settings bot. */
export async function getAdmin(kv: Deno.Kv, id: number): Promise<StoredAdmin | null> {
  return (await kv.get<StoredAdmin>(K.admin(id))).value;
}

function sameProfile(r: { name?: string; username?: string }, p: Profile): boolean {
  return r.name === p.name && (r.username ?? undefined) === p.username;
}

function withProfile<T extends { name?: string; username?: string }>(r: T, p: Profile): T {
  const next: T = { ...r, name: p.name };
  if (p.username) next.username = p.username;
  else delete next.username;
  return next;
}
