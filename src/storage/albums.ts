/**
 * Album parts kept in KV while the rest of the album arrives, for serverless instances where
 * each part may reach a different instance.
 *
 * @module
 */
import { K } from "./keys.ts";

const PART_TTL_MS = 3_600_000;

/** Stores one part (idempotent). */
export async function saveAlbumPart<T>(
  kv: Deno.Kv,
  chatId: number,
  group: string,
  messageId: number,
  part: T,
): Promise<void> {
  await kv.set(K.albumPart(chatId, group, messageId), part, { expireIn: PART_TTL_MS });
}

/**
 * Takes every stored part of an album if `lastId` is still its newest part: exactly one
 * caller wins (the parts are deleted in the same atomic operation), others get null.
 */
export async function claimAlbum<T>(
  kv: Deno.Kv,
  chatId: number,
  group: string,
  lastId: number,
): Promise<T[] | null> {
  const entries: Deno.KvEntry<T>[] = [];
  for await (const e of kv.list<T>({ prefix: K.albumParts(chatId, group) })) entries.push(e);
  const newest = entries[entries.length - 1];
  if (!newest || newest.key[3] !== lastId) return null;
  const op = kv.atomic();
  for (const e of entries) op.check(e).delete(e.key);
  // a part arriving between the listing and the commit is claimed by its own request later
  return (await op.commit()).ok ? entries.map((e) => e.value) : null;
}
