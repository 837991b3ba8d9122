/**
 * Updates received from Telegram and not handled in time (see runtime/poller.ts) are written
 * here before their offset is confirmed, and removed once processed: a process killed in
 * between finds them again on restart.
 *
 * @module
 */
import type { Update } from "grammy/types";
import { K } from "./keys.ts";

/** An update too large for one KV value: its JSON is kept in parts under its key. */
interface Parted {
  parts: number;
}

/** Characters of JSON per part: 2 bytes each at worst stays under KV's 64 KiB per value. */
const PART_CHARS = 30_000;
/** Budget of one atomic operation, well under KV's 800 KiB and 1000 mutations. */
const OP_BYTES = 400_000;
const OP_MUTATIONS = 500;

/**
 * Writes received updates (idempotent per update id) within KV's limits whatever their size
 * and number: operations are split by size, and an update over one value's limit is kept in
 * parts. Resolves only once all of them are stored, so the caller may confirm the offset, to
 * the ids of the updates kept in parts (what {@linkcode dropIntake} must look for).
 */
export async function saveIntake(
  kv: Deno.Kv,
  bot: string,
  updates: Update[],
): Promise<Set<number>> {
  const parted = new Set<number>();
  let op = kv.atomic();
  let bytes = 0;
  let mutations = 0;
  const flush = async () => {
    if (mutations === 0) return;
    const res = await op.commit();
    if (!res.ok) throw new Error("Cannot store received updates: the write was refused");
    op = kv.atomic();
    bytes = 0;
    mutations = 0;
  };
  for (const u of updates) {
    const json = JSON.stringify(u);
    const chunks: string[] = [];
    if (json.length > PART_CHARS) {
      for (let i = 0; i < json.length; i += PART_CHARS) chunks.push(json.slice(i, i + PART_CHARS));
      parted.add(u.update_id);
    }
    const size = (chunks.length ? 64 : json.length * 2) + chunks.length * PART_CHARS * 2;
    if (bytes + size > OP_BYTES || mutations + chunks.length + 1 > OP_MUTATIONS) await flush();
    for (let i = 0; i < chunks.length; i++) {
      op.set([...K.intake(bot, u.update_id), i], chunks[i]!);
      // a huge update gets operations of its own, one part each at most OP_BYTES together
      bytes += PART_CHARS * 2;
      mutations++;
      if (bytes + PART_CHARS * 2 > OP_BYTES) await flush();
    }
    // the head record is written last: a reader never sees a head without all its parts
    op.set(K.intake(bot, u.update_id), chunks.length ? { parts: chunks.length } : u);
    bytes += chunks.length ? 64 : json.length * 2;
    mutations++;
  }
  await flush();
  return parted;
}

function isParted(v: unknown): v is Parted {
  return typeof v === "object" && v !== null && !("update_id" in v) &&
    typeof (v as Parted).parts === "number";
}

function isUpdate(v: unknown): v is Update {
  return typeof v === "object" && v !== null && typeof (v as Update).update_id === "number";
}

/**
 * Updates received but not processed yet, oldest first (parted ones reassembled). A record
 * that cannot be read back (corrupted, or parts missing) is moved aside with its reason
 * instead of failing every start, and reported to `onSetAside`.
 */
export async function listIntake(
  kv: Deno.Kv,
  bot: string,
  o: { at?: number; onSetAside?: (r: SetAsideUpdate) => void } = {},
): Promise<Update[]> {
  const out: Update[] = [];
  const bad: Array<{ id: number; reason: string; raw: string }> = [];
  for await (const e of kv.list<unknown>({ prefix: K.intakePrefix(bot) })) {
    // parts sort right after their head key: ["intake", bot, id] < ["intake", bot, id, 0]
    if (e.key.length !== 3) continue;
    const id = e.key[2] as number;
    if (isParted(e.value)) {
      const chunks: string[] = [];
      for await (const p of kv.list<string>({ prefix: e.key })) chunks.push(String(p.value));
      const json = chunks.join("");
      let u: unknown = null;
      try {
        u = chunks.length === e.value.parts ? JSON.parse(json) : null;
      } catch { /* reported below */ }
      if (isUpdate(u)) out.push(u);
      else bad.push({ id, reason: "parts missing or unreadable", raw: json });
    } else if (isUpdate(e.value)) out.push(e.value);
    else bad.push({ id, reason: "not an update", raw: safeJson(e.value) });
  }
  for (const b of bad) {
    const why = { reason: `corrupted record: ${b.reason}`, attempts: 0, at: o.at ?? Date.now() };
    o.onSetAside?.(await setAsideUpdate(kv, bot, b.id, why, b.raw));
  }
  return out;
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** KV refusing a bot's writes: since when, why, and whether it is over. */
export interface StorageTrouble {
  bot: string;
  since: number;
  reason: string;
  resolved: boolean;
}

/** An update set aside: it failed every attempt, or its record could not be read. */
export interface SetAsideUpdate {
  bot: string;
  updateId: number;
  /** Why, redacted (no tokens): the last error's message. */
  reason: string;
  attempts: number;
  at: number;
  /** The update's JSON, cut to what one KV value holds. */
  raw: string;
}

/**
 * Moves an update out of the inbox into the set-aside records (one per update id), so its
 * chat goes on; what it was stays readable for an admin.
 */
export async function setAsideUpdate(
  kv: Deno.Kv,
  bot: string,
  updateId: number,
  why: { reason: string; attempts: number; at: number },
  raw: string,
): Promise<SetAsideUpdate> {
  const rec: SetAsideUpdate = { bot, updateId, ...why, raw: raw.slice(0, PART_CHARS) };
  await kv.set(K.setAside(bot, updateId), rec);
  await dropIntake(kv, bot, [updateId]);
  return rec;
}

/** The updates set aside for `bot`, oldest first. */
export async function listSetAside(kv: Deno.Kv, bot: string): Promise<SetAsideUpdate[]> {
  const out: SetAsideUpdate[] = [];
  for await (const e of kv.list<SetAsideUpdate>({ prefix: K.setAsidePrefix(bot) })) {
    out.push(e.value);
  }
  return out;
}

/** Counts a failed webhook attempt of an update; resolves to the attempts so far. */
export async function countUpdateFailure(
  kv: Deno.Kv,
  bot: string,
  updateId: number,
): Promise<number> {
  const key = K.updateFailures(bot, updateId);
  for (let i = 0; i < 20; i++) {
    const cur = await kv.get<number>(key);
    const n = (cur.value ?? 0) + 1;
    const res = await kv.atomic().check(cur).set(key, n, { expireIn: 86_400_000 }).commit();
    if (res.ok) return n;
  }
  return Infinity;
}

/**
 * Forgets processed updates (and the parts of large ones). `parted`: the ids among them that
 * may be kept in parts (see {@linkcode saveIntake}); the others are deleted without a read.
 * Without it every record in the ids' range is listed to find the parts.
 */
export async function dropIntake(
  kv: Deno.Kv,
  bot: string,
  updateIds: number[],
  parted?: ReadonlySet<number>,
): Promise<void> {
  if (updateIds.length === 0) return;
  const ids = new Set(updateIds);
  const keys: Deno.KvKey[] = [];
  if (parted) {
    // Why: listing the range read back (and deserialized) every update just handled
    for (const id of ids) {
      if (!parted.has(id)) continue;
      for await (const e of kv.list({ prefix: K.intake(bot, id) })) keys.push(e.key);
    }
  } else {
    const min = Math.min(...updateIds);
    const max = Math.max(...updateIds);
    for await (
      const e of kv.list({ start: K.intake(bot, min), end: K.intake(bot, max + 1) }, {
        batchSize: 500,
      })
    ) {
      if (ids.has(e.key[2] as number)) keys.push(e.key);
    }
  }
  for (const id of ids) keys.push(K.intake(bot, id));
  for (let i = 0; i < keys.length; i += OP_MUTATIONS) {
    const op = kv.atomic();
    for (const k of keys.slice(i, i + OP_MUTATIONS)) op.delete(k);
    await op.commit();
  }
}

/** What the service knows of a bot's health. */
export interface BotState {
  lastUpdateAt: number | null;
  lastError: string | null;
  lastErrorAt: number | null;
}

/** Reads a bot's health record. */
export async function getBotState(kv: Deno.Kv, bot: string): Promise<BotState> {
  return (await kv.get<BotState>(K.botState(bot))).value ??
    { lastUpdateAt: null, lastError: null, lastErrorAt: null };
}

/** Updates a bot's health record. */
export async function patchBotState(
  kv: Deno.Kv,
  bot: string,
  patch: Partial<BotState>,
): Promise<void> {
  const cur = await getBotState(kv, bot);
  await kv.set(K.botState(bot), { ...cur, ...patch });
}
